// The assets page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Assets'));
  container.append(setState(el('div', { 'data-testid': 'assets-state' }), 'empty', 'Assets: not built yet'));
}
