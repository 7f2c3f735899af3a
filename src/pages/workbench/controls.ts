// The head workbench's own controls (src/heads.md): the control bar and the layer slider, each built once and
// kept in step with the state by its `show` method (so focus stays where the reader is), and the IHA
// source-knockout section. The drawn views are src/components'; the state is ./state.ts's.
import {COLOR_SCHEMES} from "../../components/mapCanvas.js";
import {element} from "../../components/element.js";
import {knockoutGrid} from "../../components/knockoutGrid.js";
import {headLabel, layerLabel} from "../../model/config.js";
import {MAP_KIND_NAMES} from "../../model/vocabulary.js";
import type {KnockoutRow} from "../../sources/runTables.js";
import {WORKBENCH_KINDS, type WorkbenchState} from "../../state/workbenchState.js";
import {hasKnockouts, type WorkbenchModel, type WorkbenchStore} from "./state.js";

export interface Shown<S> extends HTMLElement {
  show(state: WorkbenchState, model: WorkbenchModel): S;
}

/** A labelled select of [value, text] options (texts are set as text). */
function select(label: string, options: readonly (readonly [string, string])[], onChange: (value: string) => void): HTMLLabelElement {
  const choices = element("select", "", ...options.map(([value, text]) => Object.assign(element("option", "", text), {value})));
  choices.addEventListener("change", () => onChange(choices.value));
  return element("label", "mixviz-control", label, choices);
}

function check(label: string, onChange: (checked: boolean) => void): HTMLLabelElement {
  const box = Object.assign(document.createElement("input"), {type: "checkbox"});
  box.addEventListener("change", () => onChange(box.checked));
  return element("label", "mixviz-control mixviz-check", box, ` ${label}`);
}

/** The control bar: model, input, map kind, colours, the two masks and the token bar's direction. */
export function controlBar(models: readonly WorkbenchModel[], store: WorkbenchStore): Shown<void> {
  const set = (patch: Partial<WorkbenchState>) => store.set(patch);
  const slot = element("span", "");
  slot.dataset.slot = "sample";
  const model = select("Model", models.map((m) => [m.id, m.name]), (v) => set({model: v}));
  const kind = select("Map", WORKBENCH_KINDS.map((k) => [k, MAP_KIND_NAMES[k]]), (v) => set({kind: v as WorkbenchState["kind"]}));
  const scheme = select("Colours", Object.entries(COLOR_SCHEMES).map(([k, v]) => [k, v.label]), (v) => set({scheme: v as WorkbenchState["scheme"]}));
  const mask = check("hide keys after the query (causal mask)", (v) => set({mask: v}));
  const first = check("hide the first token, renormalise rows", (v) => set({hideFirst: v}));
  const direction = select("Token bar", [["from", "source → destination"], ["to", "destination ← source"]], (v) => set({direction: v as WorkbenchState["direction"]}));
  const bar = element("div", "mixviz-controls", model, slot, kind, scheme, mask, first, direction) as unknown as Shown<void>;
  const field = <T extends HTMLElement>(label: HTMLLabelElement, tag: string) => label.querySelector(tag) as T;
  bar.show = (state, current) => {
    field<HTMLSelectElement>(model, "select").value = state.model;
    const kinds = field<HTMLSelectElement>(kind, "select");
    for (const option of kinds.options) option.disabled = !current.kinds.includes(option.value as WorkbenchState["kind"]);
    kinds.value = state.kind;
    field<HTMLSelectElement>(scheme, "select").value = state.scheme;
    field<HTMLSelectElement>(direction, "select").value = state.direction;
    field<HTMLInputElement>(mask, "input").checked = state.mask;
    field<HTMLInputElement>(first, "input").checked = state.hideFirst;
    if (slot.dataset.model !== current.id) {
      // a new model: its own inputs
      slot.dataset.model = current.id;
      slot.replaceChildren(select("Input", current.samples.map((s, i) => [String(i), s.caption]), (v) => set({sample: Number(v), token: -1})));
    }
    field<HTMLSelectElement>(slot.firstElementChild as HTMLLabelElement, "select").value = String(state.sample);
  };
  bar.show(store.value, models.find((m) => m.id === store.value.model)!);
  return bar;
}

