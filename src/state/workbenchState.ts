// The head workbench's view state and its URL form. Parsing never throws: a missing, malformed or
// out-of-range value takes its default, so any shared link opens some valid view.
// Pure: strings and limits in, values out.
import {choiceField, flagField, integerField, parseUrlState, serializeUrlState, type Schema} from "./urlState.js";
import {COLOR_SCHEMES, type ColorScheme} from "../components/mapCanvas.js";
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
  /** the map kinds the model has (a reader's file may have no effective maps) */
  kinds: readonly WorkbenchKind[];
}

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

/** The workbench's URL schema for one model's sizes and defaults. */
function workbenchSchema(models: readonly string[], limits: WorkbenchLimits, d: WorkbenchState): Schema<WorkbenchState> {
  return {
    model: choiceField("model", models, d.model),
    sample: integerField("sample", 0, limits.samples - 1, d.sample),
    layer: integerField("layer", 0, limits.layers - 1, d.layer),
    head: integerField("head", 0, limits.heads - 1, d.head),
    locked: flagField("lock", d.locked),
    kind: choiceField("map", limits.kinds, d.kind),
    scheme: choiceField("scheme", SCHEMES, d.scheme),
    mask: flagField("mask", d.mask),
    hideFirst: flagField("nofirst", d.hideFirst),
    token: integerField("token", -1, limits.tokens - 1, d.token),
    direction: choiceField("dir", DIRECTIONS, d.direction),
    score: choiceField("score", HEAD_TYPES, d.score)
  };
}

/** Sizes for writing a state: how a value is written does not depend on the sizes. */
const ANY_SIZE: WorkbenchLimits = {samples: Infinity, layers: Infinity, heads: Infinity, tokens: Infinity, causal: false, kinds: WORKBENCH_KINDS};

/**
 * Reads a state from a query string. The model comes first (its limits bound the rest): `limitsOf`
 * gives them for a model id, `models` are the ids, the first one the default.
 */
export function parseWorkbench(search: string, models: readonly string[], limitsOf: (model: string) => WorkbenchLimits, defaultModel = models[0]): WorkbenchState {
  const {model} = parseUrlState(search, {model: choiceField("model", models, defaultModel)});
  const limits = limitsOf(model);
  return parseUrlState(search, workbenchSchema(models, limits, defaultState(model, limits)));
}

/** The query string of a state, without the leading "?". */
export function serializeWorkbench(state: WorkbenchState): string {
  return serializeUrlState(state, workbenchSchema([state.model], ANY_SIZE, state));
}
