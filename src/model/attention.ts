// Pieces shared by the three attention layers: per-head projections, the head-axis mix, the output
// projection and the activation cache. Only reshape / transpose / matMul (no einsum, no gather),
// so every op has a gradient on every TF.js backend.
import * as tf from "@tensorflow/tfjs";
import type {ModelConfig} from "./config.js";

/**
 * a [M,K] · b [K,N] → [M,N] with a gradient that transposes explicitly:
 * da = dy · bᵀ, db = aᵀ · dy. TF.js's own matMul gradient uses the transposeA/transposeB flags, which
 * the wasm backend runs about 10× slower than a Transpose followed by a plain product (measured on
 * [2304,256]ᵀ·[2304,64]: 38 ms vs 3.5 ms), and it repacks the right-hand operand on every call, so the
 * weight gradient puts the smaller factor on the right. Used for every 2-D product in the trained path.
 */
export const matMul2d = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b), // [M,N]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      const da = tf.matMul(dy, sb.transpose()); // [M,N]·[N,K] → [M,K]
      // wasm packs the right-hand operand on every call: keep the smaller one on the right
      const [K, N] = sb.shape;
      const db = N <= K ? tf.matMul(sa.transpose(), dy) : tf.matMul(dy.transpose(), sa).transpose(); // [K,N]
      return [da, db];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Named activations of one forward pass (TransformerLens-style hook names). */
export type Cache = Record<string, tf.Tensor>;

/** What an attention layer needs: its config, its parameters and an optional cache to fill. */
export interface AttnContext {
  cfg: ModelConfig;
  /** parameter of this layer's attention by short name, e.g. "W_Q" → blocks.0.attn.W_Q */
  param: (name: string) => tf.Tensor;
  /** hook name prefix, e.g. "blocks.0.attn." */
  prefix: string;
  cache?: Cache;
}

/** An attention layer: normalised residual [B,N,D] in, attention output [B,N,D] out. */
export type AttentionFn = (ctx: AttnContext, x: tf.Tensor3D) => tf.Tensor3D;

/** Stores an activation under `prefix + name` when a cache is being recorded. */
export function record(ctx: AttnContext, name: string, t: tf.Tensor): void {
  if (ctx.cache) ctx.cache[ctx.prefix + name] = t;
}

/** 1/√d_head, the logit scale of every architecture. */
export function logitScale(cfg: ModelConfig): number {
  return 1 / Math.sqrt(cfg.d_head);
}

/**
 * x [B,N,D] · W [H,D,d] (+ b [H,d]) per head. Returns the TransformerLens layout [B,N,H,d] (for hooks)
 * and the attention layout [B,H,N,d].
 */
export function projectHeads(
  x: tf.Tensor3D,
  W: tf.Tensor,
  b: tf.Tensor | null,
): {bnhd: tf.Tensor4D; bhnd: tf.Tensor4D} {
  const [B, N, D] = x.shape;
  const [H, , d] = W.shape;
  const Wflat = W.transpose([1, 0, 2]).reshape([D, H * d]); // [D, H*d], column h*d + i
  let y = matMul2d(x.reshape([B * N, D]), Wflat).reshape([B, N, H, d]) as tf.Tensor4D; // [B,N,H,d]
  if (b) y = y.add(b); // [B,N,H,d] + [H,d]
  return {bnhd: y, bhnd: y.transpose([0, 2, 1, 3])}; // [B,N,H,d], [B,H,N,d]
}

/** Queries, keys and values of every head (keys have no bias: q·b_K is constant over keys). */
export function projectQKV(ctx: AttnContext, x: tf.Tensor3D): {q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D} {
  const q = projectHeads(x, ctx.param("W_Q"), ctx.param("b_Q")); // [B,N,H,d]
  const k = projectHeads(x, ctx.param("W_K"), null); // [B,N,H,d]
  const v = projectHeads(x, ctx.param("W_V"), ctx.param("b_V")); // [B,N,H,d]
  record(ctx, "hook_q", q.bnhd);
  record(ctx, "hook_k", k.bnhd);
  record(ctx, "hook_v", v.bnhd);
  return {q: q.bhnd, k: k.bhnd, v: v.bhnd}; // [B,H,N,d] each
}

/** Mixes the head axis of [B,H,S,T] maps: out[:, h] = Σ_g s[:, g] · M[g, h] (M [H,H]). */
export function mixHeads(s: tf.Tensor4D, M: tf.Tensor): tf.Tensor4D {
  const [B, H, S, T] = s.shape;
  const flat = s.transpose([0, 2, 3, 1]).reshape([B * S * T, H]); // [B*S*T, H]
  return matMul2d(flat, M) // [B*S*T, H]
    .reshape([B, S, T, H]) // [B,S,T,H]
    .transpose([0, 3, 1, 2]); // [B,H,S,T]
}

/** Per-head outputs z [B,H,N,d] → concatenated heads · W_O + b_O → [B,N,D]. Records hook_z. */
export function mergeHeads(ctx: AttnContext, z: tf.Tensor4D): tf.Tensor3D {
  const [B, H, N, d] = z.shape;
  const D = ctx.cfg.d_model;
  const zt = z.transpose([0, 2, 1, 3]); // [B,N,H,d]
  record(ctx, "hook_z", zt);
  const WO = ctx.param("W_O").reshape([H * d, D]); // [H*d, D], row h*d + i
  return matMul2d(zt.reshape([B * N, H * d]), WO).add(ctx.param("b_O")).reshape([B, N, D]) as tf.Tensor3D; // [B,N,D]
}
