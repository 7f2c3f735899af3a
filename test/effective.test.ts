import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {FULL, TINY, makeConfig, type ModelConfig} from "../src/model/config.js";
import {attentionKernel, setAttentionKernel} from "../src/model/attention.js";
import {contributions, effectiveMaps, headMap, headMaps, headRows, naiveMaps, rawMaps, toHeadMaps} from "../src/model/effective.js";
import {disposeCache, runWithCache} from "../src/model/model.js";
import {disposeParams, initWeights, weightsToParams, type Params, type Weights} from "../src/model/params.js";
import {mulberry32, normal} from "../src/model/prng.js";
import {splitSamples, toArrays} from "../src/model/task.js";
import type {Cache} from "../src/model/attention.js";
import {ARCHS, mapKindsFor, type Arch} from "../src/model/vocabulary.js";

const SEED = 11;
const BATCH = 3;
/** Noise added to the mixing parameters so TH and IHA really mix (their init is close to MHA). */
const MIX_NOISE = 0.5;
/** P ≠ d_head (TINY has both 2), so a swapped axis cannot pass unnoticed. */
const IHA_PSEUDO = 3;
const TOL = 1e-5;

function configFor(arch: Arch): ModelConfig {
  return makeConfig(TINY, arch, arch === "iha" ? {n_pseudo: IHA_PSEUDO} : {});
}

/** Seeded weights with strongly perturbed mixing parameters. */
function mixedWeights(cfg: ModelConfig): Weights {
  const weights = initWeights(cfg, SEED);
  const rng = mulberry32(SEED + 1);
  for (const name of Object.keys(weights)) {
    if (!/\.(P_l|P_w|alpha_[QKV]|R)$/.test(name)) continue;
    weights[name] = weights[name].map((v) => v + MIX_NOISE * normal(rng));
  }
  return weights;
}

interface Run {
  cfg: ModelConfig;
  weights: Weights;
  params: Params;
  cache: Cache;
  host: (key: string) => Float32Array;
  dispose: () => void;
}

function runModel(arch: Arch, batch = BATCH): Run {
  const cfg = configFor(arch);
  const weights = mixedWeights(cfg);
  const params = weightsToParams(weights, cfg);
  const {bits} = toArrays(splitSamples(SEED, "test", batch, TINY.task));
  const {logits, cache} = runWithCache(params, cfg, bits);
  logits.dispose();
  const host = (key: string) => {
    const t = cache[key];
    if (!t) throw new Error(`cache lacks ${key}`);
    return Float32Array.from(t.dataSync());
  };
  return {cfg, weights, params, cache, host, dispose: () => (disposeCache(cache), disposeParams(params))};
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function take<T extends tf.Tensor>(t: T): Float32Array {
  const data = Float32Array.from(t.dataSync());
  t.dispose();
  return data;
}

/**
 * Host reference for E from a per-(h, n, n') contribution function: ‖c W_O^(h)‖ normalised per row.
 * contribution(b, h, n, n') returns the d-vector c_h[n,n'] of sample b.
 */
function hostEffective(
  cfg: ModelConfig,
  WO: Float32Array,
  contribution: (b: number, h: number, n: number, k: number) => Float64Array,
): Float32Array {
  const {n_heads: H, d_head: d, d_model: D} = cfg;
  const N = cfg.m * cfg.m;
  const out = new Float32Array(BATCH * H * N * N);
  for (let b = 0; b < BATCH; b++) {
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) {
        const row = new Float64Array(N);
        for (let k = 0; k < N; k++) {
          const c = contribution(b, h, n, k);
          let sq = 0;
          for (let o = 0; o < D; o++) {
            let y = 0;
            for (let e = 0; e < d; e++) y += c[e] * WO[(h * d + e) * D + o]; // W_O[h, e, o]
            sq += y * y;
          }
          row[k] = Math.sqrt(sq);
        }
        const total = row.reduce((a, v) => a + v, 0);
        for (let k = 0; k < N; k++) out[((b * H + h) * N + n) * N + k] = row[k] / total;
      }
    }
  }
  return out;
}

