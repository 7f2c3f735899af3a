// The head workbench's view state and its URL form. Parsing never throws: a missing, malformed or
// out-of-range value takes its default, so any shared link opens some valid view.
// Pure: strings and limits in, values out.
import {pick, integer, flag} from "./urlValues.js";
import {COLOR_SCHEMES, type ColorScheme} from "./mapCanvas.js";
import {HEAD_TYPES, type HeadType} from "../model/headTypes.js";
import {DIRECTIONS, type Direction, type ViewMapKind} from "../model/vocabulary.js";

/** The map kinds the workbench offers. */
export const WORKBENCH_KINDS = ["raw", "effective"] as const satisfies readonly ViewMapKind[];
export type WorkbenchKind = (typeof WORKBENCH_KINDS)[number];
export const SCHEMES = Object.keys(COLOR_SCHEMES) as ColorScheme[];

export interface WorkbenchState {
  /** model id, one of the page's models */
  model: string;
  sample: number;
  layer: number;
  head: number;
  /** whether the selected head is locked (hovering the grid does not move it) */
  locked: boolean;
  kind: WorkbenchKind;
  scheme: ColorScheme;
  /** hide keys after the query in the heatmaps */
  mask: boolean;
  /** hide the first token and renormalise rows */
  hideFirst: boolean;
  /** locked token of the token bar, or −1 for none */
  token: number;
  direction: Direction;
  /** the pattern score on the ablation plot's x axis */
  score: HeadType;
}

/** What a state must fit, for one model. */
export interface WorkbenchLimits {
  samples: number;
  layers: number;
  heads: number;
  tokens: number;
  /** causal models start with the mask on */
  causal: boolean;
}

const KEYS: Record<keyof WorkbenchState, string> = {
  model: "model",
  sample: "sample",
  layer: "layer",
  head: "head",
  locked: "lock",
  kind: "map",
  scheme: "scheme",
  mask: "mask",
  hideFirst: "nofirst",
  token: "token",
  direction: "dir",
  score: "score"
};

/** The default state of a model. */
export function defaultState(model: string, limits: WorkbenchLimits): WorkbenchState {
  return {
    model,
    sample: 0,
    layer: limits.layers - 1,
    head: 0,
    locked: false,
    kind: "raw",
    scheme: "blues",
    mask: limits.causal,
    hideFirst: false,
    token: -1,
    direction: "from",
    score: limits.causal ? "induction" : "row"
  };
}

/**
 * Reads a state from a query string. The model comes first (its limits bound the rest): `limitsOf`
 * gives them for a model id, `models` are the ids, the first one the default.
 */
export function parseWorkbench(search: string, models: readonly string[], limitsOf: (model: string) => WorkbenchLimits): WorkbenchState {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    params = new URLSearchParams();
  }
  const get = (key: keyof WorkbenchState) => params.get(KEYS[key]);
  const model = pick(get("model"), models, models[0]);
  const limits = limitsOf(model);
  const d = defaultState(model, limits);
  return {
    model,
    sample: integer(get("sample"), 0, limits.samples - 1, d.sample),
    layer: integer(get("layer"), 0, limits.layers - 1, d.layer),
    head: integer(get("head"), 0, limits.heads - 1, d.head),
    locked: flag(get("locked"), d.locked),
    kind: pick(get("kind"), WORKBENCH_KINDS, d.kind),
    scheme: pick(get("scheme"), SCHEMES, d.scheme),
    mask: flag(get("mask"), d.mask),
    hideFirst: flag(get("hideFirst"), d.hideFirst),
    token: integer(get("token"), -1, limits.tokens - 1, d.token),
    direction: pick(get("direction"), DIRECTIONS, d.direction),
    score: pick(get("score"), HEAD_TYPES, d.score)
  };
}

/** The query string of a state, without the leading "?". */
export function serializeWorkbench(state: WorkbenchState): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof WorkbenchState)[]) {
    const value = state[key];
    params.set(KEYS[key], typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  return params.toString();
}
