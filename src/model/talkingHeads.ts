// Talking-Heads attention (Shazeer et al. 2020; docs/model.md) with h_k = h = h_v = H, unmasked:
//   J_h = Q_h K_hᵀ / √d,  L_h = Σ_g P_l[g,h] J_g,  W_h = softmax(L_h),  U_h = Σ_g P_w[g,h] W_g,  O_h = U_h V_h.
// The scale comes before P_l (as in TF Model Garden).
import * as tf from "@tensorflow/tfjs";
import {headsFirst, logitScale, mergeHeads, mixHeads, projectQKV, record, type AttentionFn} from "./attention.js";

export const talkingHeadsAttention: AttentionFn = (ctx, x) => {
  const heads = projectQKV(ctx, x); // [B,N,H,d] each
  const [q, k, v] = [heads.q, heads.k, heads.v].map(headsFirst); // [B,H,N,d] each
  const scores = tf.matMul(q.mul(logitScale(ctx.cfg)), k, false, true) as tf.Tensor4D; // [B,H,N,N] J
  const mixLogits = mixHeads(scores, ctx.param("P_l")); // [B,H,N,N] L
  const pattern = tf.softmax(mixLogits) as tf.Tensor4D; // [B,H,N,N] W, rows sum to 1
  const mixWeights = mixHeads(pattern, ctx.param("P_w")); // [B,H,N,N] U, rows sum to Σ_g P_w[g,h]
  const z = tf.matMul(mixWeights, v) as tf.Tensor4D; // [B,H,N,d]
  record(ctx, "hook_attn_scores", scores);
  record(ctx, "hook_mix_logits", mixLogits);
  record(ctx, "hook_pattern", pattern);
  record(ctx, "hook_mix_weights", mixWeights);
  return mergeHeads(ctx, z); // [B,N,D]
};
