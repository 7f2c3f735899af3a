// The one in-memory form every accepted upload is turned into: dense per-group weights, index
// ((layer·H + head)·N + query)·N + key, plus tokens and optional mixing rows. The views read one head's
// N×N map as row views into that buffer (no copy). Pure.
import type {IssueList} from "./issues.js";
import {ROW_SUM_TOLERANCE} from "./limits.js";
import {renormalised} from "../model/metrics.js";

/** One (model, sample) of the file: what the explorer calls a sample. */
export interface AttentionGroup {
  /** e.g. "gpt2 · sample 3", or "sample 0" */
  label: string;
  model: string | null;
  sample: string | null;
  /** the tokens, or the positions as numbers ("0", "1", …) when the file came without tokens (`numbered`) */
  tokens: string[];
  numbered: boolean;
}

/** A mixing entry in the format of data/mixing.arrow (docs/data-formats.md). */
export interface UploadMixingRow {
  arch: string;
  layer: number;
  matrix: string;
  source_head: number;
  target_head: number;
  pseudo: number;
  value: number;
  epoch: number;
  is_best: number;
}

/** One head's ablation row from the reader's optional ablation table (upload/ablation.ts). */
export interface UploadAblationRow {
  /** the model of the attention file it belongs to (its `model` value), or null for a one-model file */
  model: string | null;
  layer: number;
  head_index: number;
  base: number;
  ablated: number;
  /** IHA: the metric with the head removed as a source; null when the table has no such column */
  source: number | null;
}

export interface AttentionSet {
  /** how the file was read, e.g. "tidy Arrow IPC stream" */
  source: string;
  layers: number;
  heads: number;
  /** tokens per sequence (N) */
  n: number;
  groups: AttentionGroup[];
  /** values[g]: layers·heads·N·N weights */
  values: Float32Array[];
  /** the file's optional `effective` column, same layout; null when absent */
  effective: Float32Array[] | null;
  mixing: UploadMixingRow[] | null;
  /** the optional ablation table's rows and its metric's name */
  ablation: {rows: UploadAblationRow[]; metric: string | null} | null;
}

/** Offset of (layer, head, query, key) in a group's buffer. */
export function cellIndex(set: Pick<AttentionSet, "heads" | "n">, layer: number, head: number, query: number, key: number): number {
  return ((layer * set.heads + head) * set.n + query) * set.n + key;
}

/** The maps of every head of one layer as rows: stack[h][q] is a view of N weights (what the views draw). */
export function layerStack(set: AttentionSet, group: number, layer: number, which: "pattern" | "effective" = "pattern"): Float32Array[][] {
  const buffer = (which === "effective" && set.effective ? set.effective : set.values)[group];
  const {heads, n} = set;
  return Array.from({length: heads}, (_, h) =>
    Array.from({length: n}, (_, q) => {
      const start = cellIndex(set, layer, h, q, 0);
      return buffer.subarray(start, start + n);
    })
  );
}

/**
 * Rows (group, layer, head, query) whose weights do not sum to 1: a warning naming the first few. Returns
 * how many rows the page may offer to renormalise: all of them off, or none when some weight is above 1
 * (then the numbers are not probabilities, scores before the softmax or a misread column, and dividing by
 * the row sum would only make them look like some; a warning says so). A part of a file read in parts passes
 * where it starts (`origin`: its layer and head in the file) and that renormalising is not offered for it.
 */
export function checkRowSums(set: AttentionSet, issues: IssueList, name: string, origin: {layer: number; head: number} = {layer: 0, head: 0}, renormalisable = true): number {
  const {layers, heads, n} = set;
  const group = (g: number) => (set.groups.length > 1 ? `${set.groups[g].label}, ` : "");
  const at = (i: number) => {
    const [k, q, h] = [i % n, Math.floor(i / n) % n, Math.floor(i / (n * n)) % heads];
    return `layer ${Math.floor(i / (n * n * heads)) + origin.layer}, head ${h + origin.head}, query ${q}, key ${k}`;
  };
  let aboveOne = 0;
  set.values.forEach((buffer, g) => {
    for (let i = 0; i < buffer.length; i++) {
      if (buffer[i] > 1 + ROW_SUM_TOLERANCE) {
        aboveOne++;
        issues.warn("not_probability", `${name}: weights above 1 are not attention probabilities (were scores exported before the softmax, or a column written in another type?); renormalising would not recover them, so it is not offered`, () => `${group(g)}${at(i)} is ${buffer[i].toPrecision(4)}`, "weights");
      }
    }
  });
  let off = 0;
  set.values.forEach((buffer, g) => {
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        for (let q = 0; q < n; q++) {
          const start = cellIndex(set, l, h, q, 0);
          let sum = 0;
          for (let k = 0; k < n; k++) sum += buffer[start + k];
          if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
            off++;
            issues.warn("row_sum", `${name}: attention rows do not sum to 1 (each query's weights over the keys should)${aboveOne || !renormalisable ? "" : "; you can renormalise them"}`, `${group(g)}layer ${l + origin.layer}, head ${h + origin.head}, query ${q} sums to ${sum.toPrecision(4)}`, "rows");
          }
        }
      }
    }
  });
  return aboveOne ? 0 : off;
}

/** A copy of the set with every row divided by its sum (rows that sum to 0 stay 0). */
export function renormalise(set: AttentionSet): AttentionSet {
  const {n} = set;
  const values = set.values.map((buffer) => {
    const out = new Float32Array(buffer.length);
    for (let start = 0; start < buffer.length; start += n) out.set(renormalised(buffer.subarray(start, start + n)), start);
    return out;
  });
  return {...set, values};
}
