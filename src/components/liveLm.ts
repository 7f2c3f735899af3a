// The language model run in the browser on a sequence the reader chooses (the head workbench's induction
// probe): trained weights in, every layer's raw and effective per-head maps out. The forward pass and the
// maps are the build's own (src/model/lm.ts, src/model/effective.ts).
import * as tf from "@tensorflow/tfjs";
import {effectiveMaps, headMap, rawMaps, toHeadMaps} from "../model/effective.js";
import {runLmWithCache} from "../model/lm.js";
import type {LmConfig} from "../model/lmConfig.js";
import {disposeCache} from "../model/model.js";
import {disposeParams, weightsToParams, type Weights} from "../model/params.js";
import type {HeadMap} from "./headStack.js";

export interface LmMaps {
  raw: HeadMap[][];
  effective: HeadMap[][];
}

/** maps.raw[layer][head] and maps.effective[layer][head] of one sequence (token ids, BOS first). */
export function lmHeadMaps(weights: Weights, cfg: LmConfig, tokens: Int32Array): LmMaps {
  const params = weightsToParams(weights, cfg);
  const {logits, cache} = runLmWithCache(params, cfg, tokens, tokens.length); // [1,N,V]
  try {
    const stacks = (t: tf.Tensor4D) => {
      try {
        const maps = toHeadMaps(t); // [1,H,N,N] on the host
        return Array.from({length: cfg.n_heads}, (_, h) => headMap(maps, 0, h));
      } finally {
        t.dispose();
      }
    };
    const out: LmMaps = {raw: [], effective: []};
    for (let layer = 0; layer < cfg.n_layers; layer++) {
      out.raw.push(stacks(rawMaps(cache, layer)));
      out.effective.push(stacks(effectiveMaps(cache, params, cfg, layer)));
    }
    return out;
  } finally {
    logits.dispose();
    disposeCache(cache);
    disposeParams(params);
  }
}
