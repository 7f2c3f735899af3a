// Test-only slow reference: the forward pass of docs/model.md written as plain nested loops over one
// sample, straight from the equations (no TensorFlow, no reshapes). The batched TF.js implementation
// must agree with it.
import type {ModelConfig} from "../src/model/config.js";
import {LN_EPS} from "../src/model/config.js";
import type {Weights} from "../src/model/params.js";

type Mat = number[][];

export interface ReferenceLayer {
  /** [H][N][N]: MHA A, TH W (softmax of the mixed logits), IHA token view T */
  pattern: Mat[];
  /** TH only: [H][N][N] post-softmax mix U */
  mixWeights?: Mat[];
  /** IHA only: [H][NP][NP] attention over interleaved pseudo-tokens */
  pseudoPattern?: Mat[];
  /** [H][N][d] per-head outputs before W_O (IHA: after the collapse) */
  z: Mat[];
}

/**
 * Removes key token `key` from head `head`'s computation at query `query` of layer `layer`: its score is −∞
 * in every softmax row that head's output reads (MHA: its own row; TH: every W_g row, mixed by P_w[·, head];
 * IHA: every pseudo-row (query, p) of every head, all copies (key, q), collapsed by R into head `head`).
 * Every other head and query is computed as usual.
 */
export interface KeyMask {
  layer: number;
  head: number;
  query: number;
  key: number;
}

export interface ReferenceOutput {
  logits: number[]; // [N]
  layers: ReferenceLayer[];
}

function zeros(rows: number, cols: number): Mat {
  return Array.from({length: rows}, () => new Array<number>(cols).fill(0));
}

function w(weights: Weights, name: string): Float32Array {
  const v = weights[name];
  if (!v) throw new Error(`reference: missing ${name}`);
  return v;
}

function layerNorm(x: Mat, g: Float32Array, b: Float32Array): Mat {
  return x.map((row) => {
    const D = row.length;
    let mu = 0;
    for (const v of row) mu += v;
    mu /= D;
    let variance = 0;
    for (const v of row) variance += (v - mu) * (v - mu);
    variance /= D;
    const denom = Math.sqrt(variance + LN_EPS);
    return row.map((v, c) => ((v - mu) / denom) * g[c] + b[c]);
  });
}

/** A copy of the score matrix with the entries (query, k) for k in `keys` set to −∞. */
function maskedScores(s: Mat, query: number, keys: number[]): Mat {
  return s.map((row, i) => (i === query ? row.map((v, k) => (keys.includes(k) ? -Infinity : v)) : row));
}

function softmaxRows(s: Mat): Mat {
  return s.map((row) => {
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    const e = row.map((v) => Math.exp(v - max));
    let sum = 0;
    for (const v of e) sum += v;
    return e.map((v) => v / sum);
  });
}

/** Per-head projection: out[h][n][e] = Σ_c x[n][c] W[h,c,e] + b[h,e]. */
function project(x: Mat, W: Float32Array, b: Float32Array | null, H: number, D: number, d: number): Mat[] {
  const out: Mat[] = [];
  for (let h = 0; h < H; h++) {
    const m = zeros(x.length, d);
    for (let n = 0; n < x.length; n++) {
      for (let e = 0; e < d; e++) {
        let acc = b ? b[h * d + e] : 0;
        for (let c = 0; c < D; c++) acc += x[n][c] * W[(h * D + c) * d + e];
        m[n][e] = acc;
      }
    }
    out.push(m);
  }
  return out;
}

/** scores[i][j] = q[i]·k[j] · scale */
function scores(q: Mat, k: Mat, scale: number): Mat {
  return q.map((qi) =>
    k.map((kj) => {
      let acc = 0;
      for (let e = 0; e < qi.length; e++) acc += qi[e] * kj[e];
      return acc * scale;
    }),
  );
}

