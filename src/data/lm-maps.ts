// The LM's evaluation sets and a batched cached forward pass over token sequences (the LM's counterpart of
// maps.ts forEachBatch; per-head maps then come from maps.ts batchMaps, shared with the relation model).
import type {LmPreset, LmConfig} from "../model/lmConfig.js";
import {runLmWithCache} from "../model/lm.js";
import {lmSplit, repeatedRandomTokens, type LmSample} from "../model/lmTask.js";
import type {Weights} from "../model/params.js";
import {forEachCachedBatch, type Batch, type RunBatch} from "./maps.js";
import {LM_SEED} from "./runs.js";

/** Sequences of the training distribution drawn in the views: lmSplit(LM_SEED, "lm/showcase", LM_SHOWCASE). */
export const LM_SHOWCASE = 8;
/** Repeated-random-token sequences (seeds 0 … n−1) on which the duplicate-token and induction scores are taken. */
export const LM_REPEATED_SEEDS = 8;

export function lmShowcaseSamples(preset: LmPreset): LmSample[] {
  return lmSplit(LM_SEED, "lm/showcase", LM_SHOWCASE, preset.task);
}

/** BOS + a segment of ⌊(n_ctx − 1) / 2⌋ tokens + the same segment, for seeds 0 … LM_REPEATED_SEEDS − 1. */
export function lmRepeatedSequences(preset: LmPreset): Int32Array[] {
  const length = Math.floor((preset.task.n_ctx - 1) / 2);
  return Array.from({length: LM_REPEATED_SEEDS}, (_, seed) => repeatedRandomTokens({length, repeats: 2, seed, d_vocab: preset.task.d_vocab}));
}

/** Calls `visit` for consecutive batches of equal-length sequences, freeing each batch's tensors afterwards. */
export function forEachLmBatch(
  weights: Weights,
  cfg: LmConfig,
  sequences: Int32Array[],
  batchSize: number,
  visit: (batch: Batch) => void
): void {
  const N = sequences.length > 0 ? sequences[0].length : 0;
  const run: RunBatch = (params, start, size) => {
    const tokens = new Int32Array(size * N); // [b*N]
    for (let b = 0; b < size; b++) tokens.set(sequences[start + b], b * N);
    return runLmWithCache(params, cfg, tokens, N); // [b,N,V]
  };
  forEachCachedBatch(weights, cfg, sequences.length, batchSize, run, visit);
}