describe("contributions decompose each head's output exactly", () => {
  for (const arch of ARCHS) {
    it(`${arch}: Σ_n' c_h[n,n'] = hook_z for every head`, () => {
      const run = runModel(arch);
      const {n_heads: H, d_head: d} = run.cfg;
      const N = run.cfg.m * run.cfg.m;
      const c = contributions(run.cache, run.weights, run.cfg, 0);
      expect(c.shape).toEqual([BATCH, H, N, N, d]);
      const summed = take(c.sum(3).transpose([0, 2, 1, 3])); // [B,N,H,d] like hook_z
      c.dispose();
      const z = run.host("blocks.0.attn.hook_z");
      expect(maxAbsDiff(summed, z)).toBeLessThan(TOL);
      // the decomposition is not trivially spread: some single contribution differs from z/N
      const spread = Float32Array.from(z, (v) => v / N);
      expect(maxAbsDiff(summed, spread)).toBeGreaterThan(TOL);
      run.dispose();
    });
  }
});

describe("IHA contributions on the kernel (full preset: H, P, d_head 8)", () => {
  it("equal a float64 nested-loop reference and TF.js's batched products to 1e-6 of the largest entry", () => {
    const cfg = makeConfig(FULL, "iha");
    const {n_heads: H, d_head: d, n_pseudo: P} = cfg;
    const N = cfg.m * cfg.m;
    const NP = N * P;
    const B = 2;
    const rng = mulberry32(5);
    const Abar = Float32Array.from({length: B * H * NP * NP}, () => rng()); // any weights: the sums do not care
    const V = Float32Array.from({length: B * H * NP * d}, () => normal(rng));
    const R = Float32Array.from({length: H * H * P}, () => normal(rng));
    const cache: Cache = {
      "blocks.0.attn.hook_pattern": tf.zeros([B, H, N, N]),
      "blocks.0.attn.hook_pseudo_pattern": tf.tensor4d(Abar, [B, H, NP, NP]),
      "blocks.0.attn.hook_pseudo_v": tf.tensor4d(V, [B, H, NP, d]),
    };
    const weights = {"blocks.0.attn.R": R} as Weights;
    const kernel = attentionKernel();
    expect(kernel).not.toBeNull();
    const onKernel = take(contributions(cache, weights, cfg, 0));
    setAttentionKernel(null);
    let onTf: Float32Array;
    try {
      onTf = take(contributions(cache, weights, cfg, 0));
    } finally {
      setAttentionKernel(kernel);
    }
    const ref = new Float64Array(B * H * N * N * d); // c[b,h,n,k,:] = Σ_{h',p} R[h,h'P+p] Σ_q Ā_{h'}[(n,p),(k,q)] Ṽ_{h'}[(k,q),:]
    for (let b = 0; b < B; b++) {
      for (let g = 0; g < H; g++) {
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < N; k++) {
            for (let p = 0; p < P; p++) {
              const y = new Float64Array(d);
              for (let q = 0; q < P; q++) {
                const a = Abar[((b * H + g) * NP + n * P + p) * NP + k * P + q];
                for (let e = 0; e < d; e++) y[e] += a * V[((b * H + g) * NP + k * P + q) * d + e];
              }
              for (let h = 0; h < H; h++) {
                const r = R[h * H * P + g * P + p];
                for (let e = 0; e < d; e++) ref[(((b * H + h) * N + n) * N + k) * d + e] += r * y[e];
              }
            }
          }
        }
      }
    }
    const scale = ref.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(maxAbsDiff(onKernel, ref) / scale).toBeLessThan(1e-6);
    expect(maxAbsDiff(onKernel, onTf!) / scale).toBeLessThan(1e-6);
    tf.dispose(Object.values(cache));
  });
});

