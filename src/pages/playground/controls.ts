// The playground's controls as DOM nodes: the input row (architecture, showcase sample, seed, typed relation,
// head) and the counterfactual editor (mixing entry, knockouts, reset, the edit list). Built once; page.ts
// listens to them and writes what the controller answers back into them.
import {headLabel} from "../../model/config.js";
import {ARCH_NAMES, ARCHS, type Arch} from "../../model/vocabulary.js";

/** A new element with attributes and children (text children are text, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function option(value: string, text: string, selected: boolean): HTMLOptionElement {
  return Object.assign(el("option", {value}), {textContent: text, selected});
}

/** A line for what went wrong with the controls above it (announced to screen readers). */
const messageLine = () => el("p", {class: "mixviz-message", role: "status", "aria-live": "polite"});
const label = (text: string, control: HTMLElement) => el("label", {class: "mixviz-control"}, text, control);
const range = (n: number, text: (i: number) => string, chosen: number) => Array.from({length: n}, (_, i) => option(String(i), text(i), i === chosen));
const button = (control: string, text: string) => el("button", {type: "button", "data-control": control}, text);
const heads = (n: number, chosen: number) => range(n, (h) => headLabel(0, h), chosen);

export interface ControlSizes {
  arch: Arch;
  head: number;
  m: number;
  heads: number;
  layers: number;
  n_pseudo: number;
  /** the showcase samples' numbers */
  samples: readonly number[];
}

export type PlaygroundControls = ReturnType<typeof playgroundControls>;

export function playgroundControls({arch, head, m, heads: H, layers: L, n_pseudo, samples}: ControlSizes) {
  const archSelect = el("select", {"data-control": "arch"}, ...ARCHS.map((a) => option(a, ARCH_NAMES[a], a === arch)));
  const sampleSelect = el("select", {"data-control": "sample"}, option("", "—", true), ...samples.map((s) => option(String(s), `showcase ${s}`, false)));
  const seedInput = el("input", {"data-control": "seed", type: "text", inputmode: "numeric", size: "6", value: "1"});
  const drawButton = button("draw", "Draw");
  const relationText = el("textarea", {"data-control": "relation-text", rows: String(m), cols: String(m + 2), spellcheck: "false", "aria-label": "Relation, one row of 0/1 digits per line"});
  const applyButton = button("apply", "Use this relation");
  const message = messageLine();
  const headSelect = el("select", {"data-control": "head"}, ...heads(H, head));
  const inputs = el("div", {class: "mixviz-playground-controls"},
    label("Architecture", archSelect),
    label("Load a showcase sample", sampleSelect),
    el("div", {class: "mixviz-control"}, "Random relation, seed", el("span", {}, seedInput, " ", drawButton)),
    el("div", {class: "mixviz-control"}, "Type a relation (rows of 0/1)", relationText, applyButton),
    label("Head in the Sentence Views", headSelect)
  );

  const matrixSelect = el("select", {"data-control": "matrix"});
  const sourceSelect = el("select", {"data-control": "source"}, ...heads(H, 0));
  const targetSelect = el("select", {"data-control": "target"}, ...heads(H, 0));
  const pseudoSelect = el("select", {"data-control": "pseudo"}, ...range(n_pseudo, (p) => `p = ${p}`, 0));
  const layerSelect = el("select", {"data-control": "layer"}, ...range(L, (l) => `layer ${l}`, 0));
  const valueInput = el("input", {"data-control": "value", type: "text", inputmode: "decimal", size: "8"});
  const setButton = button("set", "Set");
  const zeroButton = button("zero", "Zero it");
  const zeroRowButton = button("zero-row", "Zero the target's row of R");
  const entryInfo = el("span", {class: "mixviz-entry-info"});
  const knockSelect = el("select", {"data-control": "knock-head"}, ...heads(H, 0));
  const knockButton = button("knock", "Knock out its output (W_O = 0)");
  const knockSourceButton = button("knock-source", "Cut it from every pseudo-token (α rows = 0)");
  const resetButton = button("reset", "Reset to the trained weights");
  const editHeading = el("p");
  const editItems = el("ul");
  const editList = el("div", {class: "mixviz-edits", "data-edits": "0", role: "status", "aria-live": "polite"}, editHeading, editItems);
  // The flex row lays out its items together: the entry's text sits in a box of its own inside one of them.
  const mixingRow = el("div", {class: "mixviz-control-row"}, label("Layer", layerSelect), label("Mixing weight", matrixSelect), label("Source head", sourceSelect), label("Target head", targetSelect), label("Pseudo-token", pseudoSelect), label("Value", valueInput), setButton, zeroButton, zeroRowButton, el("span", {}, entryInfo));
  const knockRow = el("div", {class: "mixviz-control-row"}, label("Head", knockSelect), knockButton, knockSourceButton);
  // What went wrong with an edit is said under the row with the field, not in the card at the top.
  const editMessage = messageLine();
  const editor = el("div", {class: "mixviz-editor"}, mixingRow, editMessage, knockRow, el("div", {class: "mixviz-control-row"}, resetButton), editList);

  return {
    inputs, message, archSelect, sampleSelect, seedInput, drawButton, relationText, applyButton, headSelect,
    editor, editMessage, matrixSelect, sourceSelect, targetSelect, pseudoSelect, layerSelect, valueInput, setButton, zeroButton,
    zeroRowButton, entryInfo, knockSelect, knockButton, knockSourceButton, resetButton, editHeading, editItems, editList
  };
}
