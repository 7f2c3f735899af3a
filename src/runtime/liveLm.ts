// The language model run in the browser on a sequence the reader chooses (the head workbench's induction
// probe): its trained weights loaded once per architecture (TensorFlow.js on wasm), then every layer's raw
// and effective per-head maps of a sequence. The forward pass and the maps are the build's own
// (src/model/lm.ts, src/model/effective.ts).
import {runLmWithCache} from "../model/lm.js";
import type {LmConfig} from "../model/lmConfig.js";
import {disposeCache} from "../model/model.js";
import {disposeParams, weightsToParams, type Weights} from "../model/params.js";
import {layerMaps, type LayerMaps} from "./cachedMaps.js";
import {startWasm} from "./wasm.js";
import {readTrained, type TrainedModel} from "./weights.js";

/** One trained language model's files (Framework's FileAttachments): its record `{config, …}` and its weights. */
export interface LmFiles {
  config: {json(): Promise<{config: LmConfig}>};
  weights: {arrayBuffer(): Promise<ArrayBuffer>};
}

/**
 * A loader of the language models by architecture: each is read (and wasm started) the first time it is
 * asked for. The weights are read against the file's config, which must be a language model's (params.paramShape).
 */
export function lmLoader(files: Readonly<Record<string, LmFiles>>): (arch: string) => Promise<TrainedModel<LmConfig>> {
  const loaded = new Map<string, Promise<TrainedModel<LmConfig>>>();
  const load = async (arch: string) => {
    const entry = files[arch];
    if (!entry) throw new Error(`no language model for architecture ${arch}`);
    await startWasm();
    const {config} = await entry.config.json();
    return readTrained(new Uint8Array(await entry.weights.arrayBuffer()), config);
  };
  return (arch) => {
    if (!loaded.has(arch)) loaded.set(arch, load(arch));
    return loaded.get(arch)!;
  };
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