describe("effective maps", () => {
  it("MHA: E_h[n,n'] = A_h[n,n'] ‖V_h[n'] W_O^(h)‖ normalised (values re-weight the pattern)", () => {
    const run = runModel("mha");
    const {n_heads: H, d_head: d} = run.cfg;
    const N = run.cfg.m * run.cfg.m;
    const A = run.host("blocks.0.attn.hook_pattern"); // [B,H,N,N]
    const V = run.host("blocks.0.attn.hook_v"); // [B,N,H,d]
    const expected = hostEffective(run.cfg, run.weights["blocks.0.attn.W_O"], (b, h, n, k) =>
      Float64Array.from({length: d}, (_, e) => A[((b * H + h) * N + n) * N + k] * V[((b * N + k) * H + h) * d + e]),
    );
    const E = take(effectiveMaps(run.cache, run.weights, run.cfg, 0));
    expect(maxAbsDiff(E, expected)).toBeLessThan(TOL);
    expect(maxAbsDiff(E, A)).toBeGreaterThan(1e-3); // value norms matter
    run.dispose();
  });

  it("TH: E uses the signed post-mix weights U", () => {
    const run = runModel("talking_heads");
    const {n_heads: H, d_head: d} = run.cfg;
    const N = run.cfg.m * run.cfg.m;
    const U = run.host("blocks.0.attn.hook_mix_weights"); // [B,H,N,N]
    expect(U.some((u) => u < 0)).toBe(true); // the test exercises signed weights
    const V = run.host("blocks.0.attn.hook_v"); // [B,N,H,d]
    const expected = hostEffective(run.cfg, run.weights["blocks.0.attn.W_O"], (b, h, n, k) =>
      Float64Array.from({length: d}, (_, e) => U[((b * H + h) * N + n) * N + k] * V[((b * N + k) * H + h) * d + e]),
    );
    const E = take(effectiveMaps(run.cache, run.params, run.cfg, 0)); // live variables work too
    expect(maxAbsDiff(E, expected)).toBeLessThan(TOL);
    expect(E.every((v) => v >= 0)).toBe(true);
    run.dispose();
  });

  it("IHA: E matches the Γ formula written with α^V and the original values V_m", () => {
    const run = runModel("iha");
    const {n_heads: H, d_head: d, n_pseudo: P} = run.cfg;
    const N = run.cfg.m * run.cfg.m;
    const NP = N * P;
    const Abar = run.host("blocks.0.attn.hook_pseudo_pattern"); // [B,H,NP,NP]
    const V = run.host("blocks.0.attn.hook_v"); // [B,N,H,d]
    const alphaV = run.weights["blocks.0.attn.alpha_V"]; // [H(m),H(h),P]
    const R = run.weights["blocks.0.attn.R"]; // [H, H*P]
    const contribution = (b: number, h: number, n: number, k: number) => {
      const c = new Float64Array(d);
      for (let m = 0; m < H; m++) {
        let gamma = 0; // Γ_h[n,k,m] = Σ_{h',p,q} R[h,h'P+p] Ā_{h'}[(n,p),(k,q)] α^V[m,h',q]
        for (let hp = 0; hp < H; hp++) {
          for (let p = 0; p < P; p++) {
            const r = R[h * H * P + hp * P + p];
            for (let q = 0; q < P; q++) {
              gamma += r * Abar[((b * H + hp) * NP + n * P + p) * NP + k * P + q] * alphaV[(m * H + hp) * P + q];
            }
          }
        }
        for (let e = 0; e < d; e++) c[e] += gamma * V[((b * N + k) * H + m) * d + e];
      }
      return c;
    };
    const expected = hostEffective(run.cfg, run.weights["blocks.0.attn.W_O"], contribution);
    const E = take(effectiveMaps(run.cache, run.weights, run.cfg, 0));
    expect(maxAbsDiff(E, expected)).toBeLessThan(TOL);
    const T = run.host("blocks.0.attn.hook_pattern");
    expect(maxAbsDiff(E, T)).toBeGreaterThan(1e-2); // mixing moves the map away from the token reduction
    run.dispose();
  });

  for (const arch of ARCHS) {
    it(`${arch}: rows sum to 1, slicing the batch changes nothing, no tensor leaks`, () => {
      const run = runModel(arch);
      const N = run.cfg.m * run.cfg.m;
      const before = tf.memory().numTensors;
      const whole = effectiveMaps(run.cache, run.weights, run.cfg, 0, BATCH);
      const sliced = effectiveMaps(run.cache, run.weights, run.cfg, 0, 2);
      expect(tf.memory().numTensors).toBe(before + 2);
      const a = take(whole);
      const b = take(sliced);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
      for (let r = 0; r < a.length / N; r++) {
        const sum = a.subarray(r * N, (r + 1) * N).reduce((s, v) => s + v, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(TOL);
      }
      run.dispose();
    });
  }

  it("a head whose W_O block is zero gets an all-zero map, not NaN", () => {
    const run = runModel("mha");
    const {n_heads: H, d_head: d, d_model: D} = run.cfg;
    const N = run.cfg.m * run.cfg.m;
    const head = 2;
    const weights = {...run.weights, "blocks.0.attn.W_O": run.weights["blocks.0.attn.W_O"].slice()};
    weights["blocks.0.attn.W_O"].fill(0, head * d * D, (head + 1) * d * D);
    const maps = toHeadMaps(effectiveMaps(run.cache, weights, run.cfg, 0));
    const own = headMap(maps, 0, head).flatMap((row) => Array.from(row));
    expect(own.every((v) => v === 0)).toBe(true);
    const other = headMap(maps, 0, (head + 1) % H).flatMap((row) => Array.from(row));
    expect(other.reduce((s, v) => s + v, 0)).toBeCloseTo(N, 4);
    run.dispose();
  });

  it("rejects a chunk that is not a positive integer", () => {
    const run = runModel("mha", 1);
    expect(() => effectiveMaps(run.cache, run.weights, run.cfg, 0, 0)).toThrow(/chunk/);
    run.dispose();
  });
});

describe("raw and naive maps", () => {
  it("raw maps are a copy of hook_pattern", () => {
    const run = runModel("talking_heads");
    const raw = rawMaps(run.cache, 0);
    expect(maxAbsDiff(take(raw), run.host("blocks.0.attn.hook_pattern"))).toBe(0);
    expect(run.cache["blocks.0.attn.hook_pattern"].isDisposed).toBe(false); // disposing the copy left the cache
    run.dispose();
  });

  it("IHA naive map: top-left N×N of the pseudo pattern, sliced and renormalised", () => {
    const run = runModel("iha");
    const {n_heads: H, n_pseudo: P} = run.cfg;
    const N = run.cfg.m * run.cfg.m;
    const NP = N * P;
    const pseudo = run.host("blocks.0.attn.hook_pseudo_pattern");
    const sliced = take(naiveMaps(run.cache, run.cfg, 0));
    const renorm = take(naiveMaps(run.cache, run.cfg, 0, true));
    for (let b = 0; b < BATCH; b++) {
      for (let h = 0; h < H; h++) {
        for (let n = 0; n < N; n++) {
          const at = ((b * H + h) * N + n) * N;
          let sum = 0;
          for (let k = 0; k < N; k++) {
            expect(sliced[at + k]).toBe(pseudo[((b * H + h) * NP + n) * NP + k]);
            sum += sliced[at + k];
          }
          expect(sum).toBeLessThan(1); // the slice misses most keys
          for (let k = 0; k < N; k++) expect(Math.abs(renorm[at + k] - sliced[at + k] / sum)).toBeLessThan(TOL);
        }
      }
    }
    expect(maxAbsDiff(renorm, run.host("blocks.0.attn.hook_pattern"))).toBeGreaterThan(1e-2);
    run.dispose();
  });

  it("naive maps and their kinds exist only for IHA", () => {
    const run = runModel("mha", 1);
    expect(() => naiveMaps(run.cache, run.cfg, 0)).toThrow(/only for IHA/);
    expect(() => headMaps("naive_renorm", run.cache, run.weights, run.cfg, 0)).toThrow(/only for IHA/);
    expect(mapKindsFor("mha")).toEqual(["raw", "effective"]);
    expect(mapKindsFor("iha")).toEqual(["raw", "naive", "naive_renorm", "effective"]);
    run.dispose();
  });
});

describe("host views", () => {
  it("headRows and headMap index [B,H,N,N] row-major", () => {
    const [B, H, N] = [2, 3, 4];
    const t = tf.tidy(() => tf.range(0, B * H * N * N).reshape([B, H, N, N]) as tf.Tensor4D); // entry = flat index
    const maps = toHeadMaps(t);
    t.dispose();
    const rows = headRows(maps, 1, 2);
    expect(rows.length).toBe(H);
    expect(Array.from(rows[1])).toEqual([0, 1, 2, 3].map((k) => ((1 * H + 1) * N + 2) * N + k));
    expect(Array.from(headMap(maps, 1, 2)[3])).toEqual([0, 1, 2, 3].map((k) => ((1 * H + 2) * N + 3) * N + k));
    expect(() => headRows(maps, B, 0)).toThrow(/outside/);
    expect(() => headMap(maps, 0, H)).toThrow(/outside/);
  });
});
