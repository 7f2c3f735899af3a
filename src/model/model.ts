// The whole classifier: embedding → n_layers pre-LN blocks (attention, ReLU MLP) → final LN → one logit
// per cell. forward() is used for training (no cache); runWithCache() returns every hooked activation.
import * as tf from "@tensorflow/tfjs";
import {LN_EPS, seqLen, validateConfig, type ModelConfig} from "./config.js";
import {addBias, scaleShift} from "./hostSums.js";
import {attentionKernel, linear, matMul2d, type AttentionFn, type AttnContext, type Cache} from "./attention.js";
import {floats, tensorOf} from "./tensorData.js";
import {mhaAttention} from "./mha.js";
import {talkingHeadsAttention} from "./talkingHeads.js";
import {ihaAttention} from "./iha.js";
import type {Params} from "./params.js";
import type {AnyConfig} from "./lm/config.js";
import type {Arch} from "./vocabulary.js";

export type {Cache} from "./attention.js";

/** The attention layer of each architecture. */
export const ATTENTION: Record<Arch, AttentionFn> = {
  mha: mhaAttention,
  talking_heads: talkingHeadsAttention,
  iha: ihaAttention,
};

export function getParam(params: Params, name: string): tf.Tensor {
  const p = params[name];
  if (!p) throw new Error(`missing parameter ${name}`);
  return p;
}

/** Constant one-hot rows of the cell positions: row i or column j of token n = i·m + j; [N, m]. */
function positionOneHot(m: number, axis: "row" | "col"): tf.Tensor2D {
  const N = m * m;
  const data = new Float32Array(N * m); // [N, m]
  for (let n = 0; n < N; n++) data[n * m + (axis === "row" ? Math.floor(n / m) : n % m)] = 1;
  return tf.tensor2d(data, [N, m]); // [N, m]
}

/** x[b, n] = W_bit[bit] + W_row[i] + W_col[j] for token n = i·m + j, as one-hot matmuls (no gather). */
export function embed(params: Params, cfg: ModelConfig, bits: tf.Tensor2D): tf.Tensor3D {
  const [B, N] = bits.shape;
  const D = cfg.d_model;
  const bitOneHot = tf.oneHot(bits.reshape([B * N]), 2).toFloat(); // [B*N, 2]
  const xBit = matMul2d(bitOneHot, getParam(params, "embed.W_bit")).reshape([B, N, D]); // [B,N,D]
  const xRow = matMul2d(positionOneHot(cfg.m, "row"), getParam(params, "embed.W_row")); // [N,D]
  const xCol = matMul2d(positionOneHot(cfg.m, "col"), getParam(params, "embed.W_col")); // [N,D]
  return xBit.add(xRow.add(xCol)) as tf.Tensor3D; // [B,N,D]
}

/**
 * x.mean(-1, true) with the same gradient, dy/D at every entry, broadcast onto a filled tensor: TF.js's own Mean gradient
 * multiplies dy by a ones tensor it fills in JavaScript at the input's full size on every backward pass.
 */
