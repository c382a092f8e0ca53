// Wallet: accounts from a browser-extension signer (the polkadot.js extension protocol,
// @polkadot/extension-dapp), and on a development chain the well-known dev accounts as a
// convenience; balances (free, reserved, Caesar bond, staking ledger), a transfer, Caesar's
// bond / unbond / withdraw (pallet-caesar holds providers' stake) and pallet-staking's
// bond / unbond (validators' and nominators' stake), each followed to finality on screen.
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp';
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { el, setState, short } from '../ui.js';
import { errorText } from '../api.js';

/** The name the dashboard gives extensions when it asks for their accounts. */
export const DAPP_NAME = 'HyperMesh dashboard';
/** The development chain's well-known accounts (//Alice …). */
export const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/** Whether the chain is one whose dev accounts are public knowledge. */
export const isDevChain = (chain) => /development|local|dev\b/i.test(chain);

/**
 * A decimal amount in units (`1.5`) as an integer of the chain's smallest unit; throws
 * with a clear message on anything else.
 */
export function parseAmount(text, decimals) {
  const s = String(text).trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!match) throw new Error(`"${s}" is not an amount: use digits and at most one decimal point`);
  const [, whole, fraction = ''] = match;
  if (fraction.length > decimals) throw new Error(`"${s}" has more than ${decimals} decimals`);
  const value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (value === 0n) throw new Error('the amount must be more than zero');
  return value;
}

