// The faithfulness measures and the key-removal check on cases whose answer is known: rank statistics by
// hand, an MHA head whose values all have the same norm (raw = effective), a Talking Heads model whose P_w
// is a permutation (head h's effective map is another head's raw map), and every key-removal effect of a
// tiny model of each architecture against a forward pass recomputed with the key masked (test/reference.ts).
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {TINY, makeConfig, type ModelConfig} from "../src/model/config.js";
import {effectiveMaps, headRows, rawMaps, toHeadMaps, type HeadMaps} from "../src/model/effective.js";
import {keyRemovalEffects, maskedRowShifts} from "../src/model/keyEffects.js";
import {averageRanks, distribution, headFaithfulness, nearestHeads, pearson, spearman, totalVariation} from "../src/model/metrics.js";
import {disposeCache, runWithCache} from "../src/model/model.js";
import {disposeParams, initWeights, weightsToParams, type Weights} from "../src/model/params.js";
import {mulberry32, normal} from "../src/model/prng.js";
import {splitSamples, toArrays} from "../src/model/task.js";
import type {Cache} from "../src/model/attention.js";
import {referenceForward} from "./reference.js";
import {ARCHS, type Arch} from "../src/model/vocabulary.js";

const SEED = 5;
const N = TINY.task.m * TINY.task.m;
/** Noise on the mixing parameters so TH and IHA really mix (their init is close to MHA). */
const MIX_NOISE = 0.5;
/** P ≠ d_head (TINY has both 2), so a swapped axis cannot pass unnoticed. */
const IHA_PSEUDO = 3;

function configFor(arch: Arch): ModelConfig {
  return makeConfig(TINY, arch, arch === "iha" ? {n_pseudo: IHA_PSEUDO} : {});
}

function mixedWeights(cfg: ModelConfig, seed = SEED): Weights {
  const weights = initWeights(cfg, seed);
  const rng = mulberry32(seed + 1);
  for (const name of Object.keys(weights)) {
    if (/\.(P_l|P_w|alpha_[QKV]|R)$/.test(name)) weights[name] = weights[name].map((v) => v + MIX_NOISE * normal(rng));
  }
  return weights;
}

/** Runs `body` on a cached forward pass of `count` test samples; frees everything afterwards. */
function withRun<T>(cfg: ModelConfig, weights: Weights, count: number, body: (cache: Cache, params: ReturnType<typeof weightsToParams>, bits: Int32Array) => T): T {
  const params = weightsToParams(weights, cfg);
  const {bits} = toArrays(splitSamples(SEED, "test", count, TINY.task));
  const {logits, cache} = runWithCache(params, cfg, bits);
  try {
    return body(cache, params, bits);
  } finally {
    logits.dispose();
    disposeCache(cache);
    disposeParams(params);
  }
}

function take(t: tf.Tensor4D): HeadMaps {
  const maps = toHeadMaps(t);
  t.dispose();
  return maps;
}

describe("rank and distance statistics", () => {
  it("total variation is half the L1 distance", () => {
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
    expect(totalVariation([0.5, 0.25, 0.25], [0.25, 0.25, 0.5])).toBeCloseTo(0.25, 12);
    expect(totalVariation([0.3, 0.7], [0.3, 0.7])).toBe(0);
  });

  it("ties share their mean rank", () => {
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    expect(Array.from(averageRanks([5, 5, 5]))).toEqual([2, 2, 2]);
  });

  it("Spearman's ρ on known rankings, with ties, and undefined for a constant vector", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 45])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // monotone transforms do not change ρ
    expect(spearman([0.1, 0.5, 0.2, 0.9], [Math.exp(0.1), Math.exp(0.5), Math.exp(0.2), Math.exp(0.9)])).toBeCloseTo(1, 12);
    // ranks [1, 2.5, 2.5, 4] vs [1, 2, 3, 4]: cov 4.5, variances 4.5 and 5 → 4.5 / √22.5
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    // d² = 0 + 0 + 4 + 4 + 0 with n = 5 and no ties: 1 − 6·8 / (5·24) = 0.6
    expect(spearman([1, 2, 3, 4, 5], [1, 2, 5, 4, 3])).toBeCloseTo(0.6, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    // a constant vector whose mean does not round back to its entries still ranks nothing
    expect(spearman(new Array(36).fill(0.1), Array.from({length: 36}, (_, i) => i))).toBeNaN();
    expect(pearson(new Array(7).fill(0.1), [1, 2, 3, 4, 5, 6, 8])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/lengths/);
  });

  it("distribution uses linear interpolation between order statistics", () => {
    expect(distribution([4, 1, 3, 2])).toEqual({mean: 2.5, median: 2.5, q1: 1.75, q3: 3.25, n: 4});
    expect(distribution([7])).toEqual({mean: 7, median: 7, q1: 7, q3: 7, n: 1});
  });

  it("nearestHeads picks the least distance in each column", () => {
    expect(nearestHeads([[0.5, 0.1], [0.2, 0.3]])).toEqual([1, 0]);
  });
});

