// The network page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Network'));
  container.append(setState(el('div', { 'data-testid': 'network-state' }), 'empty', 'Network: not built yet'));
}
