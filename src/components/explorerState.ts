// The explorer's whole view state and its URL form. Parsing never throws: a missing, malformed or
// out-of-range value falls back to its default, so any shared link opens some valid view.
// Pure: strings and limits in, values out.
import {pick, integer} from "./urlValues.js";
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

/** URL parameter names (short, readable in a shared link). */
const KEYS: Record<keyof ExplorerState, string> = {
  arch: "arch",
  sample: "sample",
  layer: "layer",
  head: "head",
  query: "query",
  kind: "map",
  direction: "dir",
  tab: "tab",
  epoch: "epoch"
};

const BEST_WORD = "best";

/** Brings any state into range (used after every change, e.g. switching away from IHA while "naive"). */
export function clampState(state: ExplorerState, limits: ExplorerLimits): ExplorerState {
  const clampInt = (v: number, max: number, fallback: number) => (Number.isInteger(v) && v >= 0 && v < max ? v : fallback);
  const arch = pick(state.arch, ARCHS, DEFAULT_STATE.arch);
  return {
    arch,
    sample: clampInt(state.sample, limits.samples, DEFAULT_STATE.sample),
    layer: clampInt(state.layer, limits.layers, DEFAULT_STATE.layer),
    head: clampInt(state.head, limits.heads, DEFAULT_STATE.head),
    query: clampInt(state.query, limits.tokens, DEFAULT_STATE.query),
    kind: pick(state.kind, viewMapKindsFor(arch), DEFAULT_STATE.kind),
    direction: pick(state.direction, DIRECTIONS, DEFAULT_STATE.direction),
    tab: pick(state.tab, TABS, DEFAULT_STATE.tab),
    epoch: state.epoch === BEST_EPOCH || (Number.isInteger(state.epoch) && state.epoch >= 0 && state.epoch <= limits.maxEpoch) ? state.epoch : BEST_EPOCH
  };
}

/** Reads a state from a query string ("?arch=iha&head=3…"); every bad or missing value takes its default. */
export function parseState(search: string, limits: ExplorerLimits, defaults: ExplorerState = DEFAULT_STATE): ExplorerState {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    params = new URLSearchParams();
  }
  const get = (key: keyof ExplorerState) => params.get(KEYS[key]);
  const arch = pick(get("arch"), ARCHS, defaults.arch);
  const epochText = get("epoch");
  return clampState(
    {
      arch,
      sample: integer(get("sample"), 0, limits.samples - 1, defaults.sample),
      layer: integer(get("layer"), 0, limits.layers - 1, defaults.layer),
      head: integer(get("head"), 0, limits.heads - 1, defaults.head),
      query: integer(get("query"), 0, limits.tokens - 1, defaults.query),
      kind: pick(get("kind"), viewMapKindsFor(arch), defaults.kind),
      direction: pick(get("direction"), DIRECTIONS, defaults.direction),
      tab: pick(get("tab"), TABS, defaults.tab),
      epoch: epochText === BEST_WORD ? BEST_EPOCH : integer(epochText, 0, limits.maxEpoch, defaults.epoch)
    },
    limits
  );
}

/** The query string of a state, without the leading "?" (every field, so a link is explicit). */
export function serializeState(state: ExplorerState): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof ExplorerState)[]) {
    const value = state[key];
    params.set(KEYS[key], key === "epoch" && value === BEST_EPOCH ? BEST_WORD : String(value));
  }
  return params.toString();
}
