// The explorer's whole view state and its URL form. Parsing never throws: a missing, malformed or
// out-of-range value falls back to its default, so any shared link opens some valid view.
// Pure: strings and limits in, values out.
import {choiceField, clampUrlState, integerField, parseUrlState, serializeUrlState, type Schema} from "./urlState.js";
import {ARCHS, DIRECTIONS, viewMapKindsFor, type Arch, type Direction, type ViewMapKind} from "../model/vocabulary.js";

export const TABS = ["heatmap", "mixing", "triptych", "pseudo"] as const;
export type Tab = (typeof TABS)[number];

/** Epoch value meaning "the checkpoint the run kept" (best validation F1). */
export const BEST_EPOCH = -1;

export interface ExplorerState {
  arch: Arch;
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

/** The explorer's URL schema for the given sizes and defaults (parameter names short, readable in a shared link). */
function explorerSchema(limits: ExplorerLimits, defaults: ExplorerState = DEFAULT_STATE): Schema<ExplorerState> {
  return {
    arch: choiceField("arch", ARCHS, defaults.arch),
    sample: integerField("sample", 0, limits.samples - 1, defaults.sample),
    layer: integerField("layer", 0, limits.layers - 1, defaults.layer),
    head: integerField("head", 0, limits.heads - 1, defaults.head),
    query: integerField("query", 0, limits.tokens - 1, defaults.query),
    kind: choiceField("map", (before) => viewMapKindsFor(before.arch as Arch), defaults.kind),
    direction: choiceField("dir", DIRECTIONS, defaults.direction),
    tab: choiceField("tab", TABS, defaults.tab),
    epoch: integerField("epoch", 0, limits.maxEpoch, defaults.epoch, {[BEST_WORD]: BEST_EPOCH})
  };
}

/** Brings any state into range (used after every change, e.g. switching away from IHA while "naive"). */
export function clampState(state: ExplorerState, limits: ExplorerLimits): ExplorerState {
  return clampUrlState(state, explorerSchema(limits));
}

/** Reads a state from a query string ("?arch=iha&head=3…"); every bad or missing value takes its default. */
export function parseState(search: string, limits: ExplorerLimits, defaults: ExplorerState = DEFAULT_STATE): ExplorerState {
  return clampState(parseUrlState(search, explorerSchema(limits, defaults)), limits);
}

/** Sizes for writing a state: how a value is written does not depend on the sizes. */
const ANY_SIZE: ExplorerLimits = {samples: Infinity, layers: Infinity, heads: Infinity, tokens: Infinity, maxEpoch: Infinity};

/** The query string of a state, without the leading "?" (every field, so a link is explicit). */
export function serializeState(state: ExplorerState): string {
  return serializeUrlState(state, explorerSchema(ANY_SIZE));
}
