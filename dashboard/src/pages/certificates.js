// The certificates page (placeholder until it is built).
import { setState, el } from '../ui.js';

/** Renders the page into `container`. */
export async function render(container) {
  container.append(el('h1', {}, 'Certificates'));
  container.append(setState(el('div', { 'data-testid': 'certificates-state' }), 'empty', 'Certificates: not built yet'));
}
