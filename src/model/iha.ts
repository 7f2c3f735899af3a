// Interleaved Head Attention (Duvvuri, Ekbote et al. 2026; docs/model.md), global collapse R; unmasked, or
// causal at token level (ctx.causal: pseudo-query (n,p) sees pseudo-key (n',q) iff n' ≤ n).
//   Q̃_{h,p} = Σ_m α^Q[m,h,p] Q_m   (same for K̃ with α^K, Ṽ with α^V)       each [N, d]
//   interleave token-major: virtual index v = n·P + p                      Q̄_h, K̄_h, V̄_h ∈ [N·P, d]
//   Ā_h = softmax(Q̄_h K̄_hᵀ / √d) over all N·P keys, Ō_h = Ā_h V̄_h
//   de-interleave Ō_h into Pout_{h,p} [N, d];  O_i = Σ_{i',p} R[i, i'·P + p] · Pout_{i',p}
//   Y = [O_1 … O_H] W_O + b_O
import * as tf from "@tensorflow/tfjs";
import {attentionCore, causalMask, coreIsFused, fusedCore, headsFirst, logitScale, matMul2d, mergeHeads, outputProjection, projectHeads, projectQKV, record, type AttentionFn, type AttnContext} from "./attention.js";
import {pseudoRows} from "./fusedAttention.js";

/**
 * Pseudo-tokens of one kind, interleaved: x [B,H,N,d] and α [H(source m), H(target h), P] →
 * [B,H,N·P,d] with row n·P + p of head h = Σ_m α[m,h,p] x[:, m, n].
 */
export function pseudoInterleave(x: tf.Tensor4D, alpha: tf.Tensor): tf.Tensor4D {
  const [B, H, N, d] = x.shape;
  const P = alpha.shape[2] as number;
  const flat = x.transpose([0, 2, 3, 1]).reshape([B * N * d, H]); // [B*N*d, H(m)]
  return matMul2d(flat, alpha.reshape([H, H * P])) // [B*N*d, H*P], column h*P + p
    .reshape([B, N, d, H, P]) // [B,N,d,H,P]
    .transpose([0, 3, 1, 4, 2]) // [B,H,N,P,d]
    .reshape([B, H, N * P, d]); // [B,H,N*P,d], virtual index n*P + p
}

/** De-interleave and collapse: Ō [B,H,N·P,d], R [H, H·P] → O [B,H,N,d], O_i = Σ_{i',p} R[i,i'P+p] Pout_{i',p}. */
export function collapse(zbar: tf.Tensor4D, R: tf.Tensor, P: number): tf.Tensor4D {
  const [B, H, NP, d] = zbar.shape;
  const N = NP / P;
  const flat = zbar
    .reshape([B, H, N, P, d]) // [B,H(i'),N,P,d]
    .transpose([0, 2, 4, 1, 3]) // [B,N,d,H(i'),P]
    .reshape([B * N * d, H * P]); // [B*N*d, H*P], column i'*P + p
  return matMul2d(flat, R.transpose()) // [B*N*d, H(i)]
    .reshape([B, N, d, H]) // [B,N,d,H]
    .transpose([0, 3, 1, 2]); // [B,H,N,d]
}

/** Token view of the pseudo pattern: T_h[n,n'] = (1/P) Σ_p Σ_q Ā_h[(n,p),(n',q)]; [B,H,NP,NP] → [B,H,N,N]. */
export function tokenReduce(pseudoPattern: tf.Tensor4D, P: number): tf.Tensor4D {
  const [B, H, NP] = pseudoPattern.shape;
  const N = NP / P;
  return pseudoPattern
    .reshape([B * H, N, P, N, P]) // [B*H, N(query), P(p), N(key), P(q)]
    .sum(4) // [B*H, N, P, N], mass on each key token
    .mean(2) // [B*H, N, N], mean over the query's P copies
    .reshape([B, H, N, N]); // [B,H,N,N]
}

