// Standard multi-head attention (docs/model.md): A_h = softmax(Q_h K_hᵀ / √d + M), O_h = A_h V_h, with
// M = 0 (bidirectional, the relation model) or the additive causal mask (ctx.causal, the LM).
import * as tf from "@tensorflow/tfjs";
import {attentionCore, causalMask, logitScale, mergeHeads, projectQKV, record, type AttentionFn} from "./attention.js";

export const mhaAttention: AttentionFn = (ctx, x) => {
  const {q, k, v} = projectQKV(ctx, x); // [B,H,N,d] each
  const N = q.shape[2];
  const qs = q.mul(logitScale(ctx.cfg)) as tf.Tensor4D; // [B,H,N,d]
  const mask = ctx.causal ? causalMask(N) : null; // [N*N] additive
  const {z, pattern} = attentionCore(qs, k, v, ctx.cache !== undefined, mask, false); // [B,H,N,d], [B,H,N,N]
  if (ctx.cache) {
    const raw = tf.matMul(qs, k, false, true); // [B,H,N,N]
    record(ctx, "hook_attn_scores", mask ? raw.add(tf.tensor2d(mask, [N, N])) : raw); // [B,H,N,N]
    record(ctx, "hook_pattern", pattern as tf.Tensor4D); // [B,H,N,N], rows sum to 1
  }
  return mergeHeads(ctx, z); // [B,N,D]
};