/** out[i][e] = Σ_j a[i][j] v[j][e] */
function applyWeights(a: Mat, v: Mat): Mat {
  const out = zeros(a.length, v[0].length);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < v.length; j++) for (let e = 0; e < v[0].length; e++) out[i][e] += a[i][j] * v[j][e];
  }
  return out;
}

/** Runs the reference model on one sample's bits [N]. */
export function referenceForward(weights: Weights, cfg: ModelConfig, bits: ArrayLike<number>, mask?: KeyMask): ReferenceOutput {
  const {n_layers: L, n_heads: H, d_model: D, d_head: d, d_mlp: F, n_pseudo: P, m} = cfg;
  const N = m * m;
  const scale = 1 / Math.sqrt(d);
  // embedding
  const Wbit = w(weights, "embed.W_bit");
  const Wrow = w(weights, "embed.W_row");
  const Wcol = w(weights, "embed.W_col");
  let x = zeros(N, D);
  for (let n = 0; n < N; n++) {
    const i = Math.floor(n / m);
    const j = n % m;
    for (let c = 0; c < D; c++) x[n][c] = Wbit[bits[n] * D + c] + Wrow[i * D + c] + Wcol[j * D + c];
  }
  const layers: ReferenceLayer[] = [];
  for (let l = 0; l < L; l++) {
    const pre = `blocks.${l}.`;
    const get = (name: string) => w(weights, pre + name);
    const x1 = layerNorm(x, get("ln1.w"), get("ln1.b"));
    const q = project(x1, get("attn.W_Q"), get("attn.b_Q"), H, D, d);
    const k = project(x1, get("attn.W_K"), null, H, D, d);
    const v = project(x1, get("attn.W_V"), get("attn.b_V"), H, D, d);
    let heads: Mat[]; // [H][N][d] per-head outputs before W_O
    const layer: ReferenceLayer = {pattern: [], z: []};
    const masked = mask && mask.layer === l ? mask : null;
    if (cfg.arch === "mha") {
      heads = [];
      for (let h = 0; h < H; h++) {
        const s = scores(q[h], k[h], scale);
        const a = softmaxRows(s);
        layer.pattern.push(a);
        heads.push(applyWeights(masked?.head === h ? softmaxRows(maskedScores(s, masked.query, [masked.key])) : a, v[h]));
      }
    } else if (cfg.arch === "talking_heads") {
      const Pl = get("attn.P_l");
      const Pw = get("attn.P_w");
      const J = q.map((_, h) => scores(q[h], k[h], scale));
      const Wmaps: Mat[] = [];
      const WmapsMasked: Mat[] = []; // softmax rows with the masked key removed (read by the masked head only)
      for (let h = 0; h < H; h++) {
        const Lh = zeros(N, N);
        for (let g = 0; g < H; g++) {
          for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) Lh[a][b] += Pl[g * H + h] * J[g][a][b];
        }
        Wmaps.push(softmaxRows(Lh));
        if (masked) WmapsMasked.push(softmaxRows(maskedScores(Lh, masked.query, [masked.key])));
      }
      const mix = (maps: Mat[], h: number): Mat => {
        const Uh = zeros(N, N);
        for (let g = 0; g < H; g++) {
          for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) Uh[a][b] += Pw[g * H + h] * maps[g][a][b];
        }
        return Uh;
      };
      const U = Wmaps.map((_, h) => mix(Wmaps, h));
      layer.pattern = Wmaps;
      layer.mixWeights = U;
      heads = U.map((Uh, h) => applyWeights(masked?.head === h ? mix(WmapsMasked, h) : Uh, v[h]));
    } else {
      const aQ = get("attn.alpha_Q");
      const aK = get("attn.alpha_K");
      const aV = get("attn.alpha_V");
      const R = get("attn.R");
      // pseudo-tokens, interleaved: row n*P + p of head h = Σ_m α[m,h,p] x_m[n]
      const pseudo = (src: Mat[], alpha: Float32Array): Mat[] => {
        const out: Mat[] = [];
        for (let h = 0; h < H; h++) {
          const t = zeros(N * P, d);
          for (let n = 0; n < N; n++) {
            for (let p = 0; p < P; p++) {
              for (let mm = 0; mm < H; mm++) {
                const coef = alpha[(mm * H + h) * P + p];
                for (let e = 0; e < d; e++) t[n * P + p][e] += coef * src[mm][n][e];
              }
            }
          }
          out.push(t);
        }
        return out;
      };
      const qb = pseudo(q, aQ);
      const kb = pseudo(k, aK);
      const vb = pseudo(v, aV);
      const S = qb.map((_, h) => scores(qb[h], kb[h], scale));
      const Abar = S.map((s) => softmaxRows(s));
      const Obar = Abar.map((a, h) => applyWeights(a, vb[h])); // [H][NP][d]
      // the masked head reads pseudo-outputs whose rows (query, p) lose every copy (key, q) of the key token
      const keyCopies = masked ? Array.from({length: P}, (_, q2) => masked.key * P + q2) : [];
      const ObarMasked = masked
        ? S.map((s, h) => {
            let t = s;
            for (let p = 0; p < P; p++) t = maskedScores(t, masked.query * P + p, keyCopies);
            return applyWeights(softmaxRows(t), vb[h]);
          })
        : Obar;
      heads = [];
      for (let i = 0; i < H; i++) {
        const o = zeros(N, d);
        const source = masked?.head === i ? ObarMasked : Obar;
        for (let i2 = 0; i2 < H; i2++) {
          for (let p = 0; p < P; p++) {
            const r = R[i * H * P + i2 * P + p];
            for (let n = 0; n < N; n++) for (let e = 0; e < d; e++) o[n][e] += r * source[i2][n * P + p][e];
          }
        }
        heads.push(o);
      }
      layer.pseudoPattern = Abar;
      layer.pattern = Abar.map((a) => {
        const t = zeros(N, N);
        for (let n = 0; n < N; n++) {
          for (let p = 0; p < P; p++) {
            for (let n2 = 0; n2 < N; n2++) for (let q2 = 0; q2 < P; q2++) t[n][n2] += a[n * P + p][n2 * P + q2] / P;
          }
        }
        return t;
      });
    }
    layer.z = heads;
    layers.push(layer);
    // output projection and residual
    const WO = get("attn.W_O");
    const bO = get("attn.b_O");
    const mid = zeros(N, D);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < D; c++) {
        let acc = bO[c];
        for (let h = 0; h < H; h++) for (let e = 0; e < d; e++) acc += heads[h][n][e] * WO[(h * d + e) * D + c];
        mid[n][c] = x[n][c] + acc;
      }
    }
    // MLP and residual
    const x2 = layerNorm(mid, get("ln2.w"), get("ln2.b"));
    const Win = get("mlp.W_in");
    const bin = get("mlp.b_in");
    const Wout = get("mlp.W_out");
    const bout = get("mlp.b_out");
    const post = zeros(N, D);
    for (let n = 0; n < N; n++) {
      const hidden = new Array<number>(F).fill(0);
      for (let f = 0; f < F; f++) {
        let acc = bin[f];
        for (let c = 0; c < D; c++) acc += x2[n][c] * Win[c * F + f];
        hidden[f] = Math.max(acc, 0);
      }
      for (let c = 0; c < D; c++) {
        let acc = bout[c];
        for (let f = 0; f < F; f++) acc += hidden[f] * Wout[f * D + c];
        post[n][c] = mid[n][c] + acc;
      }
    }
    x = post;
  }
  const xf = layerNorm(x, w(weights, "ln_final.w"), w(weights, "ln_final.b"));
  const WU = w(weights, "unembed.W_U");
  const bU = w(weights, "unembed.b_U");
  const logits = xf.map((row) => row.reduce((acc, v, c) => acc + v * WU[c], bU[0]));
  return {logits, layers};
}
