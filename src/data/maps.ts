// Runs a trained model over samples in batches with the activation cache, and copies per-head maps to the
// host. Every tensor is freed batch by batch; the maps themselves come from src/model/effective.ts.
import type {ModelConfig} from "../model/config.js";
import type {AnyConfig} from "../model/lmConfig.js";
import {headMaps, toHeadMaps, type HeadMaps, type MapKind} from "../model/effective.js";
import {disposeCache, runWithCache, type Cache} from "../model/model.js";
import {disposeParams, weightsToParams, type Params, type Weights} from "../model/params.js";
import {toArrays, type Sample} from "../model/task.js";

/** One batch of a cached forward pass; cache and params live only while the visitor runs. */
export interface Batch {
  /** index of the batch's first sample in the full list */
  start: number;
  size: number;
  cache: Cache;
  params: Params;
}

/** Calls `visit` for consecutive batches of `batchSize` samples, freeing each batch's tensors afterwards. */
export function forEachBatch(
  weights: Weights,
  cfg: ModelConfig,
  samples: Sample[],
  batchSize: number,
  visit: (batch: Batch) => void
): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const N = cfg.m * cfg.m;
  const {bits} = toArrays(samples); // [S*N]
  const params = weightsToParams(weights, cfg);
  try {
    for (let start = 0; start < samples.length; start += batchSize) {
      const size = Math.min(batchSize, samples.length - start);
      const {logits, cache} = runWithCache(params, cfg, bits.subarray(start * N, (start + size) * N)); // [b,N]
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

/** Name of a map kind in the data files: MapKind "naive_renorm" is written out as "naive_renormalised". */
export const KIND_NAME: Record<MapKind, string> = {
  raw: "raw",
  effective: "effective",
  naive: "naive",
  naive_renorm: "naive_renormalised"
};
