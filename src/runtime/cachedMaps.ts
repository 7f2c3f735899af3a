// The raw and effective per-head maps of every layer of a one-input cached forward pass, copied to the
// host as stack[layer][head][query][key]. The maps are src/model/effective.ts's; used by the pages that
// run a model in the browser (the playground, the workbench's induction probe).
import type * as tf from "@tensorflow/tfjs";
import {effectiveMaps, headMap, rawMaps, toHeadMaps} from "../model/effective.js";
import type {AnyConfig} from "../model/lm/config.js";
import type {Cache} from "../model/model.js";
import type {Params} from "../model/params.js";
import type {HeadMap} from "../components/headStack.js";

export interface LayerMaps {
  raw: HeadMap[][];
  effective: HeadMap[][];
}

/** maps.raw[layer][head] and maps.effective[layer][head] of a cache of batch size 1. */
export function layerMaps(cache: Cache, params: Params, cfg: AnyConfig): LayerMaps {
  const stacks = (t: tf.Tensor4D) => {
    try {
      const maps = toHeadMaps(t); // [1,H,N,N] on the host
      return Array.from({length: cfg.n_heads}, (_, h) => headMap(maps, 0, h));
    } finally {
      t.dispose();
    }
  };
  const out: LayerMaps = {raw: [], effective: []};
  for (let layer = 0; layer < cfg.n_layers; layer++) {
    out.raw.push(stacks(rawMaps(cache, layer)));
    out.effective.push(stacks(effectiveMaps(cache, params, cfg, layer)));
  }
  return out;
}
