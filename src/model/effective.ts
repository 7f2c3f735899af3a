// Per-head N×N maps a reader can compare across architectures (docs/effective-maps.md):
//   raw        the cache's hook_pattern (MHA A_h, TH W_h, IHA token reduction T_h)
//   naive      IHA only: the top-left N×N slice of the N·P×N·P pseudo pattern, read as if it were N×N
//   effective  E_h[n,n'] = ‖c_h[n,n'] W_O^(h)‖ / Σ_j ‖c_h[n,j] W_O^(h)‖, with the exact decomposition
//              O_h[n] = Σ_n' c_h[n,n'] of head h's output (hook_z) into per-key-token contributions.
// Every map function returns a new tf.Tensor4D [B,H,N,N] that the caller owns (dispose it, or call inside
// tf.tidy); toHeadMaps() copies one to a plain row-major Float32Array for metrics and Arrow tables.
import * as tf from "@tensorflow/tfjs";
import type {MapKind} from "./vocabulary.js";
import type {AnyConfig} from "./lm/config.js";
import {attentionKernel, type Cache} from "./attention.js";
import {ihaContributionsFit} from "./fusedAttention.js";
import {floats} from "./tensorData.js";
import {paramShape} from "./params.js";
import type {ParamsOrWeights} from "./train.js";

/**
 * Samples per slice when effective maps are computed for a large batch. IHA's intermediate tensors are each
 * as large as the pseudo pattern (H·(N·P)² floats, 2.6 MB per sample at H = P = 8, N = 36); 25 samples kept
 * the whole B = 100 run ~0.85 GB below the unsliced peak at the same speed (docs/effective-maps.md).
 */
export const EFFECTIVE_CHUNK = 25;

/** A [B,H,N,N] stack of per-head maps as one row-major host array: data[((b·H + h)·N + n)·N + n']. */
export interface HeadMaps {
  shape: [number, number, number, number];
  data: Float32Array;
}

function cached(cache: Cache, layer: number, name: string): tf.Tensor {
  const key = `blocks.${layer}.attn.${name}`;
  const t = cache[key];
  if (!t) throw new Error(`cache lacks ${key} (run runWithCache on this model first)`);
  return t;
}

/** A parameter of the model as a tensor (new when built from plain weights; free it, or use tf.tidy). */
function param(weights: ParamsOrWeights, cfg: AnyConfig, name: string): tf.Tensor {
  const value = weights[name];
  if (!value) throw new Error(`weights lack parameter ${name}`);
  return value instanceof Float32Array ? tf.tensor(value, paramShape(cfg, name), "float32") : value;
}

function requireIha(cfg: AnyConfig, what: string): void {
  if (cfg.arch !== "iha") throw new Error(`${what} exists only for IHA, not for ${cfg.arch}`);
}

/**
 * Divides every row (last axis) by its sum; a row that sums to zero becomes zero. The zero test runs on
 * the [B,H,N,1] sums: divNoNan over the full maps broadcasts its test, and on the wasm backend that one
 * broadcast took 1.4 of the 3.0 ms a batch-1 pass of the full MHA model spent in kernels (measured).
 */
export function rowNormalise(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => x.mul(tf.divNoNan(1, x.sum(-1, true))) as tf.Tensor4D); // [B,H,N,N]·[B,H,N,1]
}

/** What a BertViz-style hook shows: hook_pattern (MHA A_h, TH W_h, IHA T_h), a copy the caller owns. */
export function rawMaps(cache: Cache, layer: number): tf.Tensor4D {
  return tf.clone(cached(cache, layer, "hook_pattern")) as tf.Tensor4D; // [B,H,N,N]
}

/**
 * IHA only, wrong on purpose: Ā_h[0:N, 0:N], the first N virtual rows and columns of the interleaved pattern
 * read as an N×N token map. Virtual index v belongs to token ⌊v/P⌋ and copy v mod P, so the slice covers only
 * tokens 0..N/P−1 and mislabels every key. Rows are left as sliced (they sum to < 1) unless `renormalise`.
 */
export function naiveMaps(cache: Cache, cfg: AnyConfig, layer: number, renormalise = false): tf.Tensor4D {
  requireIha(cfg, "the naive sliced map");
  return tf.tidy(() => {
    const pseudo = cached(cache, layer, "hook_pseudo_pattern"); // [B,H,NP,NP]
    const [B, H, NP] = pseudo.shape;
    const N = NP / cfg.n_pseudo; // tokens
    const sliced = pseudo.slice([0, 0, 0, 0], [B, H, N, N]) as tf.Tensor4D; // [B,H,N,N]
    return renormalise ? rowNormalise(sliced) : sliced;
  });
}

/** The coefficient tensor and the values it multiplies, for batch rows [start, start + size). */
interface LayerInputs {
  /** MHA A, TH U: [b,H,N,N]; IHA Ā: [b,H,NP,NP] */
  gamma: tf.Tensor4D;
  /** MHA/TH V: [b,H,N,d]; IHA Ṽ (pseudo values, interleaved): [b,H,NP,d] */
  values: tf.Tensor4D;
}

