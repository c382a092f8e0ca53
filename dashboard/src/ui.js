// Small DOM helpers the pages share.

/**
 * Creates an element: `el('td', { class: 'num', 'data-testid': 'x' }, 'text', child)`.
 * Attributes starting with `on` are event listeners; null/undefined children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Shows a state line in `box` (`data-state` loading|error|empty|ready) and returns it.
 * Tests wait on `[data-state=…]`.
 */
export function setState(box, state, text) {
  box.dataset.state = state;
  box.className = `state state-${state}`;
  box.textContent = text;
  return box;
}

/** A state line element, initially loading. */
export function stateLine(testid, text = 'Loading…') {
  return setState(el('div', { 'data-testid': testid }), 'loading', text);
}

/** Shortens a hash or account for tables: `0x1234…abcd`. */
export function short(value, keep = 6) {
  const s = String(value);
  return s.length > keep * 2 + 1 ? `${s.slice(0, keep)}…${s.slice(-keep)}` : s;
}

/** Formats an integer with thin separators. */
export function num(value) {
  return BigInt(value.toString()).toLocaleString('en-US');
}

/**
 * Calls `show(header)` for each new finalized head while `live()`, one call at a time: a head
 * that arrives during a call is kept (only the newest) and shown next. `onError(e)` gets what
 * `show` threw. Resolves to the unsubscriber.
 */
export async function followFinalized(api, live, show, onError) {
  let busy = false;
  let pending = null;
  async function refresh(header) {
    if (busy) {
      pending = header;
      return;
    }
    busy = true;
    try {
      await show(header);
    } catch (e) {
      if (live()) onError(e);
    } finally {
      busy = false;
      if (pending && live()) {
        const next = pending;
        pending = null;
        refresh(next);
      }
    }
  }
  return api.rpc.chain.subscribeFinalizedHeads((header) => {
    if (live()) refresh(header);
  });
}
