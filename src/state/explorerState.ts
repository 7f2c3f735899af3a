// The explorer's whole view state and its URL form. Parsing never throws: a missing, malformed or
// out-of-range value falls back to its default, so any shared link opens some valid view.
// The explorer shows a built-in architecture (`?arch=iha`) or a model of the reader's kept file
// (`?model=file`, `?model=file-1`, as on the head workbench); each model has its own sizes, map kinds and tabs.
// Pure: strings and limits in, values out.
import {choiceField, clampUrlState, integerField, parseUrlState, serializeUrlState, type Schema} from "./urlState.js";
import {ARCHS, DIRECTIONS, VIEW_MAP_KINDS, viewMapKindsFor, type Arch, type Direction, type ViewMapKind} from "../model/vocabulary.js";

export const TABS = ["heatmap", "mixing", "triptych", "pseudo"] as const;
export type Tab = (typeof TABS)[number];

/** Epoch value meaning "the checkpoint the run kept" (best validation F1). */
export const BEST_EPOCH = -1;

export interface ExplorerState {
  /** the model shown: a built-in architecture (an `Arch`), or a model of the reader's file ("file", "file-0", …) */
  arch: string;
  sample: number;
  layer: number;
  head: number;
  query: number;
  kind: ViewMapKind;
  direction: Direction;
  tab: Tab;
  /** training epoch for the mixing replay, or BEST_EPOCH */
  epoch: number;
}

/** The sizes a state must fit. */
export interface ExplorerLimits {
  samples: number;
  layers: number;
  heads: number;
  tokens: number;
  /** the largest epoch any run has (the mixing replay) */
  maxEpoch: number;
}

/** One model the explorer offers: its id (the state's `arch`), the sizes a state must fit, its map kinds and tabs. */
export interface ExplorerModel {
  id: string;
  limits: ExplorerLimits;
  kinds: readonly ViewMapKind[];
  tabs: readonly Tab[];
}

/** Whether a model id names a built-in architecture (any other id is a model of the reader's file). */
export const isArch = (id: string): id is Arch => (ARCHS as readonly string[]).includes(id);

/** The built-in architectures, every one with the same sizes, its own map kinds and every tab. */
export function builtInModels(limits: ExplorerLimits): ExplorerModel[] {
  return ARCHS.map((arch) => ({id: arch, limits, kinds: viewMapKindsFor(arch), tabs: TABS}));
}

export const DEFAULT_STATE: ExplorerState = {
  arch: "iha",
  sample: 0,
  layer: 0,
  head: 0,
  query: 0,
  kind: "raw",
  direction: "from",
  tab: "heatmap",
  epoch: BEST_EPOCH
};

const BEST_WORD = "best";

/** The last and the kept (best) epoch of a run's mixing replay. */
export interface EpochRange {
  last: number;
  best: number;
}

/** The epoch a state shows: the kept one for BEST_EPOCH, else the state's capped at the last; 0 without a replay. */
export function shownEpoch(epoch: number, range: EpochRange | null | undefined): number {
  if (!range) return 0;
  return epoch === BEST_EPOCH ? range.best : Math.min(epoch, range.last);
}

/** The URL parameter of a built-in architecture, and of a model of the reader's file. */
const ARCH_KEY = "arch";
const MODEL_KEY = "model";

/** The model of `id`, else the default's, else the first one (the models are never empty). */
function modelOf(models: readonly ExplorerModel[], id: string, defaults: ExplorerState): ExplorerModel {
  return models.find((m) => m.id === id) ?? models.find((m) => m.id === defaults.arch) ?? models[0];
}

