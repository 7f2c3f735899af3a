// A language model run in the browser on a sequence the reader chooses (the head workbench's induction
// probe): its trained weights read against its config (TensorFlow.js on wasm), then every layer's raw and
// effective per-head maps of a sequence. The forward pass and the maps are the build's own (src/model/lm/model.ts,
// src/model/effective.ts). Imported by lmLoader.ts only when a model must run.
import {runLmWithCache} from "../model/lm/model.js";
import type {LmConfig} from "../model/lm/config.js";
import {disposeCache} from "../model/model.js";
import {disposeParams, weightsToParams, type Weights} from "../model/params.js";
import {layerMaps, type LayerMaps} from "./cachedMaps.js";
import type {LiveLm, LmFiles} from "./lmLoader.js";
import {startWasm} from "./wasm.js";
import {readTrained} from "./weights.js";

/** Starts wasm and reads one model's files: the config first, then the weights against it. */
export async function openLm(files: LmFiles): Promise<LiveLm> {
  await startWasm();
  const {config} = await files.config.json();
  const {weights, cfg} = readTrained(new Uint8Array(await files.weights.arrayBuffer()), config);
  return {cfg, maps: (tokens) => lmHeadMaps(weights, cfg, tokens)};
}

/** maps.raw[layer][head] and maps.effective[layer][head] of one sequence (token ids, BOS first). */
export function lmHeadMaps(weights: Weights, cfg: LmConfig, tokens: Int32Array): LayerMaps {
  const params = weightsToParams(weights, cfg);
  const {logits, cache} = runLmWithCache(params, cfg, tokens, tokens.length); // [1,N,V]
  try {
    return layerMaps(cache, params, cfg);
  } finally {
    logits.dispose();
    disposeCache(cache);
    disposeParams(params);
  }
}
