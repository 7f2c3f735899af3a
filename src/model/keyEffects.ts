// Key-level causal check (docs/effective-maps.md, "Removing one key"): for head h, query token n and key
// token j, key j is masked (score −∞, the softmax renormalised over the other keys) in every attention row
// that head h's output reads, and only in those; every other head and query is left as it was.
//   MHA  head h's own row A_h[n]                         O_h = A_h V_h
//   TH   every W_g[n] as mixed into head h by P_w[·,h]   O_h = Σ_g P_w[g,h] W_g V_h
//   IHA  every pseudo-row Ā_{h'}[(n,p)] that R collapses into output head h, with all P copies (j,q) of
//        token j masked                                 O_h = Σ_{h',p} R[h,h'P+p] Σ_{(n',q)} Ā_{h'}[(n,p),(n',q)] V̄_{h'}[(n',q)]
// Masking one key of a row y = Σ_k a_k v_k whose keys of token j carry mass m_j and value sum x_j = Σ_{k∈j} a_k v_k
// gives y' = (y − x_j)/(1 − m_j), so Δy = (m_j y − x_j)/(1 − m_j), with 1 − m_j summed from the other keys'
// masses (no cancellation when m_j ≈ 1). Measured per (h, n, j):
//   head_output  ‖Δ_h(j) W_O^(h)‖, what the head writes to the residual stream changes by this much
//   logit        |logit'[n] − logit[n]|, the model's logit for the query cell (last layer only: the rest of the
//                model is then position-wise, MLP + final LN + unembedding, run on the changed residual row)
import * as tf from "@tensorflow/tfjs";
import type {ModelConfig} from "./config.js";
import type {Cache} from "./attention.js";
import {forwardFromMid, getParam} from "./model.js";
import type {Params} from "./params.js";

/** Queries per slice of the logit pass: each query adds H·N + 1 rows through the MLP. */
export const KEY_EFFECT_CHUNK = 32;

/** One query of a cached batch: the sample's index in the batch and the query token. */
export interface QueryRef {
  sample: number;
  query: number;
}

/** Effects of removing each key, [Q, H, N] row-major: data[(q·H + h)·N + j]. */
export interface KeyEffects {
  /** ‖Δ_h(j) W_O^(h)‖ */
  head_output: Float32Array;
  /** |Δ logit[n]|; null when `layer` is not the model's last */
  logit: Float32Array | null;
}

/** Host copy of a whole cached activation (one copy per batch: slicing per sample is slow on the wasm backend). */
function hostCache(cache: Cache, key: string): Float32Array {
  const t = cache[key];
  if (!t) throw new Error(`cache lacks ${key} (run runWithCache on this model first)`);
  return t.dataSync() as Float32Array;
}

/** Scratch buffers of maskedRowShifts, reused across calls of the same shape. */
let scratch = {mass: new Float64Array(0), before: new Float64Array(0), x: new Float64Array(0), y: new Float64Array(0)};

/**
 * Shift of one attention row's output when each key token is masked in turn: out[j·d + e] = Δy_j[e].
 * The row's weights over S = N·P key slots are row[start … start + S) (slot s belongs to token ⌊s/P⌋); the
 * value of slot s is values[base + s·stride … + d). A row whose whole mass is on token j (its other keys
 * underflowed to 0) outputs 0 when j is removed: Δy_j = −y.
 */
export function maskedRowShifts(
  row: Float32Array,
  start: number,
  N: number,
  P: number,
  values: Float32Array,
  base: number,
  stride: number,
  d: number,
  out: Float64Array = new Float64Array(N * d),
): Float64Array {
  if (scratch.mass.length !== N || scratch.y.length !== d) {
    scratch = {mass: new Float64Array(N), before: new Float64Array(N + 1), x: new Float64Array(N * d), y: new Float64Array(d)};
  }
  const {mass, before, x, y} = scratch; // [N], [N+1], [N,d] x_j, [d]
  mass.fill(0);
  x.fill(0);
  y.fill(0);
  for (let j = 0, s = 0; j < N; j++) {
    for (let q = 0; q < P; q++, s++) {
      const a = row[start + s];
      mass[j] += a;
      const v = base + s * stride;
      for (let e = 0; e < d; e++) x[j * d + e] += a * values[v + e];
    }
    for (let e = 0; e < d; e++) y[e] += x[j * d + e];
  }
  for (let j = 0; j < N; j++) before[j + 1] = before[j] + mass[j]; // before[j] = Σ_{t<j} m_t
  let after = 0; // Σ_{t>j} m_t
  for (let j = N - 1; j >= 0; j--) {
    const rest = before[j] + after;
    for (let e = 0; e < d; e++) out[j * d + e] = rest > 0 ? (mass[j] * y[e] - x[j * d + e]) / rest : -y[e];
    after += mass[j];
  }
  return out;
}