/** The layer slider (disabled, and saying why, on a one-layer model). */
export function layerSlider(store: WorkbenchStore): Shown<void> {
  const range = Object.assign(document.createElement("input"), {type: "range", min: "0", step: "1"});
  const output = document.createElement("output");
  range.addEventListener("input", () => store.set({layer: Number(range.value)}));
  const node = element("label", "mixviz-control mixviz-layer-slider", "Layer ", range, " ", output) as unknown as Shown<void>;
  node.show = (state, model) => {
    range.max = String(model.layers - 1);
    range.disabled = model.layers < 2;
    range.value = String(state.layer);
    output.textContent = model.layers < 2 ? `${state.layer} (this model has one layer)` : `${layerLabel(state.layer)} · ${model.layers} layers, ${layerLabel(0)}–${layerLabel(model.layers - 1)}`;
  };
  return node;
}

/** IHA's source knockouts: one source × output grid per layer, with what they show; a pointer for other models. */
export function knockoutSection(model: WorkbenchModel, layers: readonly KnockoutRow[][], state: WorkbenchState): DocumentFragment {
  const out = document.createDocumentFragment();
  if (!hasKnockouts(model)) {
    out.append(element("p", "mixviz-caption", "Choose an IHA model above to see how removing one source head changes every output head it feeds."));
    return out;
  }
  const italic = element("i", "", "source");
  out.append(
    element("h3", "", "One source head, every output head"),
    element("p", "", "In IHA a head's queries, keys and values are mixtures of every head's, so removing one head as a ", italic,
      ` changes the maps of heads it was never drawn as. Each grid is one layer: a row is the source head removed (from every pseudo-query, key and value), a column an output head, and a cell how much that head's ${state.kind} map changes (total variation, averaged over queries and inputs: 0 = unchanged, 1 = nothing in common). A per-head tool's assumption is a diagonal grid.`),
    element("div", "mixviz-figure-row", ...layers.map((cells, layer) => {
      const figure = element("figure", "mixviz-knockout", element("figcaption", "", `Layer ${layer}`), knockoutGrid(cells, {
        heads: model.heads, headLabel: (h) => headLabel(layer, h), selected: layer === state.layer ? state.head : undefined, scheme: state.scheme, size: 300,
        ariaLabel: `Change of every output head's ${state.kind} map when each source head of layer ${layer} is removed`
      }));
      figure.dataset.layer = String(layer);
      return figure;
    }))
  );
  return out;
}

/** The types detection scores beyond previous-, first- and current-token, as the page's sentence goes on. */
export function moreTypes(model: WorkbenchModel, inputs: number): DocumentFragment {
  const out = document.createDocumentFragment();
  const bold = (text: string) => element("b", "", text);
  const italic = (text: string) => element("i", "", text);
  if (model.setting.m !== null) {
    out.append(", and on the relation grid ", bold("same row"), " and ", bold("same column"), " (the cells that can witness the query's relation)");
    return out;
  }
  if (!model.setting.tokens) {
    out.append(". Your file came without tokens, so the scores that compare tokens (duplicate-token, induction) are not offered");
    return out;
  }
  out.append(", ", bold("duplicate-token"), " (earlier copies of the query's token) and ", bold("induction"), " (the token that followed an earlier copy)");
  const tokenBased = [italic("token-based"), ", the share of every row's weight on such tokens (on BOS and a segment repeated twice at most L/(2L+1), hence its lower threshold)"];
  if (!model.setting.probe) {
    out.append(", ", ...tokenBased, `. The position-based induction score is not offered: it needs an input that is BOS and a repeated segment, and none of the first ${inputs} inputs is`);
    return out;
  }
  out.append(", scored two ways: ", ...tokenBased, ", and ", italic("position-based"), ", the mean over the repeated rows of the weight on the key just after the query's earlier copy (at most 1; the score TransformerLens-style tools and mlxterp report)");
  if (model.family === "file") out.append(`, taken on those of the first ${inputs} inputs that are BOS and a repeated segment`);
  return out;
}
