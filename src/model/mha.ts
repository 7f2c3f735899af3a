// Standard multi-head attention (docs/model.md): A_h = softmax(Q_h K_hᵀ / √d + M), O_h = A_h V_h, with
// M = 0 (bidirectional, the relation model) or the additive causal mask (ctx.causal, the LM).
import * as tf from "@tensorflow/tfjs";
import {causalMask, logitScale, mergeHeads, projectQKV, record, type AttentionFn} from "./attention.js";

export const mhaAttention: AttentionFn = (ctx, x) => {
  const {q, k, v} = projectQKV(ctx, x); // [B,H,N,d] each
  const N = q.shape[2];
  const raw = tf.matMul(q.mul(logitScale(ctx.cfg)), k, false, true) as tf.Tensor4D; // [B,H,N,N]
  const scores = ctx.causal ? (raw.add(tf.tensor2d(causalMask(N), [N, N])) as tf.Tensor4D) : raw; // [B,H,N,N]
  const pattern = tf.softmax(scores) as tf.Tensor4D; // [B,H,N,N], rows sum to 1
  const z = tf.matMul(pattern, v) as tf.Tensor4D; // [B,H,N,d]
  record(ctx, "hook_attn_scores", scores);
  record(ctx, "hook_pattern", pattern);
  return mergeHeads(ctx, z); // [B,N,D]
};