/** Host copy of a parameter. */
function hostParam(params: Params, name: string): Float32Array {
  return getParam(params, name).dataSync() as Float32Array;
}

/** Host arrays of one layer's cached batch: attention rows, values and the head mix. */
interface LayerData {
  /** MHA A / TH W: [B,H,N,N]; IHA Ā: [B,H,NP,NP] */
  pattern: Float32Array;
  /** MHA / TH hook_v: [B,N,H,d]; IHA hook_pseudo_v: [B,H,NP,d] */
  values: Float32Array;
  /** TH P_w [H,H]; IHA R [H,H·P]; MHA null */
  mix: Float32Array | null;
}

/** Δ_h(j) for every head and key of one query: [H, N, d], added into `out` at `offset`. */
function queryShifts(arch: ModelConfig["arch"], data: LayerData, dims: {H: number; N: number; P: number; d: number}, ref: QueryRef, out: Float32Array, offset: number): void {
  const {H, N, P, d} = dims;
  const S = N * P; // key slots per row
  const shifts = new Float64Array(N * d); // [N,d]
  const addScaled = (h: number, scale: number) => {
    const o = offset + h * N * d;
    for (let i = 0; i < N * d; i++) out[o + i] += scale * shifts[i];
  };
  if (arch === "iha") {
    const R = data.mix!; // [H, H*P]
    for (let h2 = 0; h2 < H; h2++) {
      for (let p = 0; p < P; p++) {
        const row = ((ref.sample * H + h2) * S + ref.query * P + p) * S; // Ā_{h'}[(n,p), :]
        maskedRowShifts(data.pattern, row, N, P, data.values, (ref.sample * H + h2) * S * d, d, d, shifts);
        for (let h = 0; h < H; h++) addScaled(h, R[h * H * P + h2 * P + p]);
      }
    }
    return;
  }
  // MHA / TH: the value of token n' for head h is hook_v[b, n', h, :]; rows A_h[n] (MHA) or W_g[n] (TH)
  const sources = arch === "talking_heads" ? H : 1;
  for (let h = 0; h < H; h++) {
    for (let s = 0; s < sources; s++) {
      const g = arch === "talking_heads" ? s : h;
      maskedRowShifts(data.pattern, ((ref.sample * H + g) * N + ref.query) * N, N, 1, data.values, ref.sample * N * H * d + h * d, H * d, d, shifts);
      addScaled(h, arch === "talking_heads" ? data.mix![g * H + h] : 1); // P_w[g,h]
    }
  }
}

/** Δ_h(j) for every query, head and key: [Q, H, N, d]. */
export function keyShifts(cache: Cache, params: Params, cfg: ModelConfig, layer: number, queries: readonly QueryRef[]): Float32Array {
  const {n_heads: H, d_head: d, arch} = cfg;
  const N = cfg.m * cfg.m;
  const P = arch === "iha" ? cfg.n_pseudo : 1;
  const pre = `blocks.${layer}.attn.`;
  const data: LayerData = {
    pattern: hostCache(cache, pre + (arch === "iha" ? "hook_pseudo_pattern" : "hook_pattern")),
    values: hostCache(cache, pre + (arch === "iha" ? "hook_pseudo_v" : "hook_v")),
    mix: arch === "iha" ? hostParam(params, pre + "R") : arch === "talking_heads" ? hostParam(params, pre + "P_w") : null,
  };
  const out = new Float32Array(queries.length * H * N * d); // [Q,H,N,d]
  queries.forEach((ref, q) => queryShifts(arch, data, {H, N, P, d}, ref, out, q * H * N * d));
  return out;
}

