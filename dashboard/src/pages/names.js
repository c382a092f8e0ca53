// The names page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Names'));
  container.append(setState(el('div', { 'data-testid': 'names-state' }), 'empty', 'Names: not built yet'));
}