/** The defaults for a model: `defaults` with every position brought into its sizes (a file may be shorter). */
function defaultsFor(model: ExplorerModel, defaults: ExplorerState): ExplorerState {
  const {limits} = model;
  const within = (value: number, count: number) => (value < count ? value : 0);
  return {
    ...defaults,
    arch: model.id,
    sample: within(defaults.sample, limits.samples),
    layer: within(defaults.layer, limits.layers),
    head: within(defaults.head, limits.heads),
    query: within(defaults.query, limits.tokens),
    kind: model.kinds.includes(defaults.kind) ? defaults.kind : model.kinds[0],
    tab: model.tabs.includes(defaults.tab) ? defaults.tab : model.tabs[0]
  };
}

/** The explorer's URL schema for one model's sizes and defaults (parameter names short, readable in a shared link). */
function explorerSchema(models: readonly string[], model: Omit<ExplorerModel, "id">, defaults: ExplorerState): Schema<ExplorerState> {
  const {limits} = model;
  return {
    arch: choiceField(ARCH_KEY, models, defaults.arch),
    sample: integerField("sample", 0, limits.samples - 1, defaults.sample),
    layer: integerField("layer", 0, limits.layers - 1, defaults.layer),
    head: integerField("head", 0, limits.heads - 1, defaults.head),
    query: integerField("query", 0, limits.tokens - 1, defaults.query),
    kind: choiceField("map", model.kinds, defaults.kind),
    direction: choiceField("dir", DIRECTIONS, defaults.direction),
    tab: choiceField("tab", model.tabs, defaults.tab),
    epoch: integerField("epoch", 0, limits.maxEpoch, defaults.epoch, {[BEST_WORD]: BEST_EPOCH})
  };
}

/** The schema a state of `models` is checked against: its model's, or the default model's when it names none of them. */
function schemaOf(models: readonly ExplorerModel[], id: string, defaults: ExplorerState): Schema<ExplorerState> {
  const model = modelOf(models, id, defaults);
  return explorerSchema(models.map((m) => m.id), model, defaultsFor(model, defaults));
}

/** Brings any state into its model's range (used after every change, e.g. switching away from IHA while "naive"). */
export function clampState(state: ExplorerState, models: readonly ExplorerModel[], defaults: ExplorerState = DEFAULT_STATE): ExplorerState {
  return clampUrlState(state, schemaOf(models, state.arch, defaults));
}

/**
 * Reads a state from a query string ("?arch=iha&head=3…", or "?model=file…" for the reader's file); every bad
 * or missing value takes its default. The model is read first: its sizes bound the rest. `defaults.arch` is
 * the model shown when the string names none of `models`.
 */
export function parseState(search: string, models: readonly ExplorerModel[], defaults: ExplorerState = DEFAULT_STATE): ExplorerState {
  const params = new URLSearchParams(search);
  const asked = params.get(MODEL_KEY);
  if (asked !== null) params.set(ARCH_KEY, asked);
  const text = params.toString();
  const ids = models.map((m) => m.id);
  const {arch} = parseUrlState(text, {arch: choiceField(ARCH_KEY, ids, modelOf(models, defaults.arch, defaults).id)});
  return clampState(parseUrlState(text, schemaOf(models, arch, defaults)), models, defaults);
}

/** Sizes for writing a state: how a value is written does not depend on the sizes. */
const ANY_MODEL: Omit<ExplorerModel, "id"> = {
  limits: {samples: Infinity, layers: Infinity, heads: Infinity, tokens: Infinity, maxEpoch: Infinity},
  kinds: VIEW_MAP_KINDS,
  tabs: TABS
};

/**
 * The query string of a state, without the leading "?" (every field, so a link is explicit). A built-in
 * architecture is written `arch=…`, a model of the reader's file `model=…`, the workbench's parameter for it.
 */
export function serializeState(state: ExplorerState): string {
  const params = new URLSearchParams(serializeUrlState(state, explorerSchema([state.arch], ANY_MODEL, state)));
  const key = isArch(state.arch) ? ARCH_KEY : MODEL_KEY;
  return new URLSearchParams([...params].map(([name, value]) => [name === ARCH_KEY ? key : name, value])).toString();
}