describe("maskedRowShifts", () => {
  it("equals renormalising the row without the key, computed directly", () => {
    const row = Float32Array.from([0.1, 0.2, 0.3, 0.4]); // N = 2 tokens, P = 2 slots each
    const values = Float32Array.from([1, 0, 0, 1, 2, 2, -1, 3]); // [S=4, d=2]
    const shifts = maskedRowShifts(row, 0, 2, 2, values, 0, 2, 2);
    const y = [0.1 * 1 + 0.2 * 0 + 0.3 * 2 + 0.4 * -1, 0.1 * 0 + 0.2 * 1 + 0.3 * 2 + 0.4 * 3];
    // without token 0 (slots 0, 1): weights 0.3/0.7, 0.4/0.7 on slots 2, 3
    const without0 = [(0.3 * 2 + 0.4 * -1) / 0.7, (0.3 * 2 + 0.4 * 3) / 0.7];
    const without1 = [(0.1 * 1 + 0.2 * 0) / 0.3, (0.1 * 0 + 0.2 * 1) / 0.3];
    const expected = [without0[0] - y[0], without0[1] - y[1], without1[0] - y[0], without1[1] - y[1]];
    expected.forEach((v, i) => expect(shifts[i]).toBeCloseTo(v, 6));
  });

  it("a row with all its mass on the removed key outputs nothing", () => {
    const shifts = maskedRowShifts(Float32Array.from([0, 1, 0]), 0, 3, 1, Float32Array.from([5, 7, 9]), 0, 1, 1);
    expect(Array.from(shifts)).toEqual([0, -7, 0]);
  });
});

describe("raw = effective when every value has the same norm (MHA)", () => {
  it("TV is 0 for every head and query, and raw and effective rank the keys alike", () => {
    const cfg = configFor("mha");
    const {n_heads: H, d_head: d, d_model: D} = cfg;
    const weights = initWeights(cfg, SEED);
    // W_O[h] maps head h's d outputs onto its own d residual axes (so ‖x W_O^(h)‖ = ‖x‖) …
    const WO = new Float32Array(H * d * D);
    for (let h = 0; h < H; h++) for (let e = 0; e < d; e++) WO[(h * d + e) * D + h * d + e] = 1;
    weights["blocks.0.attn.W_O"] = WO;
    withRun(cfg, weights, 2, (cache, params) => {
      // … and every value vector is rescaled to norm 1 (directions differ, so removing a key matters)
      const v = cache["blocks.0.attn.hook_v"]; // [B,N,H,d]
      cache["blocks.0.attn.hook_v"] = tf.tidy(() => v.div(v.square().sum(-1, true).sqrt())); // [B,N,H,d]
      v.dispose();
      const raw = take(rawMaps(cache, 0));
      const effective = take(effectiveMaps(cache, params, cfg, 0));
      const queries = Array.from({length: N}, (_, n) => ({sample: 1, query: n}));
      const effects = keyRemovalEffects(cache, params, cfg, 0, queries);
      const rawRows = queries.map((q) => headRows(raw, q.sample, q.query));
      const effRows = queries.map((q) => headRows(effective, q.sample, q.query));
      const {tv} = headFaithfulness(rawRows, effRows);
      expect(Math.max(...tv.flat())).toBeLessThan(1e-5);
      let compared = 0;
      queries.forEach((_, q) => {
        for (let h = 0; h < H; h++) {
          const effect = effects.head_output.subarray((q * H + h) * N, (q * H + h + 1) * N);
          const rhoRaw = spearman(rawRows[q][h], effect);
          expect(rhoRaw).not.toBeNaN();
          expect(spearman(effRows[q][h], effect)).toBeCloseTo(rhoRaw, 6);
          compared++;
        }
      });
      expect(compared).toBe(N * H);
    });
  });
});

