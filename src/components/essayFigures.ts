// Small pure helpers for the essay: which head a figure shows (always computed from the data, never picked
// by hand), how far two readings of one head part, the essay's own URL state (sample and query, so a
// figure can be linked in a precise state), and the "open this in the explorer" link of each figure.
import {pathShare, totalVariation} from "../model/metrics.js";
import type {HeadMap} from "./headStack.js";
import {DEFAULT_STATE, serializeState, type ExplorerState} from "../state/explorerState.js";
import {integerField, parseUrlState, serializeUrlState, type Schema} from "../state/urlState.js";

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

/** Share of each head's query row that falls on the path (metrics.pathShare): one value per head. */
export function pathShares(stack: readonly HeadMap[], query: number, path: readonly number[]): number[] {
  return stack.map((map) => pathShare(map[query], path));
}

/** Index of the largest value (the first one on ties); -1 for an empty list. */
export function argmax(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i] > values[best]) best = i;
  return best;
}

/** Index of the smallest value (the first one on ties); -1 for an empty list. */
export function argmin(values: readonly number[]): number {
  return argmax(values.map((v) => -v));
}

/** Per head, the total-variation distance between two readings of its query row (e.g. raw and effective). */
export function readingGap(a: readonly HeadMap[], b: readonly HeadMap[], query: number): number[] {
  return a.map((map, h) => totalVariation(map[query], b[h][query]));
}

/** The key with the largest weight in a row (-1 for an empty row). */
export function topKey(row: ArrayLike<number>): number {
  return argmax(Array.from(row));
}

/** Rank (1 = largest) of entry i among values. */
export function rankOf(values: readonly number[], i: number): number {
  return 1 + values.filter((v) => v > values[i]).length;
}

/** Pearson correlation of two equally long lists (NaN when either is constant). */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n === 0) return NaN;
  const mx = x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const my = y.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}