/** An integer amount of the smallest unit as a decimal in units, trailing zeros dropped. */
export function formatAmount(value, decimals, symbol = '') {
  const v = BigInt(value.toString());
  const base = 10n ** BigInt(decimals);
  const fraction = (v % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  const text = `${(v / base).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
  return symbol ? `${text} ${symbol}` : text;
}

/** The chain's token: `{ decimals, symbol, fmt }`, `fmt(value)` as `formatAmount` with the symbol. */
export function chainToken(api) {
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const symbol = api.registry.chainTokens[0] ?? 'UNIT';
  return { decimals, symbol, fmt: (v) => formatAmount(v, decimals, symbol) };
}

/** The `module.Error` of a failed dispatch, else null. */
function dispatchError(api, events) {
  const failed = events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  if (!failed) return null;
  const error = failed.event.data.dispatchError;
  if (!error.isModule) return error.toString();
  const meta = api.registry.findMetaError(error.asModule);
  return `${meta.section}.${meta.name}`;
}

/** Renders the page into `container`. */
export async function render(container, { api, isCurrent }) {
  let stale = false;
  const live = () => !stale && isCurrent();
  const unsubs = [];
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const symbol = api.registry.chainTokens[0] ?? 'UNIT';
  const chain = (await api.rpc.system.chain()).toString();
  const fmt = (v) => formatAmount(v, decimals, symbol);

  /** { address, name, source: 'dev' | extension name, pair? } */
  let accounts = [];
  const accountState = setState(el('div', { 'data-testid': 'accounts-state' }), 'loading', 'Loading accounts…');
  const select = el('select', { 'data-testid': 'account-select' });
  const extensionButton = el('button', { type: 'button', 'data-testid': 'connect-extension' }, 'Connect browser extension');
  const extensionState = el('span', { class: 'muted', 'data-testid': 'extension-state' },
    ' Accounts of a polkadot.js-protocol extension (polkadot{.js}, Talisman, SubWallet, …).');
  const balances = el('table', { 'data-testid': 'balances' });
  const balanceState = setState(el('div', { 'data-testid': 'balance-state' }), 'empty', 'Choose an account.');

  const amountInput = (testid) => el('input', { name: 'amount', size: 12, placeholder: `amount (${symbol})`, 'data-testid': testid });
  const dest = el('input', { name: 'dest', size: 50, placeholder: 'recipient (SS58)', 'data-testid': 'transfer-dest' });
  const transferAmount = amountInput('transfer-amount');
  const transferForm = el('form', { class: 'inline', 'data-testid': 'transfer-form' },
    dest, transferAmount, el('button', { type: 'submit', 'data-testid': 'transfer-submit' }, 'Send'));
  const bondAmount = amountInput('bond-amount');
  const bondForm = el('form', { class: 'inline', 'data-testid': 'bond-form' }, bondAmount,
    el('button', { type: 'submit', name: 'bond', 'data-testid': 'bond-submit' }, 'Bond'),
    el('button', { type: 'submit', name: 'unbond', 'data-testid': 'unbond-submit' }, 'Unbond'),
    el('button', { type: 'button', 'data-testid': 'withdraw-submit', onclick: () => send('caesar.withdrawUnbonded', () => api.tx.caesar.withdrawUnbonded()) }, 'Withdraw unbonded'));
  const stakeAmount = amountInput('stake-amount');
  const stakeForm = el('form', { class: 'inline', 'data-testid': 'stake-form' }, stakeAmount,
    el('button', { type: 'submit', name: 'bond', 'data-testid': 'stake-bond-submit' }, 'Bond'),
    el('button', { type: 'submit', name: 'unbond', 'data-testid': 'stake-unbond-submit' }, 'Unbond'));
  const txState = setState(el('div', { 'data-testid': 'tx-status' }), 'empty', 'No transaction sent yet.');

  container.append(
    el('h1', {}, 'Wallet'),
    el('p', { class: 'muted' }, `Chain: ${chain}. `,
      isDevChain(chain) ? 'A development chain: the dev accounts (//Alice, //Bob, …) are listed for convenience and signed in this page.' : ''),
    el('div', {}, extensionButton, extensionState),
    accountState,
    el('div', { class: 'inline' }, el('label', {}, 'Account ', select)),
    el('h2', {}, 'Balances'), balanceState, balances,
    el('h2', {}, 'Transfer'), transferForm,
    el('h2', {}, 'Caesar bond (provider stake, pallet-caesar)'), bondForm,
    el('p', { class: 'muted' }, 'Unbonded stake stays held for the unbonding period, then "Withdraw unbonded" releases it.'),
    el('h2', {}, 'Staking bond (validators and nominators, pallet-staking)'), stakeForm,
    el('p', { class: 'muted' }, 'Bond starts a stash (rewards to it, staked) or adds to one; unbonded funds unlock after the bonding duration.'),
    txState,
  );

  function showAccounts() {
    const previous = select.value;
    select.replaceChildren(...accounts.map((a) => el('option', { value: a.address },
      `${a.name} (${a.source === 'dev' ? 'dev account' : a.source}) ${short(a.address)}`)));
    if (accounts.some((a) => a.address === previous)) select.value = previous;
    if (accounts.length === 0) {
      setState(accountState, 'empty', 'No accounts: connect a browser extension that holds one.');
    } else {
      const ext = accounts.filter((a) => a.source !== 'dev').length;
      setState(accountState, 'ready', `${accounts.length} accounts (${ext} from extensions)`);
      accountState.className = 'muted';
    }
    watchBalance();
  }

  let balanceUnsub = null;
  async function watchBalance() {
    if (balanceUnsub) {
      balanceUnsub();
      balanceUnsub = null;
    }
    const address = select.value;
    if (!address) {
      setState(balanceState, 'empty', 'Choose an account.');
      balances.replaceChildren();
      return;
    }
    setState(balanceState, 'loading', `Loading the balances of ${address}…`);
    balances.replaceChildren();
    delete balances.dataset.address;
    try {
      // RuntimeHoldReason::Caesar(HoldReason::ProviderBond), whatever the runtime's type name.
      const isProviderBond = (id) => /^\{"caesar":"providerBond"\}$/i.test(JSON.stringify(id.toJSON()));
      balanceUnsub = await api.queryMulti([
        [api.query.system.account, address],
        [api.query.balances.holds, address],
        [api.query.caesar.unbonding, address],
        [api.query.staking.ledger, address],
      ], ([account, holds, unbonding, ledger]) => {
        if (!live() || select.value !== address) return;
        const held = holds.filter((h) => isProviderBond(h.id)).reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
        const unbondingSum = unbonding.reduce((sum, c) => sum + c.amount.toBigInt(), 0n);
        const rows = [
          ['Free', account.data.free, 'balance-free'],
          ['Reserved', account.data.reserved, 'balance-reserved'],
          ['Frozen', account.data.frozen, 'balance-frozen'],
          ['Caesar bond', held - unbondingSum, 'balance-bonded'],
          ['Unbonding', unbondingSum, 'balance-unbonding'],
          ['Staking bond (active)', ledger.isSome ? ledger.unwrap().active.toBigInt() : 0n, 'staking-active'],
          ['Staking unlocking', ledger.isSome
            ? ledger.unwrap().unlocking.reduce((sum, c) => sum + c.value.toBigInt(), 0n) : 0n, 'staking-unlocking'],
        ];
        balances.dataset.address = address;
        balances.replaceChildren(el('tbody', {},
          ...rows.map(([label, value, testid]) => el('tr', {}, el('th', {}, label),
            el('td', { class: 'num', 'data-testid': testid, 'data-value': value.toString() }, fmt(value)))),
          ...unbonding.map((c) => el('tr', {}, el('th', {}, 'unlocks at block'),
            el('td', { class: 'num' }, `#${c.unlocksAt.toString()} (${fmt(c.amount)})`))),
          el('tr', {}, el('th', {}, 'Nonce'), el('td', { class: 'num' }, account.nonce.toString()))));
        setState(balanceState, 'ready', '');
      });
    } catch (e) {
      if (live()) setState(balanceState, 'error', `RPC refused: ${errorText(e)}`);
    }
  }
  unsubs.push(() => balanceUnsub && balanceUnsub());
  select.addEventListener('change', watchBalance);

  async function connectExtensions() {
    extensionState.textContent = ' Asking the extensions…';
    try {
      const extensions = await web3Enable(DAPP_NAME);
      if (!live()) return;
      if (extensions.length === 0) {
        extensionState.textContent = ' No extension answered (none installed, or access was refused).';
        return;
      }
      const found = await web3Accounts({ ss58Format: api.registry.chainSS58 });
      if (!live()) return;
      const fromExtensions = found.map((a) => ({ address: a.address, name: a.meta.name || short(a.address), source: a.meta.source }));
      accounts = [...fromExtensions, ...accounts.filter((a) => a.source === 'dev')];
      extensionState.textContent = ` ${extensions.map((x) => x.name).join(', ')}: ${fromExtensions.length} accounts`;
      if (fromExtensions.length) select.value = fromExtensions[0].address;
      showAccounts();
      if (fromExtensions.length) select.value = fromExtensions[0].address;
      watchBalance();
    } catch (e) {
      if (live()) extensionState.textContent = ` Extension error: ${errorText(e)}`;
    }
  }
  extensionButton.addEventListener('click', connectExtensions);

  /** Signs `make()` with the selected account and follows it to finality in txState. */
  async function send(what, make) {
    delete txState.dataset.result;
    const account = accounts.find((a) => a.address === select.value);
    if (!account) {
      setState(txState, 'error', 'Refused: choose an account first.');
      return;
    }
    let tx;
    try {
      tx = make();
    } catch (e) {
      setState(txState, 'error', `Refused: ${errorText(e)}`);
      return;
    }
    setState(txState, 'loading', `${what}: signing with ${account.name}…`);
    try {
      let signer;
      let from = account.address;
      if (account.pair) from = account.pair;
      else signer = (await web3FromSource(account.source)).signer;
      const unsub = await tx.signAndSend(from, signer ? { signer } : {}, (result) => {
        const { status } = result;
        if (!live()) return;
        if (status.isReady || status.isBroadcast) setState(txState, 'loading', `${what}: in the transaction pool (${short(tx.hash.toHex())})`);
        else if (status.isInBlock) setState(txState, 'loading', `${what}: in block ${short(status.asInBlock.toHex())}, waiting for finality…`);
        else if (status.isFinalized) {
          const error = dispatchError(api, result.events);
          if (error) setState(txState, 'error', `${what} failed: ${error} (finalized in block ${short(status.asFinalized.toHex())})`);
          else {
            setState(txState, 'ready', `${what}: finalized in block ${status.asFinalized.toHex()}`);
            txState.className = 'ok'; // shown, unlike other ready state lines
          }
          txState.dataset.result = error ? 'failed' : 'finalized';
          unsub();
        } else if (result.isError) {
          setState(txState, 'error', `${what}: ${status.type}`);
          unsub();
        }
      });
      unsubs.push(unsub);
    } catch (e) {
      if (live()) setState(txState, 'error', `${what} refused: ${errorText(e)}`);
    }
  }

  transferForm.addEventListener('submit', (event) => {
    event.preventDefault();
    send('transfer', () => {
      const to = dest.value.trim();
      if (!to) throw new Error('no recipient: enter an SS58 account');
      try {
        api.createType('AccountId', to);
      } catch {
        throw new Error(`"${to}" is not an SS58 account`);
      }
      return api.tx.balances.transferKeepAlive(to, parseAmount(transferAmount.value, decimals));
    });
  });
  stakeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const unbond = event.submitter?.name === 'unbond';
    delete txState.dataset.result;
    setState(txState, 'loading', 'Reading the staking ledger…');
    let stash = null;
    try {
      stash = select.value ? await api.query.staking.ledger(select.value) : null;
    } catch (e) {
      setState(txState, 'error', `RPC refused: ${errorText(e)}`);
      return;
    }
    const what = unbond ? 'staking.unbond' : stash?.isSome ? 'staking.bondExtra' : 'staking.bond';
    send(what, () => {
      const value = parseAmount(stakeAmount.value, decimals);
      if (unbond) return api.tx.staking.unbond(value);
      return stash?.isSome ? api.tx.staking.bondExtra(value) : api.tx.staking.bond(value, { Staked: null });
    });
  });
  bondForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = event.submitter?.name === 'unbond' ? 'unbond' : 'bond';
    send(`caesar.${action}`, () => api.tx.caesar[action](parseAmount(bondAmount.value, decimals)));
  });

  if (isDevChain(chain)) {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    accounts = DEV_ACCOUNTS.map((name) => {
      const pair = keyring.addFromUri(`//${name}`, { name });
      return { address: pair.address, name, source: 'dev', pair };
    });
  }
  if (live()) showAccounts();

  return () => {
    stale = true;
    for (const unsub of unsubs) {
      try { unsub(); } catch { /* already closed */ }
    }
  };
}
