// The explorer's controls: one state object (explorerState.ts) edited from three places that the page
// puts wherever it likes — the bar (model, sample, layer, head, query, map kind, direction), the
// timeline (query scrubber with play/pause and speed) and the tab strip. The bar element is the
// Observable "view": its `value` is the whole state and it dispatches "input" whenever any part changes.
// Each model (a built-in architecture or a model of the reader's file) brings its own sizes, map kinds and
// tabs; the menus follow the model chosen. Names and tokens (a reader's file's among them) are set as text.
// Pure: models, labels and a start value in, DOM out; the autoplay timer belongs to the element.
import {tagged} from "./element.js";
import {BEST_EPOCH, clampState, isArch, shownEpoch, TABS, type EpochRange, type ExplorerModel, type ExplorerState, type Tab} from "../state/explorerState.js";
import {
  ARCH_NAMES,
  DIRECTION_NAMES,
  DIRECTIONS,
  MAP_KIND_NAMES,
  type Arch,
  type Direction,
  type ViewMapKind
} from "../model/vocabulary.js";
import {layerLabel} from "../model/config.js";

/** Playback speeds offered (query positions per second). */
export const SPEEDS = [0.5, 1, 2, 4] as const;
export const DEFAULT_SPEED = 1;
const MS_PER_SECOND = 1000;

export const TAB_NAMES: Record<Tab, string> = {heatmap: "Heatmap", mixing: "Mixing matrix", triptych: "Triptych", pseudo: "Pseudo-blocks"};

/** A model of the menu: its sizes, kinds and tabs, its name, and each sample's name. */
export interface ControlModel extends ExplorerModel {
  name: string;
  samples: readonly string[];
}

export interface ExplorerControlsOptions {
  /** the models offered, in menu order */
  models: readonly ControlModel[];
  value: ExplorerState;
  /** the state a model falls back to (its `arch` is the model shown when a state names none of `models`) */
  defaults?: ExplorerState;
  /** token labels of a model's sample (the query menu shows them) */
  tokensOf: (model: string, sample: number) => readonly string[];
  /** head label, e.g. (0, 3) → "L0H3" */
  headLabel: (layer: number, head: number) => string;
  /** the epochs of an architecture's mixing replay, or null when it has no mixing parameters (MHA) */
  epochsOf?: (arch: Arch) => EpochRange | null;
  /** the name of the model picker ("Model" once a reader's file adds its models) */
  modelLabel?: string;
}

export interface ExplorerControls extends HTMLFormElement {
  value: ExplorerState;
  /** changes part of the state (clamped) and announces it with an "input" event */
  set(change: Partial<ExplorerState>): void;
  /** the scrubber with play/pause and speed */
  timeline: HTMLElement;
  /** the tab strip */
  tabs: HTMLElement;
  /** the epoch slider of the mixing replay (hidden unless the mixing tab is open) */
  epochs: HTMLElement;
  playing: boolean;
  play(): void;
  pause(): void;
  toggle(): void;
}

function select(name: string, label: string): {wrap: HTMLLabelElement; input: HTMLSelectElement} {
  const wrap = tagged("label", {class: "mixviz-control"});
  wrap.append(tagged("span", {}, label));
  const input = tagged("select", {name, "data-control": name});
  wrap.append(input);
  return {wrap, input};
}

function fill(input: HTMLSelectElement, options: readonly {value: string; text: string}[], current: string): void {
  const same = input.options.length === options.length && options.every((o, i) => input.options[i].value === o.value && input.options[i].text === o.text);
  if (!same) input.replaceChildren(...options.map((o) => Object.assign(tagged("option", {value: o.value}), {textContent: o.text})));
  input.value = current;
}

/** Options above which the query menu gets a fixed width. */
const LONG_MENU = 200;

const range = (n: number) => Array.from({length: n}, (_, i) => i);

