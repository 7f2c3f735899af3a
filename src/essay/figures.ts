// Small pure helpers for the essay's figures: which head a figure shows (always computed from the data,
// never picked by hand) and how far two readings of one head part.
import {meanTotalVariation, pathShare, totalVariation} from "../model/metrics.js";
import type {HeadMap} from "../components/headStack.js";

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

/** Per head, the total-variation distance between two readings of its query row (e.g. raw and effective). */
export function readingGap(a: readonly HeadMap[], b: readonly HeadMap[], query: number): number[] {
  return a.map((map, h) => totalVariation(map[query], b[h][query]));
}

/** Per head, the mean over queries of the total-variation distance between two of its maps (e.g. raw and effective). */
export function mapGaps(a: readonly HeadMap[], b: readonly HeadMap[]): number[] {
  return a.map((map, h) => meanTotalVariation(map, b[h]));
}

/** The key with the largest weight in a row (-1 for an empty row). */
export function topKey(row: ArrayLike<number>): number {
  return argmax(Array.from(row));
}

/** Rank (1 = largest) of entry i among values. */
export function rankOf(values: readonly number[], i: number): number {
  return 1 + values.filter((v) => v > values[i]).length;
}
