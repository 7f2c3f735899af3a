// The token bar: the input's tokens in a row, each tinted by the selected head's weight from the focused
// token (source → destination: what it attends to) or to it (destination ← source: what attends to it).
// Hover or focus a token to see its weights, click it to hold them, click it again to let go. Tokens come
// from data files and are untrusted: they are set as text, never as HTML.
// Pure: tokens and callbacks in, a DOM node out. The node is built once per input and repainted with its
// `show` method, so keyboard focus stays on the token while the weights change.
import {weightText} from "./numberText.js";
import {headColor} from "./palette.js";
import type {Direction} from "../model/vocabulary.js";

export interface TokenBarState {
  /** the focused token (hovered or locked), or null */
  focus: number | null;
  locked: boolean;
  /** the weight of every token relative to the focused one; null when nothing is focused */
  weights: ArrayLike<number> | null;
  head: number;
  /** fade the positions a causal model cannot see from the focus */
  causal: boolean;
  direction: Direction;
}

export interface TokenBarElement extends HTMLElement {
  show(state: TokenBarState): void;
}

export interface TokenBarOptions {
  onFocus: (token: number | null) => void;
  onToggleLock: (token: number) => void;
}

export function tokenBar(tokens: readonly string[], {onFocus, onToggleLock}: TokenBarOptions): TokenBarElement {
  const root = document.createElement("div") as unknown as TokenBarElement;
  root.className = "mixviz-token-bar";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "Tokens: hover or focus to see the head's weights, click to hold");
  const buttons = tokens.map((token, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "mixviz-token";
    button.dataset.pos = String(i);
    button.textContent = token;
    button.addEventListener("pointerenter", () => onFocus(i));
    button.addEventListener("focus", () => onFocus(i));
    button.addEventListener("click", () => onToggleLock(i));
    root.append(button);
    return button;
  });
  root.addEventListener("pointerleave", () => onFocus(null));
  root.show = ({focus, locked, weights, head, causal, direction}) => {
    const max = weights ? Math.max(1e-9, ...Array.from(weights)) : 1;
    const color = headColor(head);
    buttons.forEach((button, i) => {
      const w = weights ? weights[i] : undefined;
      const token = tokens[i];
      if (w !== undefined) {
        button.style.background = `color-mix(in srgb, ${color} ${Math.round((Math.max(0, w) / max) * 100)}%, transparent)`;
        button.title = `${i}: ${token}, ${direction === "from" ? "weight from" : "weight to"} the focused token ${weightText(w)}`;
        button.dataset.weight = weightText(w);
      } else {
        button.style.background = "";
        button.title = `${i}: ${token}`;
        delete button.dataset.weight;
      }
      button.classList.toggle("mixviz-token-masked", focus !== null && causal && (direction === "from" ? i > focus : i < focus));
      button.classList.toggle("mixviz-token-focus", i === focus);
      button.setAttribute("aria-pressed", String(i === focus && locked));
    });
  };
  return root;
}
