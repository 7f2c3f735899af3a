// The essay's URL state (the sample and query every figure reads, so a figure can be linked in a precise
// state) and the "open this in the explorer" link of each figure. Pure: strings in, values out.
import {DEFAULT_STATE, serializeState, type ExplorerState} from "./explorerState.js";
import {integerField, parseUrlState, serializeUrlState, type Schema} from "./urlState.js";

/** The essay's shared state: the sample and query every figure reads. */
export interface EssayState {
  sample: number;
  query: number;
}

/** The essay's URL schema for the given sizes and defaults. */
function essaySchema(limits: {samples: number; tokens: number}, defaults: EssayState): Schema<EssayState> {
  return {
    sample: integerField("sample", 0, limits.samples - 1, defaults.sample),
    query: integerField("query", 0, limits.tokens - 1, defaults.query)
  };
}

/** Reads the essay state from a query string; a missing or out-of-range value takes its default. */
export function parseEssayState(search: string, limits: {samples: number; tokens: number}, defaults: EssayState): EssayState {
  return parseUrlState(search, essaySchema(limits, defaults));
}

/** The query string of an essay state, without the leading "?". */
export function serializeEssayState(state: EssayState): string {
  return serializeUrlState(state, essaySchema({samples: Infinity, tokens: Infinity}, state));
}

/**
 * A link to the explorer opened in exactly the given state (every field explicit). The page is named with
 * its file extension so that the link works from any static server (the site is built without clean URLs).
 */
export function explorerHref(state: Partial<ExplorerState>, page = "./explorer.html"): string {
  return `${page}?${serializeState({...DEFAULT_STATE, ...state})}`;
}