function layerInputs(cache: Cache, cfg: AnyConfig, layer: number, start: number, size: number): LayerInputs {
  const rows = <T extends tf.Tensor>(t: T) => t.slice([start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
  if (cfg.arch === "iha") {
    return {
      gamma: rows(cached(cache, layer, "hook_pseudo_pattern")), // [b,H,NP,NP]
      values: rows(cached(cache, layer, "hook_pseudo_v")), // [b,H,NP,d]
    };
  }
  const gammaName = cfg.arch === "talking_heads" ? "hook_mix_weights" : "hook_pattern";
  return {
    gamma: rows(cached(cache, layer, gammaName)), // [b,H,N,N]
    values: rows(cached(cache, layer, "hook_v")).transpose([0, 2, 1, 3]), // [b,N,H,d] → [b,H,N,d]
  };
}

/** MHA / TH: c_h[n,n'] = Γ_h[n,n'] · V_h[n']. */
function directContributions(gamma: tf.Tensor4D, values: tf.Tensor4D): tf.Tensor5D {
  return gamma.expandDims(4).mul(values.expandDims(2)) as tf.Tensor5D; // [b,H,N,N,1]·[b,H,1,N,d] → [b,H,N,N,d]
}

/**
 * IHA: c_h[n,n'] = Σ_{h'} Σ_p R[h, h'P+p] Σ_q Ā_{h'}[(n,p),(n',q)] Ṽ_{h',q}[n'].
 * First the per-(h', key token) sum over key copies q, then the collapse over (h', p) with R.
 * Transposes stay at rank ≤ 5: rank-6 transposes are ~10× slower on the wasm backend (measured).
 */
function ihaContributions(pseudo: tf.Tensor4D, pseudoV: tf.Tensor4D, R: tf.Tensor, P: number): tf.Tensor5D {
  const [b, H, NP, d] = pseudoV.shape;
  const N = NP / P;
  const kernel = attentionKernel();
  if (kernel && ihaContributionsFit(H, P, d)) {
    // the same two sums on the kernel, reading Ā and Ṽ as they are: TF.js runs the batched product below as a
    // scalar loop over [288, 8]·[8, 8] blocks (about 16 s of an IHA evaluation, docs/benchmarks.md)
    return tf.tensor5d(kernel.ihaContributions(floats(pseudo), floats(pseudoV), floats(R), b, H, N, P, d), [b, H, N, N, d]); // [b,H,N,N,d]
  }
  const perKey = pseudo
    .reshape([b * H, NP, N, P]) // [b*H', NP(query n,p), N(key n'), P(q)]
    .transpose([0, 2, 1, 3]) // [b*H', N(key), NP(query), P(q)]
    .reshape([b * H * N, NP, P]); // [b*H'*N', NP, P]
  const keyValues = pseudoV.reshape([b * H * N, P, d]); // [b*H'*N', P(q), d]
  const pseudoOut = tf.matMul(perKey, keyValues); // [b*H'*N', NP, d]: Σ_q Ā[(n,p),(n',q)] Ṽ[(n',q)]
  return pseudoOut
    .reshape([b, H, N * N, P, d]) // [b,H',N(key)*N(query),P(p),d]
    .transpose([0, 2, 4, 1, 3]) // [b,N'*N,d,H',P]
    .reshape([b * N * N * d, H * P]) // [b*N'*N*d, H'*P], column h'*P + p
    .matMul(R, false, true) // [b*N'*N*d, H(h)]
    .reshape([b, N, N, d, H]) // [b,N(key),N(query),d,H]
    .transpose([0, 4, 2, 1, 3]) as tf.Tensor5D; // [b,H,N(query),N(key),d]
}

function contributionsOf(inputs: LayerInputs, weights: ParamsOrWeights, cfg: AnyConfig, layer: number): tf.Tensor5D {
  if (cfg.arch !== "iha") return directContributions(inputs.gamma, inputs.values); // [b,H,N,N,d]
  const R = param(weights, cfg, `blocks.${layer}.attn.R`); // [H, H*P]
  return ihaContributions(inputs.gamma, inputs.values, R, cfg.n_pseudo); // [b,H,N,N,d]
}

/**
 * Per-key-token contributions to each head's output before W_O, c [B,H,N(query),N(key),d], with
 * Σ_{n'} c[b,h,n,n'] = hook_z[b,n,h] exactly (MHA Γ = A, TH Γ = U, IHA via Ā, Ṽ and R). Five-dimensional
 * and large for IHA: meant for tests and single samples; effectiveMaps slices the batch itself.
 */
export function contributions(cache: Cache, weights: ParamsOrWeights, cfg: AnyConfig, layer: number): tf.Tensor5D {
  return tf.tidy(() => {
    const B = cached(cache, layer, "hook_pattern").shape[0];
    return contributionsOf(layerInputs(cache, cfg, layer, 0, B), weights, cfg, layer); // [B,H,N,N,d]
  });
}

/**
 * ‖c_h[n,n'] W_O^(h)‖ for every (b, h, n, n'): [b,H,N,N,d] → [b,H,N,N]. Uses the d×d Gram matrix
 * W_O^(h) W_O^(h)ᵀ, ‖x W‖² = x (W Wᵀ) xᵀ, so no D-wide tensor is formed.
 */
function projectedNorms(c: tf.Tensor5D, WO: tf.Tensor): tf.Tensor4D {
  const [b, H, N, Nk, d] = c.shape;
  const gram = tf.matMul(WO, WO, false, true); // [H,d,D]·[H,D,d] → [H,d,d]
  const gramPerRow = gram.expandDims(0).tile([b, 1, 1, 1]).reshape([b * H, d, d]); // [b*H,d,d]
  const flat = c.reshape([b * H, N * Nk, d]); // [b*H, N*N', d]
  const squared = tf.matMul(flat, gramPerRow).mul(flat).sum(-1); // [b*H, N*N']
  return squared.relu().sqrt().reshape([b, H, N, Nk]) as tf.Tensor4D; // [b,H,N,N'], relu clamps tiny negative rounding
}

/**
 * Norm-based effective maps E [B,H,N,N] (rows sum to 1; an all-zero row, e.g. an ablated head, stays 0).
 * Works on the batch in slices of `chunk` samples to bound memory.
 */
export function effectiveMaps(
  cache: Cache,
  weights: ParamsOrWeights,
  cfg: AnyConfig,
  layer: number,
  chunk = EFFECTIVE_CHUNK,
): tf.Tensor4D {
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`chunk must be a positive integer, got ${chunk}`);
  const B = cached(cache, layer, "hook_pattern").shape[0];
  const WO = tf.tidy(() => param(weights, cfg, `blocks.${layer}.attn.W_O`).clone()); // [H,d,D]
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < B; start += chunk) {
      const size = Math.min(chunk, B - start);
      parts.push(
        tf.tidy(() => {
          const inputs = layerInputs(cache, cfg, layer, start, size);
          if (cfg.arch === "iha") return rowNormalise(projectedNorms(contributionsOf(inputs, weights, cfg, layer), WO)); // [b,H,N,N]
          // MHA / TH: c_h[n,n'] = Γ_h[n,n'] V_h[n'] is a number times a vector, so its norm factorises,
          // ‖c_h[n,n'] W_O^(h)‖ = |Γ_h[n,n']| · ‖V_h[n'] W_O^(h)‖, and the [b,H,N,N,d] tensor is never formed.
          const valueNorms = projectedNorms(inputs.values.expandDims(2) as tf.Tensor5D, WO); // [b,H,1,N]
          return rowNormalise(inputs.gamma.abs().mul(valueNorms)); // [b,H,N,N]
        }),
      );
    }
  } catch (error) {
    tf.dispose(parts);
    throw error;
  } finally {
    WO.dispose();
  }
  if (parts.length === 1) return parts[0]; // [B,H,N,N]
  const maps = tf.concat(parts, 0) as tf.Tensor4D; // [B,H,N,N]
  tf.dispose(parts);
  return maps;
}

