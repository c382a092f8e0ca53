// The wallet page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Wallet'));
  container.append(setState(el('div', { 'data-testid': 'wallet-state' }), 'empty', 'Wallet: not built yet'));
}