const meanLast = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const D = x.shape[x.rank - 1];
  return {
    value: x.mean(-1, true), // [..., 1]
    gradFunc: (dy: tf.Tensor) => tf.fill(x.shape, 0).add(dy.div(D)), // [..., D]
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * The same LayerNorm on the fused kernel, forward and backward each one pass over the rows (TF.js runs about
 * a dozen ops for it, each a pass and a dispatch): x̂ and s = √(σ² + ε) are saved for the gradient,
 * dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / s with g = dy ⊙ w; dw and db are column sums in float64, as scaleShift's.
 */
const layerNormOnKernel = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const kernel = attentionKernel()!;
  const D = x.shape[x.rank - 1];
  const M = x.size / D;
  const out = kernel.layerNormForward(floats(x), floats(w), floats(b), M, D, LN_EPS);
  const xhat = kernel.tensor(out.xhat, [M, D]); // [M,D]
  const sd = kernel.tensor(out.sd, [M]); // [M]
  const y = kernel.tensor(out.y, x.shape); // x's shape
  save([xhat, sd, w]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, ss, sw] = saved;
      const g = kernel.layerNormBackward(floats(dy), floats(sx), floats(ss), floats(sw), M, D);
      return [kernel.tensor(g.dx, x.shape), kernel.tensor(g.dw, w.shape), kernel.tensor(g.db, b.shape)]; // x's, w's, b's shapes
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * LayerNorm over the last axis: (x − μ) / √(σ² + ε) · w + b, biased variance, ε = LN_EPS. On the fused kernel
 * when one is installed (and d_model is a multiple of 4); the TF.js ops below otherwise.
 */
export function layerNorm(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  if (attentionKernel() && x.shape[2] % 4 === 0) return layerNormOnKernel(x, w, b) as tf.Tensor3D; // [B,N,D]
  const mu = meanLast(x); // [B,N,1]
  const centered = x.sub(mu); // [B,N,D]
  const variance = meanLast(centered.square()); // [B,N,1]
  return scaleShift(centered.div(variance.add(LN_EPS).sqrt()), w, b) as tf.Tensor3D; // [B,N,D]
}

/** Stores an activation under `name` when a cache is being recorded. */
export function put(cache: Cache | undefined, name: string, t: tf.Tensor): void {
  if (cache) cache[name] = t;
}

/**
 * The attention half of pre-LN block l, shared by both model families: x + attn(ln1(x)) [B,N,D]
 * (records hook_resid_pre, ln1.hook_normalized, the attention hooks and hook_attn_out).
 */
export function attentionSublayer(
  params: Params,
  cfg: AnyConfig,
  l: number,
  x: tf.Tensor3D,
  cache?: Cache,
  causal = false,
): tf.Tensor3D {
  const pre = `blocks.${l}.`;
  const p = (name: string) => getParam(params, pre + name);
  put(cache, pre + "hook_resid_pre", x);
  const x1 = layerNorm(x, p("ln1.w"), p("ln1.b")); // [B,N,D]
  put(cache, pre + "ln1.hook_normalized", x1);
  const ctx: AttnContext = {cfg, param: (name) => p("attn." + name), prefix: pre + "attn.", cache, causal};
  const attnOut = ATTENTION[cfg.arch](ctx, x1); // [B,N,D]
  put(cache, pre + "hook_attn_out", attnOut);
  return x.add(attnOut) as tf.Tensor3D; // [B,N,D]
}

/** The MLP half of pre-LN block l on the residual after attention: ReLU MLP of ln2(mid), hooked activations too. */
export function mlpSublayer(params: Params, cfg: ModelConfig, l: number, mid: tf.Tensor3D) {
  const [B, N, D] = mid.shape;
  const F = cfg.d_mlp;
  const p = (name: string) => getParam(params, `blocks.${l}.` + name);
  const x2 = layerNorm(mid, p("ln2.w"), p("ln2.b")).reshape([B * N, D]); // [B*N, D]
  const hPre = linear(x2, p("mlp.W_in"), p("mlp.b_in")); // [B*N, F]
  const hPost = hPre.relu(); // [B*N, F]
  const mlpOut = linear(hPost, p("mlp.W_out"), p("mlp.b_out")).reshape([B, N, D]) as tf.Tensor3D; // [B,N,D]
  return {normalized: x2.reshape([B, N, D]), pre: hPre.reshape([B, N, F]), post: hPost.reshape([B, N, F]), out: mlpOut};
}

/** One pre-LN block: x + attn(ln1(x)), then + mlp(ln2(·)). */
function block(params: Params, cfg: ModelConfig, l: number, x: tf.Tensor3D, cache?: Cache): tf.Tensor3D {
  const pre = `blocks.${l}.`;
  const mid = attentionSublayer(params, cfg, l, x, cache); // [B,N,D]
  put(cache, pre + "hook_resid_mid", mid);
  const mlp = mlpSublayer(params, cfg, l, mid); // [B,N,D] out
  if (cache) {
    cache[pre + "ln2.hook_normalized"] = mlp.normalized;
    cache[pre + "mlp.hook_pre"] = mlp.pre;
    cache[pre + "mlp.hook_post"] = mlp.post;
    cache[pre + "hook_mlp_out"] = mlp.out;
  }
  const post = mid.add(mlp.out) as tf.Tensor3D; // [B,N,D]
  put(cache, pre + "hook_resid_post", post);
  return post;
}

/**
 * Logits [B,N] from block l's residual after attention (hook_resid_mid) onward: its MLP, the blocks after it
 * and the unembedding. What a change of layer l's attention output does to the logits (ablation, key removal).
 */
export function forwardFromMid(params: Params, cfg: ModelConfig, l: number, mid: tf.Tensor3D): tf.Tensor2D {
  let x = mid.add(mlpSublayer(params, cfg, l, mid).out) as tf.Tensor3D; // [B,N,D], block l's hook_resid_post
  for (let k = l + 1; k < cfg.n_layers; k++) x = block(params, cfg, k, x); // [B,N,D]
  return unembed(params, cfg, x); // [B,N]
}

/** Final LayerNorm and unembedding: residual [B,N,D] → one logit per cell [B,N]. */
export function unembed(params: Params, cfg: ModelConfig, x: tf.Tensor3D, cache?: Cache): tf.Tensor2D {
  const [B, N] = x.shape;
  const xf = layerNorm(x, getParam(params, "ln_final.w"), getParam(params, "ln_final.b")); // [B,N,D]
  put(cache, "ln_final.hook_normalized", xf);
  return addBias(matMul2d(xf.reshape([B * N, cfg.d_model]), getParam(params, "unembed.W_U")), getParam(params, "unembed.b_U")) // [B*N, 1]
    .reshape([B, N]) as tf.Tensor2D; // [B,N]
}

/**
 * Per-cell logits [B,N] for relation bits [B,N] (int32, 0/1). Fills `cache` with every hooked
 * activation when one is given. Not tidied: call inside tf.tidy / tf.variableGrads.
 */
export function forward(params: Params, cfg: ModelConfig, bits: tf.Tensor2D, cache?: Cache): tf.Tensor2D {
  validateConfig(cfg);
  const N = bits.shape[1];
  if (N !== seqLen(cfg)) throw new Error(`bits have ${N} tokens per sample, config.m = ${cfg.m} needs ${seqLen(cfg)}`);
  let x = embed(params, cfg, bits); // [B,N,D]
  put(cache, "hook_embed", x);
  for (let l = 0; l < cfg.n_layers; l++) x = block(params, cfg, l, x, cache); // [B,N,D]
  const logits = unembed(params, cfg, x, cache); // [B,N]
  put(cache, "hook_logits", logits);
  return logits;
}

/** bits Int32Array [B*N] → int32 tensor [B,N]. */
export function bitsTensor(bits: Int32Array, cfg: ModelConfig): tf.Tensor2D {
  const N = seqLen(cfg);
  if (bits.length % N !== 0) throw new Error(`bits length ${bits.length} is not a multiple of N = ${N}`);
  return tf.tensor2d(bits, [bits.length / N, N], "int32"); // [B,N]
}

/** Mean binary cross-entropy with logits over all cells: mean(max(x,0) − x·y + log(1 + e^−|x|)). */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const perCell = logits.relu().sub(logits.mul(labels)).add(logits.abs().neg().exp().log1p()); // [B,N]
  return perCell.mean() as tf.Scalar;
}

/**
 * Forward pass that keeps every hooked activation (the caller owns the tensors; free them with
 * disposeCache). Keys: see docs/model.md, "Cache".
 */
export function runWithCache(
  params: Params,
  cfg: ModelConfig,
  bits: Int32Array | tf.Tensor2D,
): {logits: tf.Tensor2D; cache: Cache} {
  return tf.tidy(() => {
    const input = bits instanceof Int32Array ? bitsTensor(bits, cfg) : bits; // [B,N]
    const cache: Cache = {};
    const logits = forward(params, cfg, input, cache); // [B,N]
    return {logits, cache};
  });
}

/** Frees every tensor of a cache (tensors shared between keys are freed once). */
export function disposeCache(cache: Cache): void {
  for (const t of new Set(Object.values(cache))) t.dispose();
}
