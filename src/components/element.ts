// The one way views, controls and page modules make a DOM element: a tag, its class and its children
// (`element`), or a tag, its attributes and its text (`tagged`). Strings are set as text, never HTML, so
// tokens and names from a reader's file are safe to pass.

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** An element with attributes (an undefined value sets none) and, optionally, its text. */
export function tagged<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}