/** One kind of per-head map of one layer, [B,H,N,N], owned by the caller. */
export function headMaps(
  kind: MapKind,
  cache: Cache,
  weights: ParamsOrWeights,
  cfg: AnyConfig,
  layer: number,
): tf.Tensor4D {
  switch (kind) {
    case "raw":
      return rawMaps(cache, layer);
    case "naive":
      return naiveMaps(cache, cfg, layer, false);
    case "naive_renorm":
      return naiveMaps(cache, cfg, layer, true);
    case "effective":
      return effectiveMaps(cache, weights, cfg, layer);
  }
}

/** Copies a [B,H,N,N] tensor to the host (the tensor is left alone). */
export function toHeadMaps(t: tf.Tensor4D): HeadMaps {
  const [B, H, N, Nk] = t.shape;
  if (N !== Nk) throw new Error(`per-head maps must be square, got ${N}×${Nk}`);
  return {shape: [B, H, N, Nk], data: Float32Array.from(t.dataSync())};
}

/** The query row `query` of every head of sample `sample`: H views of length N (QueryCell.maps). */
export function headRows(maps: HeadMaps, sample: number, query: number): Float32Array[] {
  const [B, H, N] = maps.shape;
  if (sample < 0 || sample >= B || query < 0 || query >= N) {
    throw new Error(`sample ${sample} / query ${query} outside [0, ${B}) × [0, ${N})`);
  }
  return Array.from({length: H}, (_, h) => {
    const offset = ((sample * H + h) * N + query) * N;
    return maps.data.subarray(offset, offset + N); // [N]
  });
}

/** The N×N map of one head of one sample as row views (for the head-pattern scores). */
export function headMap(maps: HeadMaps, sample: number, head: number): Float32Array[] {
  const [B, H, N] = maps.shape;
  if (sample < 0 || sample >= B || head < 0 || head >= H) {
    throw new Error(`sample ${sample} / head ${head} outside [0, ${B}) × [0, ${H})`);
  }
  const offset = (sample * H + head) * N * N;
  return Array.from({length: N}, (_, n) => maps.data.subarray(offset + n * N, offset + (n + 1) * N)); // [N][N]
}