export const ihaAttention: AttentionFn = (ctx, x) => (!ctx.cache && coreIsFused() ? ihaFused(ctx, x) : ihaLayers(ctx, x));

/**
 * The layer as written above, in the TF.js cores' layout [B,H,·,d] (pseudoInterleave, attentionCore,
 * collapse): what caches record (hook_pseudo_*), and what runs when the fused kernel does not.
 */
function ihaLayers(ctx: AttnContext, x: tf.Tensor3D): tf.Tensor3D {
  const P = ctx.cfg.n_pseudo;
  const heads = projectQKV(ctx, x); // [B,N,H,d] each
  const [q, k, v] = [heads.q, heads.k, heads.v].map(headsFirst); // [B,H,N,d] each
  const qbar = pseudoInterleave(q, ctx.param("alpha_Q")); // [B,H,NP,d]
  const kbar = pseudoInterleave(k, ctx.param("alpha_K")); // [B,H,NP,d]
  const vbar = pseudoInterleave(v, ctx.param("alpha_V")); // [B,H,NP,d]
  // Ā = softmax(s·Q̄ K̄ᵀ + M) [B,H,NP,NP] (materialised only for a cache), Ō = Ā V̄
  const mask = ctx.causal ? causalMask(q.shape[2], P) : null; // [NP*NP] additive
  const core = attentionCore(qbar.mul(logitScale(ctx.cfg)), kbar, vbar, ctx.cache !== undefined, mask);
  const zbar = core.z; // [B,H,NP,d]
  const z = collapse(zbar, ctx.param("R"), P); // [B,H,N,d]
  if (ctx.cache) {
    const pseudoPattern = core.pattern as tf.Tensor4D; // [B,H,NP,NP], rows sum to 1
    record(ctx, "hook_pseudo_q", qbar);
    record(ctx, "hook_pseudo_k", kbar);
    record(ctx, "hook_pseudo_v", vbar);
    record(ctx, "hook_pseudo_pattern", pseudoPattern);
    record(ctx, "hook_pseudo_z", zbar);
    record(ctx, "hook_pattern", tokenReduce(pseudoPattern, P)); // [B,H,N,N]
  }
  return mergeHeads(ctx, z); // [B,N,D]
}

/**
 * The same products in the layout the α mixes make, for the fused kernel (training and evaluation): the
 * projections come out as [B·N·d, H] (row (b,n,c), column m), the mixes as [B·N·d, H·P] (column h·P + p),
 * which the kernel reads as pseudo-tokens n·P + p of head h and writes Ō back into; the collapse
 * multiplies that by Rᵀ into [B·N·d, H], which W_O takes with its rows reordered. None of
 * pseudoInterleave's and collapse's transposes are made.
 */
function ihaFused(ctx: AttnContext, x: tf.Tensor3D): tf.Tensor3D {
  const [B, N] = x.shape;
  const {n_heads: H, d_head: d, n_pseudo: P} = ctx.cfg;
  const mix = (W: string, b: string | null, alpha: string) =>
    matMul2d(
      projectHeads(x, ctx.param(W), b ? ctx.param(b) : null, true).reshape([B * N * d, H]), // [B*N*d, H(m)]
      ctx.param(alpha).reshape([H, H * P]), // [H(m), H*P]
    ); // [B*N*d, H*P], column h*P + p
  const mask = ctx.causal ? causalMask(N, P) : null; // [NP*NP] additive
  const layout = pseudoRows(B, N, d, H, P);
  const zbar = fusedCore(mix("W_Q", "b_Q", "alpha_Q"), mix("W_K", null, "alpha_K"), mix("W_V", "b_V", "alpha_V"), layout, logitScale(ctx.cfg), mask); // [B*N*d, H*P]
  const z = matMul2d(zbar, ctx.param("R").transpose()); // [B*N*d, H(i)], O_i
  return outputProjection(ctx, z, B, N, true); // [B,N,D]
}
