// Pieces shared by the three attention layers: per-head projections, the head-axis mix, the output
// projection and the activation cache. Only reshape / transpose / matMul (no einsum, no gather),
// so every op has a gradient on every TF.js backend.
import * as tf from "@tensorflow/tfjs";
import {addBias, thinProductTN} from "./hostSums.js";
import {fusedAttention, groupRows, type AttentionKernel, type RowLayout} from "./fusedAttention.js";
import {floats, tensorOf} from "./tensorData.js";
import type {SharedShape} from "./config.js";

/**
 * a [M,K] · b [K,N] → [M,N] with the gradient da = dy · bᵀ, db = aᵀ · dy. With the fused attention kernel
 * installed, the three products run on its register tiles (productNN, productTN: the same sums as XNNPACK's
 * in the same order, equal bits in the tests, 10–20% faster at these shapes with the copies); the product and
 * da need N, K multiples of 4. Otherwise TF.js's products with explicit transposes: TF.js's own matMul
 * gradient uses the transposeA/transposeB flags, which the wasm backend runs about 10× slower than a
 * Transpose followed by a plain product (measured on [2304,256]ᵀ·[2304,64]: 38 ms vs 3.5 ms). On the kernel
 * the weight gradient aᵀ·dy needs no transpose and no repacking of dy, which XNNPACK does for a fresh
 * right-hand operand (11 ms for IHA's [18432,64] dy, 1.0 ms on the kernel, copies included); without it, the
 * thinner of a [M,K] and dy [M,N] is transposed (the wasm Transpose is slow). With one or two columns on
 * either side it is summed in float64 (thinProductTN, on the kernel when one is installed). Used for every 2-D
 * product in the trained path.
 */
export const matMul2d = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  const [M, K] = a.shape;
  const N = b.shape[1];
  return {
    value: kernel && N % 4 === 0 ? kernel.tensor(kernel.productNN(floats(a), floats(b), M, K, N), [M, N]) : tf.matMul(a, b), // [M,N]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      if (kernel && K % 4 === 0 && N % 4 === 0) {
        const g = kernel.productGrads(floats(sa), floats(sb), floats(dy), M, K, N, false); // [M,K], [K,N]
        return [kernel.tensor(g.da, [M, K]), kernel.tensor(g.db, [K, N])];
      }
      const da = tf.matMul(dy, sb.transpose()); // [M,N]·[N,K] → [M,K]
      const db =
        Math.min(K, N) <= 2
          ? kernel
            ? kernel.tensor(kernel.thinProductTN(floats(sa), floats(dy), M, K, N), [K, N]) // the same float64 sums, vectorised
            : thinProductTN(sa, dy) // on the host: XNNPACK would repack the wide operand for two columns' worth of work
          : K <= N
            ? tf.matMul(sa.transpose(), dy)
            : tf.matMul(dy.transpose(), sa).transpose(); // [K,N], thinner one transposed
      return [da, db];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/**
 * a [M,K] · W [K,N] + bias (N entries, any shape) on the kernel, in one op: the bias added to each finished sum
 * (productNN), and its gradient, the float64 column sums of dy, taken in the same call as da and dW.
 */
