// Standard multi-head attention (docs/model.md): A_h = softmax(Q_h K_hᵀ / √d + M), O_h = A_h V_h, with
// M = 0 (bidirectional, the relation model) or the additive causal mask (ctx.causal, the LM).
import * as tf from "@tensorflow/tfjs";
import {attentionCore, causalMask, coreIsFused, fusedCore, headsFirst, logitScale, mergeHeads, outputProjection, projectQKV, record, type AttentionFn} from "./attention.js";
import {tokenRows} from "./fusedAttention.js";

export const mhaAttention: AttentionFn = (ctx, x) => {
  const {q, k, v} = projectQKV(ctx, x); // [B,N,H,d] each
  const [B, N, H, d] = q.shape;
  const mask = ctx.causal ? causalMask(N) : null; // [N*N] additive
  if (!ctx.cache && coreIsFused()) {
    // the fused kernel reads and writes the projections' layout [B,N,H,d] directly
    const z = fusedCore(q, k, v, tokenRows(B, N, H, d), logitScale(ctx.cfg), mask); // [B,N,H,d]
    return outputProjection(ctx, z, B, N); // [B,N,D]
  }
  const qs = headsFirst(q).mul(logitScale(ctx.cfg)) as tf.Tensor4D; // [B,H,N,d]
  const kh = headsFirst(k); // [B,H,N,d]
  const {z, pattern} = attentionCore(qs, kh, headsFirst(v), ctx.cache !== undefined, mask, false); // [B,H,N,d], [B,H,N,N]
  if (ctx.cache) {
    const raw = tf.matMul(qs, kh, false, true); // [B,H,N,N]
    record(ctx, "hook_attn_scores", mask ? raw.add(tf.tensor2d(mask, [N, N])) : raw); // [B,H,N,N]
    record(ctx, "hook_pattern", pattern as tf.Tensor4D); // [B,H,N,N], rows sum to 1
  }
  return mergeHeads(ctx, z); // [B,N,D]
};