describe("head identity under a Talking Heads permutation", () => {
  it("with P_w a permutation, head h's effective map is the raw map of head π(h), and headFaithfulness finds it", () => {
    const cfg = configFor("talking_heads");
    const H = cfg.n_heads;
    const pi = (h: number) => (h + 3) % H;
    const weights = mixedWeights(cfg);
    const Pw = new Float32Array(H * H);
    for (let h = 0; h < H; h++) Pw[pi(h) * H + h] = 1; // P_w[π(h), h] = 1: U_h = W_π(h)
    weights["blocks.0.attn.P_w"] = Pw;
    // values constant over tokens (W_V = 0, b_V ≠ 0): every key's value has the same norm within a head
    weights["blocks.0.attn.W_V"] = new Float32Array(weights["blocks.0.attn.W_V"].length);
    weights["blocks.0.attn.b_V"] = weights["blocks.0.attn.b_V"].map((_, i) => 1 + (i % 3));
    withRun(cfg, weights, 2, (cache, params) => {
      const raw = take(rawMaps(cache, 0));
      const effective = take(effectiveMaps(cache, params, cfg, 0));
      const queries = Array.from({length: 2 * N}, (_, i) => ({sample: Math.floor(i / N), query: i % N}));
      const {tv, between, nearest} = headFaithfulness(
        queries.map((q) => headRows(raw, q.sample, q.query)),
        queries.map((q) => headRows(effective, q.sample, q.query)),
      );
      expect(nearest).toEqual(Array.from({length: H}, (_, h) => pi(h)));
      for (let h = 0; h < H; h++) {
        expect(between[pi(h)][h]).toBeLessThan(1e-5);
        // the same index compares two different heads: far apart
        expect(distribution(tv[h]).median).toBeGreaterThan(0.05);
      }
    });
  });
});

describe("key-removal effects agree with a forward pass recomputed with the key masked", () => {
  for (const arch of ARCHS) {
    it(`${arch}: head output and logit change for every head and key of two queries`, () => {
      const cfg = configFor(arch);
      const {n_heads: H, d_head: d, d_model: D} = cfg;
      const weights = mixedWeights(cfg);
      const WO = weights["blocks.0.attn.W_O"];
      withRun(cfg, weights, 2, (cache, params, bits) => {
        const queries = [{sample: 0, query: 7}, {sample: 1, query: 20}];
        const effects = keyRemovalEffects(cache, params, cfg, 0, queries, 1); // chunk 1: the slicing is exercised too
        queries.forEach(({sample, query}, q) => {
          const sampleBits = bits.subarray(sample * N, (sample + 1) * N);
          const base = referenceForward(weights, cfg, sampleBits);
          for (let h = 0; h < H; h++) {
            for (let key = 0; key < N; key++) {
              const changed = referenceForward(weights, cfg, sampleBits, {layer: 0, head: h, query, key});
              const dz = changed.layers[0].z[h][query].map((v, e) => v - base.layers[0].z[h][query][e]); // [d]
              let sq = 0;
              for (let c = 0; c < D; c++) {
                let y = 0;
                for (let e = 0; e < d; e++) y += dz[e] * WO[(h * d + e) * D + c]; // W_O[h, e, c]
                sq += y * y;
              }
              const at = (q * H + h) * N + key;
              expect(effects.head_output[at]).toBeCloseTo(Math.sqrt(sq), 4);
              expect(effects.logit![at]).toBeCloseTo(Math.abs(changed.logits[query] - base.logits[query]), 4);
            }
          }
        });
      });
    });
  }
});