const linearOnKernel = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, W, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.GradSaveFunc];
  save([a, W]);
  const [M, K] = a.shape;
  const N = W.shape[1];
  return {
    value: kernel!.tensor(kernel!.productNN(floats(a), floats(W), M, K, N, floats(bias)), [M, N]), // [M,N]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sW] = saved;
      const g = kernel!.productGrads(floats(sa), floats(sW), floats(dy), M, K, N, true);
      return [kernel!.tensor(g.da, [M, K]), kernel!.tensor(g.db, [K, N]), kernel!.tensor(g.dbias!, bias.shape)];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, W: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D;

/**
 * a [M,K] · W [K,N] + bias (N entries, any shape, added along the last axis): one op on the kernel when one is
 * installed and K, N are multiples of 4; otherwise matMul2d, then addBias (the same sums).
 */
export function linear(a: tf.Tensor, W: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  if (kernel && a.shape[1]! % 4 === 0 && W.shape[1]! % 4 === 0) return linearOnKernel(a, W, bias); // [M,N]
  return addBias(matMul2d(a, W), bias) as tf.Tensor2D; // [M,N]
}

/** Named activations of one forward pass (TransformerLens-style hook names). */
export type Cache = Record<string, tf.Tensor>;

/** What an attention layer needs: its config, its parameters and an optional cache to fill. */
export interface AttnContext {
  cfg: SharedShape;
  /** parameter of this layer's attention by short name, e.g. "W_Q" → blocks.0.attn.W_Q */
  param: (name: string) => tf.Tensor;
  /** hook name prefix, e.g. "blocks.0.attn." */
  prefix: string;
  cache?: Cache;
  /** causal attention: token n attends only to tokens n' ≤ n (the LM); absent or false: bidirectional */
  causal?: boolean;
}

/** An attention layer: normalised residual [B,N,D] in, attention output [B,N,D] out. */
export type AttentionFn = (ctx: AttnContext, x: tf.Tensor3D) => tf.Tensor3D;

/** Stores an activation under `prefix + name` when a cache is being recorded. */
export function record(ctx: AttnContext, name: string, t: tf.Tensor): void {
  if (ctx.cache) ctx.cache[ctx.prefix + name] = t;
}

/** 1/√d_head, the logit scale of every architecture. */
export function logitScale(cfg: SharedShape): number {
  return 1 / Math.sqrt(cfg.d_head);
}

/** What a masked score gets before the softmax: exp(score + MASKED − max) is exactly 0 in float32. */
export const MASKED = -1e9;

/**
 * Additive causal mask over N tokens with P (pseudo-)positions each, [N·P, N·P] row-major: entry
 * (n·P + p, n'·P + q) is 0 when n' ≤ n and MASKED otherwise (P = 1: the usual token-level mask; IHA's
 * pseudo-query (n,p) sees every pseudo-key of tokens up to n, all copies q included).
 */
export function causalMask(N: number, P = 1): Float32Array {
  const S = N * P;
  const mask = new Float32Array(S * S); // [NP, NP]
  for (let v = 0; v < S; v++) {
    const n = Math.floor(v / P);
    for (let w = (n + 1) * P; w < S; w++) mask[v * S + w] = MASKED;
  }
  return mask;
}

/**
 * x [B,N,D] · W [H,D,d] (+ b [H,d]) per head, one product for all heads: [B·N, H·d] with column h·d + c
 * (the TransformerLens layout [B,N,H,d]), or with `headsLast` [B·N, d·H] with column c·H + h (rows
 * (b, n, c) of [B·N·d, H]: what IHA's α mixes multiply from the left). Same products, columns reordered.
 */
export function projectHeads(x: tf.Tensor3D, W: tf.Tensor, b: tf.Tensor | null, headsLast = false): tf.Tensor2D {
  const [B, N, D] = x.shape;
  const [H, , d] = W.shape;
  const Wflat = W.transpose(headsLast ? [1, 2, 0] : [1, 0, 2]).reshape([D, H * d]); // [D, H*d]
  if (!b) return matMul2d(x.reshape([B * N, D]), Wflat); // [B*N, H*d]
  return linear(x.reshape([B * N, D]), Wflat, headsLast ? b.transpose() : b); // [B*N, H*d] + bias in the same column order
}

/** [B,N,H,d] → [B,H,N,d], the layout of the TF.js attention cores. */
export function headsFirst(t: tf.Tensor4D): tf.Tensor4D {
  return t.transpose([0, 2, 1, 3]); // [B,H,N,d]
}

/** Queries, keys and values of every head, [B,N,H,d] each (keys have no bias: q·b_K is constant over keys). */
export function projectQKV(ctx: AttnContext, x: tf.Tensor3D): {q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D} {
  const [B, N] = x.shape;
  const shape = (t: tf.Tensor2D) => t.reshape([B, N, ctx.cfg.n_heads, ctx.cfg.d_head]) as tf.Tensor4D; // [B,N,H,d]
  const q = shape(projectHeads(x, ctx.param("W_Q"), ctx.param("b_Q"))); // [B,N,H,d]
  const k = shape(projectHeads(x, ctx.param("W_K"), null)); // [B,N,H,d]
  const v = shape(projectHeads(x, ctx.param("W_V"), ctx.param("b_V"))); // [B,N,H,d]
  record(ctx, "hook_q", q);
  record(ctx, "hook_k", k);
  record(ctx, "hook_v", v);
  return {q, k, v};
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
  const zt = z.transpose([0, 2, 1, 3]) as tf.Tensor4D; // [B,N,H,d]
  record(ctx, "hook_z", zt);
  return outputProjection(ctx, zt, zt.shape[0], zt.shape[1]); // [B,N,D]
}

/**
 * Concatenated heads · W_O + b_O → [B,N,D], from z [B,N,H,d] (the TransformerLens layout), or with
 * `headsLast` from z [B·N·d, H] (row (b, n, c), column h; W_O's rows taken in the order c·H + h).
 */
export function outputProjection(ctx: AttnContext, z: tf.Tensor, B: number, N: number, headsLast = false): tf.Tensor3D {
  const {n_heads: H, d_head: d, d_model: D} = ctx.cfg;
  const WO = (headsLast ? ctx.param("W_O").transpose([1, 0, 2]) : ctx.param("W_O")).reshape([H * d, D]); // [H*d, D]
  return linear(z.reshape([B * N, H * d]), WO, ctx.param("b_O")).reshape([B, N, D]) as tf.Tensor3D; // [B,N,D]
}

// ---------------------------------------------------------------------------------------------------
// Attention core Z = softmax(Q Kᵀ) V per head. Three ways to run the same maths, fastest first:
// - the fused kernel (fusedAttention.ts, WebAssembly SIMD) when one is installed with setAttentionKernel
//   (training, loaders, tests and benchmarks in Node install it: src/data/kernels.ts);
// - without it, on the wasm backend, per (batch, head) group with TF.js ops (below), for large maps;
// - otherwise batched TF.js ops (other backends, and small maps where per-group dispatch costs more).
//
// TF.js's wasm BatchMatMul sends every product with a batch dimension > 1 (or a transpose flag) to a
// scalar triple loop (~1 GFLOP/s); only 2-D products reach XNNPACK (~15–30 GFLOP/s). Full-size
// element-wise passes over IHA's [B,H,NP,NP] maps (42 M floats at the full preset) also run from
// main memory, ~8× slower than on an L2-resident [NP,NP] block. So on wasm the core loops over the
// G = B·H (batch, head) groups and runs each group's 2-D products, softmax and softmax gradient on
// blocks that stay in cache, with a hand-written gradient. Other backends keep the batched ops.

let kernel: AttentionKernel | null = null;

/** Installs (or removes, with null) the fused attention kernel used by attentionCore. */
export function setAttentionKernel(k: AttentionKernel | null): void {
  kernel = k;
}

/** The installed kernel, or null (for the other products it runs: effective.ts). */
export function attentionKernel(): AttentionKernel | null {
  return kernel;
}

/** The three ways to run the attention core (see above). */
export type CoreMode = "fused" | "perGroup" | "batched";

let coreOverride: CoreMode | null = null;

/** Forces one way to run the core (null: the fastest available); for benchmarks and tests. */
export function setAttentionCore(mode: CoreMode | null): void {
  coreOverride = mode;
}

function coreMode(perGroup: boolean): CoreMode {
  if (coreOverride === "fused" && !kernel) throw new Error("the fused attention core was forced, but no kernel is installed");
  if (coreOverride) return coreOverride;
  if (kernel) return "fused";
  return perGroup && tf.getBackend() === "wasm" ? "perGroup" : "batched";
}

/** Row g of a [G, R, C] array as an [R, C] tensor. */
function groupTensor(data: Float32Array, g: number, rows: number, cols: number): tf.Tensor2D {
  const size = rows * cols;
  return tf.tensor2d(data.subarray(g * size, (g + 1) * size), [rows, cols]); // [rows, cols]
}

/** Stacks G tensors [R, C] into [G, R, C] and frees them. */
function stackGroups(parts: tf.Tensor[]): tf.Tensor3D {
  const out = tf.stack(parts) as tf.Tensor3D; // [G, R, C]
  for (const t of parts) t.dispose();
  return out;
}

/**
 * Forward pass of every group: A_g = softmax(q_g k_gᵀ + mask) [S,T], z_g = A_g v_g [S,d].
 * q [G,S,d] (already scaled), k, v [G,T,d], mask [S·T] additive or null. Returns z [G,S,d] and, when
 * kept, the G maps A_g.
 */
function groupsForward(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: Float32Array | null,
  keepMaps = true,
): {z: tf.Tensor3D; maps: tf.Tensor2D[]} {
  const [G, S, d] = q.shape;
  const T = k.shape[1];
  const maskT = mask ? tf.tensor2d(mask, [S, T]) : null; // [S,T], additive
  const qd = q.dataSync() as Float32Array; // [G,S,d]
  const kd = k.dataSync() as Float32Array; // [G,T,d]
  const vd = v.dataSync() as Float32Array; // [G,T,d]
  const kT = new Float32Array(d * T); // [d,T], k_gᵀ (transposed here: a wasm Transpose of [G,T,d] is slow)
  const zs: tf.Tensor[] = [];
  const maps: tf.Tensor2D[] = [];
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < T; j++) for (let c = 0; c < d; c++) kT[c * T + j] = kd[(g * T + j) * d + c];
    const [a, z] = tf.tidy(() => {
      const raw = tf.matMul(groupTensor(qd, g, S, d), tf.tensor2d(kT, [d, T])); // [S,T]
      const scores = maskT ? raw.add(maskT) : raw; // [S,T]
      const a = tf.softmax(scores) as tf.Tensor2D; // [S,T], rows sum to 1, masked entries 0
      return [a, tf.matMul(a, groupTensor(vd, g, T, d))]; // [S,T], [S,d]
    });
    zs.push(z);
    if (keepMaps) maps.push(a);
    else a.dispose();
  }
  maskT?.dispose();
  return {z: stackGroups(zs), maps};
}

