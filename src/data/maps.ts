// Runs a trained model over samples in batches with the activation cache, and copies per-head maps to the
// host. Every tensor is freed batch by batch; the maps themselves come from src/model/effective.ts.
import type * as tf from "@tensorflow/tfjs";
import type {ModelConfig} from "../model/config.js";
import type {AnyConfig} from "../model/lmConfig.js";
import {headMaps, toHeadMaps, type HeadMaps} from "../model/effective.js";
import {disposeCache, runWithCache, type Cache} from "../model/model.js";
import {disposeParams, weightsToParams, type Params, type Weights} from "../model/params.js";
import {toArrays, type Sample} from "../model/task.js";
import type {MapKind} from "../model/vocabulary.js";

/** One batch of a cached forward pass; cache and params live only while the visitor runs. */
export interface Batch {
  /** index of the batch's first sample in the full list */
  start: number;
  size: number;
  cache: Cache;
  params: Params;
}

/** A cached forward pass of inputs [start, start + size) with the given parameters. */
export type RunBatch = (params: Params, start: number, size: number) => {logits: tf.Tensor; cache: Cache};

/**
 * Calls `visit` for consecutive batches of `batchSize` of `count` inputs, each run by `run`, freeing each
 * batch's tensors afterwards (and the parameters at the end). Both model families go through here.
 */
export function forEachCachedBatch(weights: Weights, cfg: AnyConfig, count: number, batchSize: number, run: RunBatch, visit: (batch: Batch) => void): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const params = weightsToParams(weights, cfg);
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const {logits, cache} = run(params, start, size);
      try {
        visit({start, size, cache, params});
      } finally {
        logits.dispose();
        disposeCache(cache);
      }
    }
  } finally {
    disposeParams(params);
  }
}

/** Calls `visit` for consecutive batches of `batchSize` relation samples, freeing each batch's tensors afterwards. */
export function forEachBatch(
  weights: Weights,
  cfg: ModelConfig,
  samples: Sample[],
  batchSize: number,
  visit: (batch: Batch) => void
): void {
  const N = cfg.m * cfg.m;
  const {bits} = toArrays(samples); // [S*N]
  const run: RunBatch = (params, start, size) => runWithCache(params, cfg, bits.subarray(start * N, (start + size) * N)); // [b,N]
  forEachCachedBatch(weights, cfg, samples.length, batchSize, run, visit);
}

/** Host copies [b,H,N,N] of the given kinds of per-head map of one layer of a batch. */
export function batchMaps(batch: Batch, cfg: AnyConfig, layer: number, kinds: readonly MapKind[]): Map<MapKind, HeadMaps> {
  const out = new Map<MapKind, HeadMaps>();
  for (const kind of kinds) {
    const maps = headMaps(kind, batch.cache, batch.params, cfg, layer); // [b,H,N,N]
    try {
      out.set(kind, toHeadMaps(maps));
    } finally {
      maps.dispose();
    }
  }
  return out;
}
