// DOM writes that skip equal values. The in-place redraws (setData, setQuery) rewrite many attributes and
// texts whose values rarely all change; Chromium restyles, relayouts and repaints an element on every
// write, equal or not, so a redraw writes only what differs, and a new text goes into the node's own text
// node (replacing the node costs a removal and an insertion in the layout tree).

/** Sets attribute `name` of `node` to `value` unless it already holds it. */
export function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** Sets the text of `node` unless it already reads `text`. */
export function setText(node: Node, text: string): void {
  const only = node.firstChild;
  if (only && only === node.lastChild && only.nodeType === Node.TEXT_NODE) {
    if ((only as Text).data !== text) (only as Text).data = text;
  } else if (node.textContent !== text) node.textContent = text;
}

/** Sets property `key` of `target` (a node, its dataset, a control) unless it already holds `value`. */
export function setProperty<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (target[key] !== value) target[key] = value;
}

/**
 * Framework writes the contents sidebar at build time from each heading's static text, so a heading whose
 * words are computed in the page shows only its static start there; the page sets the entry with this.
 */
export function setContentsEntry(id: string, text: string): void {
  const link = document.querySelector(`#observablehq-toc a[href="#${CSS.escape(id)}"]`);
  if (link) setText(link, text);
}
