// The blocks page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Blocks'));
  container.append(setState(el('div', { 'data-testid': 'blocks-state' }), 'empty', 'Blocks: not built yet'));
}
