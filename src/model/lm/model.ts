// The attention-only causal LM: token embedding W_E + positional embedding W_pos → n_layers blocks
// x + attn(ln1(x)) with the causal mask (the relation model's attention layers, shared) → final LN →
// unembed W_U, one logit per vocabulary entry. lmForward() trains (no cache); runLmWithCache() returns
// every hooked activation under the relation model's hook names (docs/model.md, "Language model").
import * as tf from "@tensorflow/tfjs";
import {matMul2d, type Cache} from "../attention.js";
import {addBias} from "../hostSums.js";
import {validateLmConfig, type LmConfig} from "./config.js";
import {attentionSublayer, getParam, layerNorm, put} from "../model.js";
import type {Params} from "../params.js";

/** x[b, n] = W_E[token] + W_pos[n], as one-hot matmuls (tf.gather has no gradient on wasm). */
export function lmEmbed(params: Params, cfg: LmConfig, tokens: tf.Tensor2D, cache?: Cache): tf.Tensor3D {
  const [B, N] = tokens.shape;
  const D = cfg.d_model;
  const tokenOneHot = tf.oneHot(tokens.reshape([B * N]), cfg.d_vocab).toFloat(); // [B*N, V]
  const xTok = matMul2d(tokenOneHot, getParam(params, "embed.W_E")).reshape([B, N, D]) as tf.Tensor3D; // [B,N,D]
  const positions = tf.eye(N, cfg.n_ctx); // [N, n_ctx], row n is the one-hot of position n
  const xPos = matMul2d(positions, getParam(params, "pos_embed.W_pos")); // [N,D]
  put(cache, "hook_embed", xTok);
  put(cache, "hook_pos_embed", xPos.expandDims(0).tile([B, 1, 1])); // [B,N,D]
  return xTok.add(xPos) as tf.Tensor3D; // [B,N,D]
}

/** Throws unless every token id is in [0, d_vocab) and the sequence fits n_ctx. */
export function checkTokens(tokens: ArrayLike<number>, N: number, cfg: LmConfig): void {
  if (N < 1 || N > cfg.n_ctx) throw new Error(`sequences have ${N} tokens, the model takes 1 … n_ctx = ${cfg.n_ctx}`);
  if (tokens.length % N !== 0) throw new Error(`${tokens.length} token ids are not a whole number of ${N}-token sequences`);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!Number.isInteger(t) || t < 0 || t >= cfg.d_vocab) {
      throw new Error(`token id ${t} at index ${i} is outside the vocabulary [0, ${cfg.d_vocab})`);
    }
  }
}

/** Token ids Int32 [B*N] → int32 tensor [B,N] (checked). */
export function tokensTensor(tokens: Int32Array, N: number, cfg: LmConfig): tf.Tensor2D {
  checkTokens(tokens, N, cfg);
  return tf.tensor2d(tokens, [tokens.length / N, N], "int32"); // [B,N]
}

/**
 * Next-token logits [B,N,V] for token ids [B,N] (int32): logits[b, n] predicts token n + 1. Fills `cache`
 * when one is given. Not tidied: call inside tf.tidy / tf.variableGrads.
 */
export function lmForward(params: Params, cfg: LmConfig, tokens: tf.Tensor2D, cache?: Cache): tf.Tensor3D {
  validateLmConfig(cfg);
  const [B, N] = tokens.shape;
  if (N > cfg.n_ctx) throw new Error(`sequences have ${N} tokens, more than n_ctx = ${cfg.n_ctx}`);
  let x = lmEmbed(params, cfg, tokens, cache); // [B,N,D]
  for (let l = 0; l < cfg.n_layers; l++) {
    x = attentionSublayer(params, cfg, l, x, cache, true); // [B,N,D]
    put(cache, `blocks.${l}.hook_resid_post`, x);
  }
  const xf = layerNorm(x, getParam(params, "ln_final.w"), getParam(params, "ln_final.b")); // [B,N,D]
  put(cache, "ln_final.hook_normalized", xf);
  const logits = addBias(matMul2d(xf.reshape([B * N, cfg.d_model]), getParam(params, "unembed.W_U")), getParam(params, "unembed.b_U")) // [B*N, V]
    .reshape([B, N, cfg.d_vocab]) as tf.Tensor3D; // [B,N,V]
  put(cache, "hook_logits", logits);
  return logits;
}

/**
 * Mean next-token cross-entropy over positions 0 … N−2 (position n predicts token n + 1):
 * mean −log softmax(logits[b, n])[tokens[b, n + 1]].
 */
export function nextTokenLoss(logits: tf.Tensor3D, tokens: tf.Tensor2D): tf.Scalar {
  const [B, N, V] = logits.shape;
  const pred = logits.slice([0, 0, 0], [B, N - 1, V]).reshape([B * (N - 1), V]); // [B*(N−1), V]
  const target = tf.oneHot(tokens.slice([0, 1], [B, N - 1]).reshape([B * (N - 1)]), V).toFloat(); // [B*(N−1), V]
  return tf.logSoftmax(pred).mul(target).sum(-1).mean().neg() as tf.Scalar; // []
}

/** Forward pass keeping every hooked activation (free them with disposeCache from model.ts). */
export function runLmWithCache(params: Params, cfg: LmConfig, tokens: Int32Array, N: number): {logits: tf.Tensor3D; cache: Cache} {
  return tf.tidy(() => {
    const cache: Cache = {};
    const logits = lmForward(params, cfg, tokensTensor(tokens, N, cfg), cache); // [B,N,V]
    return {logits, cache};
  });
}
