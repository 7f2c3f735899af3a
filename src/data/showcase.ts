// The evaluation sets every loader agrees on: the showcase set drawn in the views (the first samples of
// the seed-0 test split) and each run's own test split for the metrics; the LM's showcase sequences and
// the repeated-token sequences its head scores are taken on.
import type {Preset} from "../model/config.js";
import type {LmPreset} from "../model/lm/config.js";
import {lmSplit, repeatedRandomTokens, type LmSample} from "../model/lm/task.js";
import {DEFAULT_SEED} from "../model/prng.js";
import {splitSamples, witnessPath, type Sample, type TaskConfig} from "../model/task.js";

/** The seed whose runs the views draw (the main values of metrics.json; the LM's only seed). */
export const VIEW_SEED = DEFAULT_SEED;
/** Test matrices every view draws: the first SHOWCASE samples of the VIEW_SEED test split. */
export const SHOWCASE = 32;
/**
 * Most rows pseudo-blocks.parquet may hold: its showcase prefix is as many samples as fit (L·H·P²·N² rows
 * each), at most SHOWCASE. With H = 8, N = 36: P = 8 → 4 samples, P = 4 → 16, P = 2 → 32.
 */
export const PSEUDO_BLOCK_MAX_ROWS = 2_700_000;

/** The showcase samples (a prefix of splitSamples(VIEW_SEED, "test", …): the stream is sequential). */
export function showcaseSamples(preset: Preset): Sample[] {
  return splitSamples(VIEW_SEED, "test", SHOWCASE, preset.task);
}

/** The test split of one run: train.test_samples samples of splitSamples(seed, "test"). */
export function testSamples(preset: Preset, seed: number): Sample[] {
  return splitSamples(seed, "test", preset.train.test_samples, preset.task);
}

/** One evaluated query: a positive cell of one sample and its ground-truth path (witness cells). */
export interface PositiveCell {
  sample: number;
  cell: number;
  path: number[];
}

/** Every positive cell of every sample, sample-major, in cell order. */
export function positiveCells(samples: Sample[], task: TaskConfig): PositiveCell[] {
  return samples.flatMap((s, sample) =>
    Array.from(s.labels.entries())
      .filter(([, label]) => label === 1)
      .map(([cell]) => ({sample, cell, path: witnessPath(s.relation, cell, task)}))
  );
}

/** How many showcase samples pseudo-blocks.parquet covers for a model shape. */
export function pseudoBlockSamples(n_layers: number, n_heads: number, n_pseudo: number, tokens: number): number {
  const perSample = n_layers * n_heads * n_pseudo * n_pseudo * tokens * tokens;
  return Math.max(1, Math.min(SHOWCASE, Math.floor(PSEUDO_BLOCK_MAX_ROWS / perSample)));
}

/** Sequences of the LM's training distribution drawn in the views: lmSplit(VIEW_SEED, "lm/showcase", LM_SHOWCASE). */
export const LM_SHOWCASE = 8;
/** Repeated-random-token sequences (seeds 0 … n−1) on which the duplicate-token and induction scores are taken. */
export const LM_REPEATED_SEEDS = 8;

export function lmShowcaseSamples(preset: LmPreset): LmSample[] {
  return lmSplit(VIEW_SEED, "lm/showcase", LM_SHOWCASE, preset.task);
}

/** BOS + a segment of ⌊(n_ctx − 1) / 2⌋ tokens + the same segment, for seeds 0 … LM_REPEATED_SEEDS − 1. */
export function lmRepeatedSequences(preset: LmPreset): Int32Array[] {
  const length = Math.floor((preset.task.n_ctx - 1) / 2);
  return Array.from({length: LM_REPEATED_SEEDS}, (_, seed) => repeatedRandomTokens({length, repeats: 2, seed, d_vocab: preset.task.d_vocab}));
}
