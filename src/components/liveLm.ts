// The language model run in the browser on a sequence the reader chooses (the head workbench's induction
// probe): trained weights in, every layer's raw and effective per-head maps out. The forward pass and the
// maps are the build's own (src/model/lm.ts, src/model/effective.ts).
import {runLmWithCache} from "../model/lm.js";
import type {LmConfig} from "../model/lmConfig.js";
import {disposeCache} from "../model/model.js";
import {disposeParams, weightsToParams, type Weights} from "../model/params.js";
import {layerMaps, type LayerMaps} from "./cachedMaps.js";

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
