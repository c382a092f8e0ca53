// The dashboard's shell: the header's connection state, the navigation and a hash router
// (#/network, #/blocks, …). Each page module exports `render(container, ctx)`, which may
// return a cleanup function (unsubscriptions) that runs when the user navigates away.
import './style.css';
import 'uplot/dist/uPlot.min.css';
import { connection, getApi, STATES } from './api.js';
import { el, setState } from './ui.js';
import * as network from './pages/network.js';
import * as blocks from './pages/blocks.js';
import * as certificates from './pages/certificates.js';
import * as names from './pages/names.js';
import * as assets from './pages/assets.js';
import * as wallet from './pages/wallet.js';
import * as caesar from './pages/caesar.js';
import * as governance from './pages/governance.js';

/** The pages, in navigation order. */
export const PAGES = [
  ['network', 'Network', network],
  ['blocks', 'Blocks', blocks],
  ['certificates', 'Certificates', certificates],
  ['names', 'Names', names],
  ['assets', 'Assets', assets],
  ['wallet', 'Wallet', wallet],
  ['caesar', 'Caesar', caesar],
  ['governance', 'Governance', governance],
];

const header = document.getElementById('connection');
const nav = document.getElementById('nav');
const main = document.getElementById('page');

function connectionText({ status, endpoint, error }) {
  if (status === 'connected') return `Connected to ${endpoint}`;
  if (status === 'unreachable') return `Node unreachable: ${endpoint ? `${endpoint}: ` : ''}${error}`;
  return endpoint ? `Connecting to ${endpoint}…` : 'Reading the node\'s address…';
}

function showConnection() {
  const { state } = connection;
  header.dataset.state = STATES[state.status];
  header.textContent = connectionText(state);
}
connection.addEventListener('change', showConnection);
showConnection();

for (const [id, label] of PAGES) {
  nav.append(el('a', { href: `#/${id}`, 'data-page': id }, label));
}

let cleanup = null;
let generation = 0;

function currentPage() {
  const id = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return PAGES.find(([pageId]) => pageId === id) || PAGES[0];
}

async function route() {
  const mine = ++generation;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn('page cleanup failed', e); }
    cleanup = null;
  }
  const [id, label, module] = currentPage();
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('active', link.dataset.page === id);
  document.title = `${label} · HyperMesh`;
  main.replaceChildren();
  main.dataset.page = id;
  const waiting = el('div', { 'data-testid': 'page-connection' });
  const showWaiting = () => {
    const { state } = connection;
    setState(waiting, state.status === 'unreachable' ? 'error' : 'loading', connectionText(state));
  };
  showWaiting();
  connection.addEventListener('change', showWaiting);
  main.append(waiting);
  main.dataset.state = 'loading';
  let api;
  try {
    api = await getApi();
  } catch {
    connection.removeEventListener('change', showWaiting);
    main.dataset.state = 'error';
    return;
  } finally {
    connection.removeEventListener('change', showWaiting);
  }
  if (mine !== generation) return;
  main.replaceChildren();
  const container = el('section', { class: `page page-${id}`, 'data-testid': `page-${id}` });
  main.append(container);
  main.dataset.state = 'ready';
  const ctx = { api, connection, isCurrent: () => mine === generation };
  try {
    const result = await module.render(container, ctx);
    if (mine !== generation) {
      if (typeof result === 'function') result();
    } else if (typeof result === 'function') {
      cleanup = result;
    }
  } catch (e) {
    console.error(`page ${id} failed`, e);
    container.append(setState(el('div', { 'data-testid': 'page-error' }), 'error', `Page failed: ${e.message || e}`));
  }
}

window.addEventListener('hashchange', route);
route();
