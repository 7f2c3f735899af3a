// Controls of the "Your data" page: sequence, layer, head and direction menus, and a query scrubber with
// the token under it. The form is the Observable "view": `value` is {group, layer, head, query, direction}
// and it dispatches "input" on every change. Uses the explorer's class names and data-control attributes
// so both pages look and test alike. Tokens are set as text only. Pure: sizes and labels in, DOM out.
import {tagged} from "./element.js";
import {DIRECTION_NAMES, DIRECTIONS, type Direction} from "../model/vocabulary.js";
import {layerLabel} from "../model/config.js";

export interface UploadSelection {
  group: number;
  layer: number;
  head: number;
  query: number;
  direction: Direction;
}

export interface UploadControlsOptions {
  groups: readonly string[];
  layers: number;
  heads: number;
  /** tokens of a group (the scrubber names the one under it) */
  tokensOf: (group: number) => readonly string[];
  headLabel: (layer: number, head: number) => string;
  value?: Partial<UploadSelection>;
}

export interface UploadControls extends HTMLFormElement {
  value: UploadSelection;
  set(change: Partial<UploadSelection>): void;
  /** the scrubber row, placed by the page */
  timeline: HTMLElement;
}


function menu(name: string, label: string, options: readonly {value: string; text: string}[]): {wrap: HTMLLabelElement; input: HTMLSelectElement} {
  const wrap = tagged("label", {class: "mixviz-control"});
  const input = tagged("select", {name, "data-control": name});
  for (const o of options) input.append(tagged("option", {value: o.value}, o.text));
  wrap.append(tagged("span", {}, label), input);
  return {wrap, input};
}

const range = (n: number) => Array.from({length: n}, (_, i) => i);
const clamp = (v: number | undefined, n: number) => (Number.isInteger(v) && v! >= 0 && v! < n ? v! : 0);

export function uploadControls(options: UploadControlsOptions): UploadControls {
  const {groups, layers, heads, tokensOf, headLabel} = options;
  const tokenCount = (g: number) => tokensOf(g).length;
  let state: UploadSelection = {
    group: clamp(options.value?.group, groups.length),
    layer: clamp(options.value?.layer, layers),
    head: clamp(options.value?.head, heads),
    query: 0,
    direction: options.value?.direction === "to" ? "to" : "from"
  };
  state.query = clamp(options.value?.query, tokenCount(state.group));

  const form = tagged("form", {class: "mixviz-controls", "aria-label": "View controls"}) as UploadControls;
  form.addEventListener("submit", (event) => event.preventDefault());
  const group = menu("group", "Sequence", groups.map((g, i) => ({value: String(i), text: g})));
  const layer = menu("layer", "Layer", range(layers).map((l) => ({value: String(l), text: layerLabel(l)})));
  const head = menu("head", "Head", range(heads).map((h) => ({value: String(h), text: headLabel(0, h)})));
  const direction = menu("direction", "Direction", DIRECTIONS.map((d) => ({value: d, text: DIRECTION_NAMES[d]})));
  if (groups.length < 2) group.wrap.style.display = "none"; // one sequence: nothing to choose (the class sets display)
  form.append(group.wrap, layer.wrap, head.wrap, direction.wrap);

  const timeline = tagged("div", {class: "mixviz-timeline", role: "group", "aria-label": "Query position"});
  const scrubber = tagged("input", {type: "range", min: "0", step: "1", "aria-label": "Query position", "data-control": "scrubber"});
  const position = tagged("output", {class: "mixviz-position", "aria-hidden": "true"});
  timeline.append(scrubber, position);

  function render(): void {
    group.input.value = String(state.group);
    layer.input.value = String(state.layer);
    for (const option of head.input.options) option.textContent = headLabel(state.layer, Number(option.value));
    head.input.value = String(state.head);
    direction.input.value = state.direction;
    const tokens = tokensOf(state.group);
    scrubber.max = String(tokens.length - 1);
    scrubber.value = String(state.query);
    scrubber.setAttribute("aria-valuetext", `${state.query}: ${tokens[state.query] ?? ""}`);
    position.textContent = `${tokens[state.query] ?? ""} (${state.query + 1}/${tokens.length})`;
  }

  form.set = (change) => {
    const next = {...state, ...change};
    next.query = Math.min(Math.max(0, next.query), tokenCount(next.group) - 1);
    if ((Object.keys(next) as (keyof UploadSelection)[]).every((k) => next[k] === state[k])) return;
    state = next;
    render();
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  Object.defineProperty(form, "value", {get: () => state, set: (v: UploadSelection) => form.set(v)});
  for (const [control, key] of [[group, "group"], [layer, "layer"], [head, "head"]] as const) {
    control.input.addEventListener("change", () => form.set({[key]: Number(control.input.value)}));
    control.input.addEventListener("input", (event) => event.stopPropagation());
  }
  direction.input.addEventListener("change", () => form.set({direction: direction.input.value as Direction}));
  direction.input.addEventListener("input", (event) => event.stopPropagation());
  scrubber.addEventListener("input", (event) => {
    event.stopPropagation();
    form.set({query: Number(scrubber.value)});
  });
  form.timeline = timeline;
  render();
  return form;
}