/** ‖x W_O^(h)‖ for every [Q,H,N,d] shift, through the d×d Gram matrices W_O^(h) W_O^(h)ᵀ. */
function projectedNorms(shifts: Float32Array, WO: Float32Array, H: number, N: number, d: number, D: number): Float32Array {
  const gram = new Float64Array(H * d * d); // [H,d,d]
  for (let h = 0; h < H; h++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let acc = 0;
        for (let c = 0; c < D; c++) acc += WO[(h * d + a) * D + c] * WO[(h * d + b) * D + c];
        gram[(h * d + a) * d + b] = acc;
      }
    }
  }
  const rows = shifts.length / d;
  const out = new Float32Array(rows); // [Q,H,N]
  for (let r = 0; r < rows; r++) {
    const h = Math.floor(r / N) % H;
    let sq = 0;
    for (let a = 0; a < d; a++) {
      let acc = 0;
      for (let b = 0; b < d; b++) acc += gram[(h * d + a) * d + b] * shifts[r * d + b];
      sq += shifts[r * d + a] * acc;
    }
    out[r] = Math.sqrt(Math.max(sq, 0)); // tiny negative rounding clamped
  }
  return out;
}

/**
 * |Δ logit| for every [Q,H,N] shift of the last layer: resid_mid[n] + Δ_h(j) W_O^(h) through the MLP, the
 * final LayerNorm and the unembedding, against the same pass on the unchanged row (so rounding cancels).
 */
function logitEffects(cache: Cache, params: Params, cfg: ModelConfig, layer: number, queries: readonly QueryRef[], shifts: Float32Array, chunk: number): Float32Array {
  const {n_heads: H, d_head: d, d_model: D} = cfg;
  const N = cfg.m * cfg.m;
  const out = new Float32Array(queries.length * H * N); // [Q,H,N]
  const mid = cache[`blocks.${layer}.hook_resid_mid`];
  if (!mid) throw new Error(`cache lacks blocks.${layer}.hook_resid_mid`);
  for (let start = 0; start < queries.length; start += chunk) {
    const part = queries.slice(start, start + chunk);
    const c = part.length;
    const effects = tf.tidy(() => {
      const index = tf.tensor1d(part.map((r) => r.sample * N + r.query), "int32"); // [c]
      const rows = tf.gather(mid.reshape([-1, D]), index); // [c,D]
      const delta = tf.tensor4d(shifts.subarray(start * H * N * d, (start + c) * H * N * d), [c, H, N, d]); // [c,H,N,d]
      const WO = getParam(params, `blocks.${layer}.attn.W_O`); // [H,d,D]
      const perHead = Array.from({length: H}, (_, h) =>
        tf.matMul(delta.slice([0, h], [c, 1]).reshape([c * N, d]), WO.slice([h], [1]).reshape([d, D])).reshape([c, 1, N, D]), // [c,1,N,D]
      );
      const changed = rows.reshape([c, 1, 1, D]).add(tf.concat(perHead, 1)).reshape([c, H * N, D]); // [c,H*N,D]
      const x = tf.concat([rows.reshape([c, 1, D]), changed], 1) as tf.Tensor3D; // [c,1+H*N,D], row 0 unchanged
      const logits = forwardFromMid(params, cfg, layer, x); // [c,1+H*N]
      const base = logits.slice([0, 0], [c, 1]); // [c,1]
      return logits.slice([0, 1], [c, H * N]).sub(base).abs().dataSync() as Float32Array; // [c,H*N]
    });
    out.set(effects, start * H * N);
  }
  return out;
}

/**
 * Effects of removing each key from each head's computation, for queries of a cached batch (the cache of
 * runWithCache on those samples, the same params). `logit` is measured only for the model's last layer.
 */
export function keyRemovalEffects(
  cache: Cache,
  params: Params,
  cfg: ModelConfig,
  layer: number,
  queries: readonly QueryRef[],
  chunk = KEY_EFFECT_CHUNK,
): KeyEffects {
  const {n_heads: H, d_head: d, d_model: D} = cfg;
  const N = cfg.m * cfg.m;
  const shifts = keyShifts(cache, params, cfg, layer, queries); // [Q,H,N,d]
  const WO = hostParam(params, `blocks.${layer}.attn.W_O`); // [H,d,D]
  return {
    head_output: projectedNorms(shifts, WO, H, N, d, D),
    logit: layer === cfg.n_layers - 1 ? logitEffects(cache, params, cfg, layer, queries, shifts, chunk) : null,
  };
}
