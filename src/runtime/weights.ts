// Trained weights in the browser: a safetensors file read against the config it was trained with, for
// either model family (the playground's relation models, the head workbench's language models).
import type {AnyConfig} from "../model/lm/config.js";
import {paramShape, type Weights} from "../model/params.js";
import {decodeSafetensors} from "../model/safetensors.js";

/** The weights of one trained model (of either family) as written by src/data/checkpoint.ts. */
export interface TrainedModel<C extends AnyConfig> {
  cfg: C;
  weights: Weights;
}

/** Decodes `<model>.safetensors` with the config from `<model>.json`; throws naming what does not fit. */
export function readTrained<C extends AnyConfig>(bytes: Uint8Array, cfg: C): TrainedModel<C> {
  const {tensors} = decodeSafetensors(bytes);
  const weights: Weights = {};
  for (const [name, {shape, data}] of Object.entries(tensors)) {
    const expected = paramShape(cfg, name);
    if (expected.join() !== shape.join()) throw new Error(`${name} has shape [${shape}] in the file, the ${cfg.arch} config needs [${expected}]`);
    weights[name] = data;
  }
  return {cfg, weights};
}
