// Runs a trained model of either family over its inputs in batches with the activation cache, and copies
// per-head maps to the host. Every tensor is freed batch by batch; the maps themselves come from
// src/model/effective.ts.
import * as tf from "@tensorflow/tfjs";
import {ablatedLogits} from "../model/ablation.js";
import type {ModelConfig} from "../model/config.js";
import {headMaps, toHeadMaps, type HeadMaps} from "../model/effective.js";
import type {FamilyTypes, ModelFamily} from "../model/family.js";
import type {AnyConfig} from "../model/lm/config.js";
import {disposeCache, type Cache} from "../model/model.js";
import {disposeParams, weightsToParams, type Params, type Weights} from "../model/params.js";
import type {MapKind} from "../model/vocabulary.js";

/** One batch of a cached forward pass; cache and params live only while the visitor runs. */
export interface Batch {
  /** index of the batch's first input in the full list */
  start: number;
  size: number;
  cache: Cache;
  params: Params;
}

/**
 * Calls `visit` for consecutive batches of `batchSize` inputs (relation samples or LM token sequences of one
 * length), each run by the family's cached forward pass, freeing each batch's tensors afterwards (and the
 * parameters at the end).
 */
export function forEachBatch<T extends FamilyTypes>(
  family: ModelFamily<T>,
  weights: Weights,
  cfg: T["config"],
  inputs: readonly T["input"][],
  batchSize: number,
  visit: (batch: Batch) => void
): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const params = weightsToParams(weights, cfg);
  try {
    for (let start = 0; start < inputs.length; start += batchSize) {
      const size = Math.min(batchSize, inputs.length - start);
      const {logits, cache} = family.runWithCache(params, cfg, inputs.slice(start, start + size));
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

/** Host copy [H,b,N] of a relation batch's logits with each head of `layer` ablated in turn (ablation.ablatedLogits). */
export function batchAblatedLogits(batch: Batch, cfg: ModelConfig, layer: number): Float32Array {
  const logits = tf.tidy(() => ablatedLogits(batch.cache, batch.params, cfg, layer)); // [H,b,N]
  try {
    return logits.dataSync() as Float32Array;
  } finally {
    logits.dispose();
  }
}
