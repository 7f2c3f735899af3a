// Zero-ablation of one head, on plain weights (docs/effective-maps.md, "Ablation"). The weight edits are pure:
// each returns a new Weights whose arrays are all fresh copies; the input is never modified. ablatedLogits gives
// what ablateHead does to the logits of a cached run without running the unchanged attention again.
import * as tf from "@tensorflow/tfjs";
import {outputProjection, type Cache} from "./attention.js";
import type {ModelConfig} from "./config.js";
import type {AnyConfig} from "./lm/config.js";
import {forwardFromMid, getParam} from "./model.js";
import type {Params, Weights} from "./params.js";

/** Which of a source head's projections ablateSourceHead removes. */
export type SourcePart = "Q" | "K" | "V";
export const SOURCE_PARTS: readonly SourcePart[] = ["Q", "K", "V"];

/** A deep copy of the weights (every array copied). */
export function copyWeights(weights: Weights): Weights {
  return Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, data.slice()]));
}

function checkIndex(value: number, bound: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= bound) {
    throw new Error(`${what} must be an integer in [0, ${bound}), got ${value}`);
  }
}

function layerParam(weights: Weights, layer: number, name: string, length: number): Float32Array {
  const key = `blocks.${layer}.attn.${name}`;
  const data = weights[key];
  if (!data) throw new Error(`weights lack parameter ${key}`);
  if (data.length !== length) throw new Error(`parameter ${key} has ${data.length} values, expected ${length}`);
  return data;
}

/**
 * Head `head` of layer `layer` writes nothing: its d×D block W_O[head] (rows head·d … head·d + d − 1 of the
 * [H·d, D] view) is set to 0. Everything upstream (patterns, values, hook_z) is unchanged. For IHA this is
 * the collapsed output head i = head (O_i = Σ_{i',p} R[i, i'P+p] · pseudo-output (i', p)), not a source head.
 */
export function ablateHead(weights: Weights, cfg: AnyConfig, layer: number, head: number): Weights {
  const {n_layers: L, n_heads: H, d_head: d, d_model: D} = cfg;
  checkIndex(layer, L, "layer");
  checkIndex(head, H, "head");
  layerParam(weights, layer, "W_O", H * d * D);
  const out = copyWeights(weights);
  out[`blocks.${layer}.attn.W_O`].fill(0, head * d * D, (head + 1) * d * D); // W_O[head, :, :] = 0
  return out;
}

/**
 * Per-cell logits [H,B,N] with each head of layer `layer` ablated in turn, as ablateHead ablates it, from the cache
 * of the unablated run on the same params (runWithCache). Zeroing W_O[h] leaves everything upstream of W_O as it
 * was, so block `layer`'s residual after attention becomes hook_resid_pre + (hook_z with head h zeroed) W_O + b_O
 * (the same products: a zeroed row of W_O and a zeroed column of z add the same zeros), and the rest of the model
 * runs from there; the attention itself is not run again. Not tidied: call inside tf.tidy.
 */
export function ablatedLogits(cache: Cache, params: Params, cfg: ModelConfig, layer: number): tf.Tensor3D {
  const {n_heads: H, d_head: d} = cfg;
  checkIndex(layer, cfg.n_layers, "layer");
  const hook = (name: string) => {
    const t = cache[`blocks.${layer}.${name}`];
    if (!t) throw new Error(`cache lacks blocks.${layer}.${name}`);
    return t;
  };
  const z = hook("attn.hook_z"); // [B,N,H,d]
  const pre = hook("hook_resid_pre") as tf.Tensor3D; // [B,N,D]
  const [B, N, D] = pre.shape;
  const keep = tf.oneHot(tf.range(0, H, 1, "int32"), H, 0, 1).reshape([H, 1, 1, H, 1]); // [H(ablated),1,1,H,1], 0 at the ablated head
  const zAblated = z.reshape([1, B, N, H, d]).mul(keep).reshape([H * B, N, H, d]); // [H*B,N,H,d]
  const ctx = {cfg, param: (name: string) => getParam(params, `blocks.${layer}.attn.${name}`), prefix: `blocks.${layer}.attn.`};
  const attnOut = outputProjection(ctx, zAblated, H * B, N); // [H*B,N,D]
  const mid = pre.reshape([1, B, N, D]).add(attnOut.reshape([H, B, N, D])).reshape([H * B, N, D]) as tf.Tensor3D; // [H*B,N,D]
  return forwardFromMid(params, cfg, layer, mid).reshape([H, B, N]); // [H,B,N]
}

/**
 * IHA only: source head `head` feeds no pseudo-token of any head: α^X[head, :, :] = 0 for each X in `parts`
 * (default Q, K and V). With all three this is the same as Q_m = K_m = V_m = 0 for m = head (its W_Q/W_K/W_V
 * and its biases removed): every output head loses that head's values and its say in every attention score,
 * while the softmax still normalises over the remaining terms. parts ["V"] keeps every pattern and removes
 * only the content; ["Q", "K"] keeps the content and removes only its routing influence.
 */
export function ablateSourceHead(
  weights: Weights,
  cfg: AnyConfig,
  layer: number,
  head: number,
  parts: readonly SourcePart[] = SOURCE_PARTS,
): Weights {
  if (cfg.arch !== "iha") throw new Error(`ablateSourceHead needs an IHA model, not ${cfg.arch}`);
  const {n_layers: L, n_heads: H, n_pseudo: P} = cfg;
  checkIndex(layer, L, "layer");
  checkIndex(head, H, "head");
  if (parts.length === 0 || parts.some((part) => !SOURCE_PARTS.includes(part))) {
    throw new Error(`parts must be a non-empty subset of ${SOURCE_PARTS.join(", ")}, got [${parts.join(", ")}]`);
  }
  for (const part of parts) layerParam(weights, layer, `alpha_${part}`, H * H * P);
  const out = copyWeights(weights);
  for (const part of parts) out[`blocks.${layer}.attn.alpha_${part}`].fill(0, head * H * P, (head + 1) * H * P); // α[m, :, :] = 0
  return out;
}

/**
 * IHA only: collapsed output head `head` reads no pseudo-output: its row of the collapse, R[head, :] (all
 * H·P entries), is set to 0, so O_head = 0 while every pattern and every other output head is unchanged.
 */
export function zeroCollapseRow(weights: Weights, cfg: AnyConfig, layer: number, head: number): Weights {
  if (cfg.arch !== "iha") throw new Error(`zeroCollapseRow needs an IHA model, not ${cfg.arch}`);
  const {n_layers: L, n_heads: H, n_pseudo: P} = cfg;
  checkIndex(layer, L, "layer");
  checkIndex(head, H, "head");
  layerParam(weights, layer, "R", H * H * P);
  const out = copyWeights(weights);
  out[`blocks.${layer}.attn.R`].fill(0, head * H * P, (head + 1) * H * P); // R[head, :] = 0
  return out;
}