/**
 * Backward pass of every group, given the saved maps A_g and the output z:
 *   D = rowsum(dz ⊙ z) (= rowsum(dA ⊙ A), since dA = dz vᵀ and z = A v)
 *   dSᵀ = Aᵀ ⊙ (dA − D)ᵀ = Aᵀ ⊙ ([v, 1] · [dz, −D]ᵀ)        (the subtraction rides in the product)
 *   dk = dSᵀ q,  dv = Aᵀ dz,  dq = dS k
 * An additive mask in the forward pass changes nothing here: masked entries of A_g are 0, so are their dS.
 * Every product keeps a thin [·,d] operand on the right: XNNPACK repacks the right-hand operand on
 * every call, and repacking an [S,T] block costs more than transposing it.
 */
function groupsBackward(
  dz: tf.Tensor3D,
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  z: tf.Tensor3D,
  maps: tf.Tensor[],
): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const [G, S, d] = q.shape;
  const T = k.shape[1];
  const dzd = dz.dataSync() as Float32Array; // [G,S,d]
  const zd = z.dataSync() as Float32Array; // [G,S,d]
  const vd = v.dataSync() as Float32Array; // [G,T,d]
  const kd = k.dataSync() as Float32Array; // [G,T,d]
  const qd = q.dataSync() as Float32Array; // [G,S,d]
  const e = d + 1;
  const vAug = new Float32Array(T * e); // [T, d+1]: [v_g, 1]
  const dzAugT = new Float32Array(e * S); // [d+1, S]: [dz_gᵀ; −D_gᵀ]
  const dqs: tf.Tensor[] = [];
  const dks: tf.Tensor[] = [];
  const dvs: tf.Tensor[] = [];
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < S; i++) {
      const o = (g * S + i) * d;
      let D = 0;
      for (let c = 0; c < d; c++) {
        dzAugT[c * S + i] = dzd[o + c];
        D += dzd[o + c] * zd[o + c];
      }
      dzAugT[d * S + i] = -D;
    }
    for (let j = 0; j < T; j++) {
      const o = (g * T + j) * d;
      for (let c = 0; c < d; c++) vAug[j * e + c] = vd[o + c];
      vAug[j * e + d] = 1;
    }
    const a = maps[g]; // [S,T]
    const [dq, dk, dv] = tf.tidy(() => {
      const aT = a.transpose(); // [T,S]
      const dST = aT.mul(tf.matMul(tf.tensor2d(vAug, [T, e]), tf.tensor2d(dzAugT, [e, S]))); // [T,S]
      return [
        tf.matMul(dST.transpose(), groupTensor(kd, g, T, d)), // [S,T]·[T,d] → [S,d]
        tf.matMul(dST, groupTensor(qd, g, S, d)), // [T,S]·[S,d] → [T,d]
        tf.matMul(aT, groupTensor(dzd, g, S, d)), // [T,S]·[S,d] → [T,d]
      ];
    });
    a.dispose();
    dqs.push(dq);
    dks.push(dk);
    dvs.push(dv);
  }
  return [stackGroups(dqs), stackGroups(dks), stackGroups(dvs)]; // [G,S,d], [G,T,d], [G,T,d]
}

