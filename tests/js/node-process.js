// Starts and stops a real hypermesh-node process for the end-to-end tests.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of the node binary: $HYPERMESH_NODE, else the shared cargo target dir. */
export function nodeBinary() {
  if (process.env.HYPERMESH_NODE) return process.env.HYPERMESH_NODE;
  const target = process.env.CARGO_TARGET_DIR || join(process.env.HOME, '.cache/hypermesh/target');
  return join(target, 'debug', 'hypermesh-node');
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Dev nodes this process started and that are still running. If the process ends before
 * a test's `after` hook stops them (the runner kills a test file that times out), they
 * are killed with it instead of running on, unowned.
 */
const running = new Set();
let reaperInstalled = false;

function killRunningOnExit() {
  if (reaperInstalled) return;
  reaperInstalled = true;
  const reap = () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
    process.once(signal, () => {
      reap();
      process.exit(code);
    });
  }
}

/**
 * Starts `hypermesh-node --dev` on free ports and resolves once its RPC server answers.
 * With `{ chain }` (e.g. `dev-governed`), runs that chain with `--dev`'s other effects
 * (Alice's keys, authoring without peers, open CORS). Returns
 * { rpcPort, prometheusPort, logs(), stop() }.
 */
export async function startDevNode(extraArgs = [], { chain } = {}) {
  const rpcPort = await freePort();
  const prometheusPort = await freePort();
  const p2pPort = await freePort();
  const basePath = mkdtempSync(join(tmpdir(), 'hypermesh-e2e-'));
  const chainArgs = chain
    ? ['--chain', chain, '--alice', '--validator', '--force-authoring', '--rpc-cors', 'all',
      '--unsafe-force-node-key-generation']
    : ['--dev'];
  const args = [
    ...chainArgs, '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--prometheus-port', String(prometheusPort),
    '--port', String(p2pPort),
    '--no-telemetry', '--no-mdns',
    ...extraArgs,
  ];
  const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  running.add(child);
  child.on('exit', () => running.delete(child));
  killRunningOnExit();

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`hypermesh-node exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
      });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hypermesh-node RPC did not come up within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    rpcPort,
    prometheusPort,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(basePath, { recursive: true, force: true });
    },
  };
}

/**
 * The samples of a node's Prometheus page (`--prometheus-port`), keyed as the page writes
 * them without the `chain` label the node puts on every series: `name` or
 * `name{label="value",...}`.
 */
export async function scrapeMetrics(prometheusPort) {
  const res = await fetch(`http://127.0.0.1:${prometheusPort}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const samples = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const series = line.slice(0, at).replace(/(\{|,)chain="[^"]*"(,?)/, (_, before, after) => (before === '{' ? '{' : after))
      .replace(/\{\}$/, '');
    samples.set(series, Number(line.slice(at + 1)));
  }
  return samples;
}