export function explorerControls(options: ExplorerControlsOptions): ExplorerControls {
  const {models, defaults, tokensOf, headLabel, epochsOf = () => null} = options;
  const modelOf = (id: string) => models.find((m) => m.id === id) ?? models[0];
  let state = clampState(options.value, models, defaults);
  let speed: number = DEFAULT_SPEED;
  let timer: ReturnType<typeof setInterval> | null = null;

  const form = tagged("form", {class: "mixviz-controls", "aria-label": "Explorer controls"}) as ExplorerControls;
  form.addEventListener("submit", (event) => event.preventDefault());
  const arch = select("arch", options.modelLabel ?? "Architecture");
  const sample = select("sample", "Sample");
  const layer = select("layer", "Layer");
  const head = select("head", "Head");
  const query = select("query", "Query");
  const kind = select("kind", "Map");
  const direction = select("direction", "Direction");
  form.append(arch.wrap, sample.wrap, layer.wrap, head.wrap, query.wrap, kind.wrap, direction.wrap);
  /** With one layer there is nothing to choose: say so rather than offer a menu of one. */
  const renderLayerChoice = (layers: number) => {
    layer.input.disabled = layers < 2;
    layer.wrap.firstElementChild!.textContent = layers < 2 ? "Layer (the only one)" : "Layer";
    layer.wrap.title = layers < 2 ? "This model has a single layer" : "";
  };

  // Timeline: scrubber over query positions, play/pause, speed.
  const timeline = tagged("div", {class: "mixviz-timeline", role: "group", "aria-label": "Query timeline"});
  const playButton = tagged("button", {type: "button", class: "mixviz-play", "aria-pressed": "false", "data-control": "play"}, "▶ Play");
  const scrubber = tagged("input", {type: "range", min: "0", step: "1", "aria-label": "Query position", "data-control": "scrubber"});
  const position = tagged("output", {class: "mixviz-position", "aria-hidden": "true"});
  const speedSelect = select("speed", "Speed");
  fill(speedSelect.input, SPEEDS.map((s) => ({value: String(s), text: `${s} / s`})), String(speed));
  timeline.append(playButton, scrubber, position, speedSelect.wrap);

  // Tabs.
  const tabs = tagged("div", {class: "mixviz-tabs", role: "tablist", "aria-label": "Detail view"});
  const tabButtons = TABS.map((tab) => {
    const button = tagged("button", {type: "button", role: "tab", "data-tab": tab, id: `mixviz-tab-${tab}`}, TAB_NAMES[tab]);
    button.addEventListener("click", () => form.set({tab}));
    tabs.append(button);
    return button;
  });

  // Epoch replay of the mixing parameters.
  const epochBox = tagged("div", {class: "mixviz-epochs", role: "group", "aria-label": "Training epoch"});
  const epochLabel = tagged("label", {class: "mixviz-control"});
  const epochSlider = tagged("input", {type: "range", min: "0", step: "1", "data-control": "epoch", "aria-label": "Training epoch"});
  const epochText = tagged("output", {class: "mixviz-position"});
  const bestButton = tagged("button", {type: "button", "data-control": "best-epoch"}, "Kept checkpoint");
  epochLabel.append(tagged("span", {}, "Training epoch"), epochSlider);
  epochBox.append(epochLabel, epochText, bestButton);
  epochSlider.addEventListener("input", (event) => {
    event.stopPropagation();
    form.set({epoch: Number(epochSlider.value)});
  });
  bestButton.addEventListener("click", () => form.set({epoch: BEST_EPOCH}));

  function renderEpochs(): void {
    // A reader's file has no training replay: its mixing table shows the epoch it holds.
    epochBox.hidden = state.tab !== "mixing" || !isArch(state.arch);
    if (!isArch(state.arch)) return;
    const info = epochsOf(state.arch);
    epochSlider.disabled = bestButton.disabled = info === null;
    if (info === null) {
      epochText.textContent = `${ARCH_NAMES[state.arch]} has no mixing parameters`;
      return;
    }
    const epoch = shownEpoch(state.epoch, info);
    epochSlider.max = String(info.last);
    epochSlider.value = String(epoch);
    epochText.textContent = `epoch ${epoch} of ${info.last}${epoch === info.best ? " (kept checkpoint)" : ""}${epoch === 0 ? " (initialisation)" : ""}`;
  }

  let queryMenuTokens: readonly string[] | null = null;
  function render(): void {
    const model = modelOf(state.arch);
    const {limits} = model;
    renderEpochs();
    renderLayerChoice(limits.layers);
    fill(arch.input, models.map((m) => ({value: m.id, text: m.name})), state.arch);
    fill(sample.input, model.samples.map((name, s) => ({value: String(s), text: name})), String(state.sample));
    fill(layer.input, range(limits.layers).map((l) => ({value: String(l), text: layerLabel(l)})), String(state.layer));
    fill(head.input, range(limits.heads).map((h) => ({value: String(h), text: headLabel(state.layer, h)})), String(state.head));
    const tokens = tokensOf(state.arch, state.sample);
    // the query menu is built again only for other tokens (1,024 options compared on every step cost 2 ms)
    if (tokens !== queryMenuTokens || query.input.options.length !== limits.tokens) {
      fill(query.input, range(limits.tokens).map((n) => ({value: String(n), text: `${n}: ${tokens[n] ?? ""}`})), String(state.query));
      queryMenuTokens = tokens;
      // A menu is as wide as its widest option: a long one is measured again on every move of the query
      // (about 11 ms of layout a step at 1,024 tokens) unless it has a width of its own. A token wider than the
      // menu shows whole in the open menu.
      query.input.style.width = limits.tokens > LONG_MENU ? "14em" : "";
    } else query.input.value = String(state.query);
    fill(kind.input, model.kinds.map((k) => ({value: k, text: MAP_KIND_NAMES[k]})), state.kind);
    fill(direction.input, DIRECTIONS.map((d) => ({value: d, text: DIRECTION_NAMES[d]})), state.direction);
    scrubber.max = String(limits.tokens - 1);
    scrubber.value = String(state.query);
    scrubber.setAttribute("aria-valuetext", `${state.query}: ${tokens[state.query] ?? ""}`);
    position.textContent = `${tokens[state.query] ?? ""} (${state.query + 1}/${limits.tokens})`;
    for (const button of tabButtons) {
      button.hidden = !model.tabs.includes(button.dataset.tab as Tab);
      const selected = button.dataset.tab === state.tab;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
  }

  form.set = (change) => {
    const next = clampState({...state, ...change}, models, defaults);
    if (Object.keys(next).every((k) => next[k as keyof ExplorerState] === state[k as keyof ExplorerState])) return;
    state = next;
    render();
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  Object.defineProperty(form, "value", {get: () => state, set: (v: ExplorerState) => form.set(v)});

  const number = (input: HTMLSelectElement) => Number(input.value);
  arch.input.addEventListener("change", () => form.set({arch: arch.input.value}));
  sample.input.addEventListener("change", () => form.set({sample: number(sample.input)}));
  layer.input.addEventListener("change", () => form.set({layer: number(layer.input)}));
  head.input.addEventListener("change", () => form.set({head: number(head.input)}));
  query.input.addEventListener("change", () => form.set({query: number(query.input)}));
  kind.input.addEventListener("change", () => form.set({kind: kind.input.value as ViewMapKind}));
  direction.input.addEventListener("change", () => form.set({direction: direction.input.value as Direction}));
  scrubber.addEventListener("input", (event) => {
    event.stopPropagation(); // the form's own "input" carries the whole state, not this element's
    form.set({query: Number(scrubber.value)});
  });
  for (const input of [arch, sample, layer, head, query, kind, direction, speedSelect].map((s) => s.input)) {
    input.addEventListener("input", (event) => event.stopPropagation());
  }

  const step = () => form.set({query: (state.query + 1) % modelOf(state.arch).limits.tokens});
  const restart = () => {
    if (timer !== null) clearInterval(timer);
    timer = form.playing ? setInterval(step, MS_PER_SECOND / speed) : null;
  };
  form.playing = false;
  form.play = () => {
    form.playing = true;
    playButton.textContent = "❚❚ Pause";
    playButton.setAttribute("aria-pressed", "true");
    timeline.dataset.playing = "true";
    restart();
  };
  form.pause = () => {
    form.playing = false;
    playButton.textContent = "▶ Play";
    playButton.setAttribute("aria-pressed", "false");
    timeline.dataset.playing = "false";
    restart();
  };
  form.toggle = () => (form.playing ? form.pause() : form.play());
  playButton.addEventListener("click", () => form.toggle());
  speedSelect.input.addEventListener("change", () => {
    speed = Number(speedSelect.input.value) || DEFAULT_SPEED;
    restart();
  });

  form.timeline = timeline;
  form.tabs = tabs;
  form.epochs = epochBox;
  render();
  return form;
}