/** When set, groupAttention hands its maps A_g out here too (kept), for caches. */
let mapsOut: tf.Tensor2D[] | null = null;
/** The additive [S,T] mask of the groupAttention call in progress (a constant: it has no gradient). */
let maskIn: Float32Array | null = null;

/** z = softmax(q kᵀ + maskIn) v over groups [G,·,d] with the per-group forward and backward above. */
const groupAttention = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [q, k, v, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  const {z, maps} = groupsForward(q, k, v, maskIn);
  if (mapsOut) for (const m of maps) mapsOut.push(tf.keep(m));
  save([q, k, v, z, ...maps]);
  return {
    value: z, // [G,S,d]
    gradFunc: (dz: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sq, sk, sv, sz, ...smaps] = saved as tf.Tensor3D[];
      return groupsBackward(dz, sq, sk, sv, sz, smaps);
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor3D;

/**
 * Z = softmax(q kᵀ + mask) v per (batch, head): q [B,H,S,d] (the logit scale already applied), k, v [B,H,T,d],
 * optional additive mask [S·T] (e.g. causalMask) → z [B,H,S,d], and the map [B,H,S,T] when `withPattern`
 * (for caches). Same maths every way it runs (see above); `perGroup: false` keeps small maps batched when
 * no kernel is installed (per-group dispatch costs more than it saves there).
 */
export function attentionCore(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  withPattern: boolean,
  mask: Float32Array | null = null,
  perGroup = true,
): {z: tf.Tensor4D; pattern: tf.Tensor4D | null} {
  const [B, H, S, d] = q.shape;
  const T = k.shape[2];
  if (mask && mask.length !== S * T) throw new Error(`attention mask has ${mask.length} entries, expected ${S}×${T}`);
  const mode = coreMode(perGroup);
  if (mode === "fused") {
    const layouts = {q: groupRows(B * H, S, d), kv: groupRows(B * H, T, d), scale: 1};
    const out = fusedAttention(kernel!, q, k, v, mask, withPattern, layouts); // z [B,H,S,d]
    const pattern = out.pattern ? (out.pattern.reshape([B, H, S, T]) as tf.Tensor4D) : null; // [B,H,S,T]
    out.pattern?.dispose();
    return {z: out.z as tf.Tensor4D, pattern}; // [B,H,S,d]
  }
  if (mode === "batched") {
    const raw = tf.matMul(q, k, false, true); // [B,H,S,T]
    const scores = mask ? raw.add(tf.tensor2d(mask, [S, T])) : raw; // [B,H,S,T]
    const pattern = tf.softmax(scores) as tf.Tensor4D; // [B,H,S,T]
    return {z: tf.matMul(pattern, v) as tf.Tensor4D, pattern: withPattern ? pattern : null}; // [B,H,S,d]
  }
  const q3 = q.reshape([B * H, S, d]) as tf.Tensor3D; // [G,S,d]
  const k3 = k.reshape([B * H, T, d]) as tf.Tensor3D; // [G,T,d]
  const v3 = v.reshape([B * H, T, d]) as tf.Tensor3D; // [G,T,d]
  if (!withPattern && !tf.engine().isTapeOn()) {
    // inference (no gradient recorded, no cache): free each map as soon as it is used
    return {z: groupsForward(q3, k3, v3, mask, false).z.reshape([B, H, S, d]), pattern: null}; // [B,H,S,d]
  }
  const maps: tf.Tensor2D[] = [];
  mapsOut = withPattern ? maps : null;
  maskIn = mask;
  let z: tf.Tensor3D;
  try {
    z = groupAttention(q3, k3, v3); // [G,S,d]
  } finally {
    mapsOut = null;
    maskIn = null;
  }
  const pattern = withPattern ? (stackGroups(maps).reshape([B, H, S, T]) as tf.Tensor4D) : null; // [B,H,S,T]
  return {z: z.reshape([B, H, S, d]) as tf.Tensor4D, pattern}; // [B,H,S,d]
}

/** Whether the attention core runs on the fused kernel (one is installed and no other way is forced). */
export function coreIsFused(): boolean {
  return coreMode(true) === "fused";
}

/**
 * The same core run by the fused kernel straight on the layout a layer made its operands in: q (not yet
 * scaled; `scale` is applied inside), k and v as `layout` describes (fusedAttention.ts), z returned in q's
 * layout, so no transpose to [B,H,S,d] and back is made. Only while coreIsFused(); no maps (caches use
 * attentionCore).
 */
export function fusedCore(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, layout: RowLayout, scale: number, mask: Float32Array | null): tf.Tensor {
  if (!coreIsFused()) throw new Error("fusedCore needs the fused attention kernel (check coreIsFused first)");
  const S = layout.N * layout.P;
  if (mask && mask.length !== S * S) throw new Error(`attention mask has ${mask.length} entries, expected ${S}×${S}`);
  return fusedAttention(kernel!, q, k, v, mask, false, {q: layout, kv: layout, scale}).z;
}
