// Whole-map operations of the head workbench: hiding the first token, layer summaries over heads, whether a
// map is causal, and a map shrunk for a thumbnail.
// Maps are rows = queries, columns = keys. Pure: maps in, new maps out (plain arrays, browser-safe).
import {renormalised, type SquareMap} from "./metrics.js";

/** One head's N×N map as rows. */
type HeadMap = Float32Array[];

/**
 * The map with key 0 removed and every row renormalised over the remaining keys, so that a head that
 * parks its attention on the first token (an attention sink) shows where the rest goes. A row whose whole
 * weight sat on key 0 becomes all zeros (nothing is left to show), as does the query at position 0 itself.
 */
export function withoutFirstToken(map: readonly Float32Array[]): HeadMap {
  return map.map((row) => {
    const out = new Float32Array(row.length); // [N], key 0 stays 0
    out.set(renormalised(row.subarray(1)), 1);
    return out;
  });
}

/** Element-wise mean or max over the heads of one layer; every map must have the same size. */
export function reduceHeads(maps: readonly SquareMap[], how: "mean" | "max"): HeadMap {
  if (maps.length === 0) throw new Error("reduceHeads needs at least one head");
  const reduction = headReduction(maps[0].length, how);
  maps.forEach((map) => reduction.add(map));
  return reduction.result();
}

/**
 * reduceHeads one head at a time (a caller may yield to the page between two heads): `add` each head's map in
 * order, then `result()`. Head by head over whole rows (the order a map's memory runs), each entry summed from 0
 * in float64 in head order and rounded to 32 bits once.
 */
export function headReduction(n: number, how: "mean" | "max"): {add(map: SquareMap): void; result(): HeadMap} {
  const acc = new Float64Array(n * n).fill(how === "mean" ? 0 : -Infinity); // [N·N], one block
  let heads = 0;
  return {
    add(map) {
      if (map.length !== n || map.some((row) => row.length !== n)) throw new Error(`reduceHeads needs ${n}×${n} maps for every head`);
      heads++;
      for (let q = 0; q < n; q++) {
        const row = map[q];
        const at = q * n;
        if (how === "mean") for (let k = 0; k < n; k++) acc[at + k] += row[k];
        else for (let k = 0; k < n; k++) if (row[k] > acc[at + k] || row[k] !== row[k]) acc[at + k] = row[k]; // a NaN stays, as in Math.max
      }
    },
    result() {
      const scale = how === "mean" ? heads : 1;
      const out = new Float32Array(n * n); // [N·N]
      for (let i = 0; i < out.length; i++) out[i] = acc[i] / scale;
      return Array.from({length: n}, (_, q) => out.subarray(q * n, (q + 1) * n));
    }
  };
}

/** Largest weight a causal map may hold after its query: exported causal maps hold exact zeros there. */
export const CAUSAL_TOLERANCE = 1e-6;

/** Whether no query gives a key after it more than CAUSAL_TOLERANCE of weight (a causal model's map). */
export function isCausal(map: SquareMap): boolean {
  return map.every((row, q) => {
    for (let k = q + 1; k < row.length; k++) if (row[k] > CAUSAL_TOLERANCE) return false;
    return true;
  });
}

/**
 * The map shrunk to at most `side`×`side` cells, each the largest weight of the block of queries and keys it
 * covers (block i holds positions ⌊i·N/side⌋ up to the next block's first), so that a thin pattern such as a
 * diagonal stays as strong as it is; a map of `side` tokens or fewer is returned as it is. For thumbnails.
 */
export function blockMax(map: SquareMap, side: number): HeadMap {
  const n = map.length;
  if (n <= side) return map as HeadMap;
  const cells = new Float32Array(side * side).fill(-Infinity); // [side, side], rows views of one buffer
  const starts = Int32Array.from({length: side + 1}, (_, i) => Math.ceil((i * n) / side)); // block i: keys starts[i] … starts[i+1]-1
  for (let q = 0; q < n; q++) {
    const row = map[q];
    const at = Math.floor((q * side) / n) * side;
    for (let b = 0; b < side; b++) {
      let most = cells[at + b];
      for (let k = starts[b], end = starts[b + 1]; k < end; k++) if (row[k] > most) most = row[k];
      cells[at + b] = most;
    }
  }
  return Array.from({length: side}, (_, i) => cells.subarray(i * side, (i + 1) * side));
}
