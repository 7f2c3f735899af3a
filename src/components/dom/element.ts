// The one way the page modules and controls make a DOM element: a tag, its class and its children. Strings
// become text nodes (never HTML), so tokens and names from a reader's file are safe to pass.

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}
