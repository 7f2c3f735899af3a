import {describe, expect, it} from "vitest";
import {TINY, makeConfig, type ModelConfig} from "../src/model/config.js";
import {ablatedLogits, ablateHead, ablateSourceHead, copyWeights, zeroCollapseRow} from "../src/model/ablation.js";
import * as tf from "@tensorflow/tfjs";
import {disposeCache, runWithCache} from "../src/model/model.js";
import {disposeParams, initWeights, weightsToParams, type Weights} from "../src/model/params.js";
import {mulberry32, normal} from "../src/model/prng.js";
import {splitSamples, toArrays} from "../src/model/task.js";
import {ARCHS, type Arch} from "../src/model/vocabulary.js";

const SEED = 3;
const BATCH = 2;
const MIX_NOISE = 0.5;
const IHA_PSEUDO = 3;
const TOL = 1e-6;

/** Two layers, so that "upstream" of a layer-1 head includes a whole block. */
function configFor(arch: Arch): ModelConfig {
  return makeConfig(TINY, arch, {n_layers: 2, ...(arch === "iha" ? {n_pseudo: IHA_PSEUDO} : {})});
}

function mixedWeights(cfg: ModelConfig): Weights {
  const weights = initWeights(cfg, SEED);
  const rng = mulberry32(SEED + 1);
  for (const name of Object.keys(weights)) {
    if (/\.(P_l|P_w|alpha_[QKV]|R)$/.test(name)) weights[name] = weights[name].map((v) => v + MIX_NOISE * normal(rng));
  }
  return weights;
}

/** Logits and every cache entry as host arrays. */
function run(weights: Weights, cfg: ModelConfig): {logits: Float32Array; cache: Record<string, Float32Array>} {
  const params = weightsToParams(weights, cfg);
  const {bits} = toArrays(splitSamples(SEED, "val", BATCH, TINY.task));
  const {logits, cache} = runWithCache(params, cfg, bits);
  const host = Object.fromEntries(Object.entries(cache).map(([k, t]) => [k, Float32Array.from(t.dataSync())]));
  const out = {logits: Float32Array.from(logits.dataSync()), cache: host};
  logits.dispose();
  disposeCache(cache);
  disposeParams(params);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe("ablateHead", () => {
  for (const arch of ARCHS) {
    it(`${arch}: a head whose W_O rows are already zero changes no logit`, () => {
      const cfg = configFor(arch);
      const {d_head: d, d_model: D} = cfg;
      const [layer, head] = [0, 4];
      const weights = mixedWeights(cfg);
      weights[`blocks.${layer}.attn.W_O`].fill(0, head * d * D, (head + 1) * d * D);
      const before = run(weights, cfg).logits;
      const after = run(ablateHead(weights, cfg, layer, head), cfg).logits;
      expect(maxAbsDiff(before, after)).toBeLessThan(TOL);
    });

    it(`${arch}: removes exactly that head's contribution and nothing upstream`, () => {
      const cfg = configFor(arch);
      const {n_heads: H, d_head: d, d_model: D} = cfg;
      const N = cfg.m * cfg.m;
      const [layer, head] = [1, 3];
      const weights = mixedWeights(cfg);
      const base = run(weights, cfg);
      const ablated = run(ablateHead(weights, cfg, layer, head), cfg);
      const upstream = Object.keys(base.cache).filter(
        (k) => k === "hook_embed" || k.startsWith("blocks.0.") || (k.startsWith("blocks.1.attn.") && k !== "blocks.1.attn.hook_attn_out"),
      );
      expect(upstream).toContain("blocks.1.attn.hook_z");
      expect(upstream).toContain("blocks.1.attn.hook_pattern");
      for (const key of upstream) expect(maxAbsDiff(base.cache[key], ablated.cache[key])).toBe(0);
      // attn_out(base) − attn_out(ablated) = z_head · W_O[head], at every sample and position
      const z = base.cache["blocks.1.attn.hook_z"]; // [B,N,H,d]
      const WO = weights["blocks.1.attn.W_O"]; // [H,d,D]
      const removed = new Float32Array(BATCH * N * D);
      for (let bn = 0; bn < BATCH * N; bn++) {
        for (let o = 0; o < D; o++) {
          let y = 0;
          for (let e = 0; e < d; e++) y += z[(bn * H + head) * d + e] * WO[(head * d + e) * D + o];
          removed[bn * D + o] = y;
        }
      }
      const diff = base.cache["blocks.1.hook_attn_out"].map((v, i) => v - ablated.cache["blocks.1.hook_attn_out"][i]);
      expect(maxAbsDiff(diff, removed)).toBeLessThan(1e-5);
      expect(Math.max(...removed.map(Math.abs))).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(base.logits, ablated.logits)).toBeGreaterThan(TOL);
    });
  }

  it("is pure: the input is unchanged and no array is shared", () => {
    const cfg = configFor("iha");
    const weights = mixedWeights(cfg);
    const snapshot = copyWeights(weights);
    const out = ablateHead(weights, cfg, 0, 1);
    for (const name of Object.keys(weights)) {
      expect(weights[name]).toEqual(snapshot[name]);
      expect(out[name]).not.toBe(weights[name]);
    }
    expect(out["blocks.0.attn.W_O"]).not.toEqual(weights["blocks.0.attn.W_O"]);
  });

  it("rejects a head or layer out of range", () => {
    const cfg = configFor("mha");
    const weights = initWeights(cfg, SEED);
    expect(() => ablateHead(weights, cfg, 0, cfg.n_heads)).toThrow(/head/);
    expect(() => ablateHead(weights, cfg, cfg.n_layers, 0)).toThrow(/layer/);
  });
});

describe("ablateSourceHead (IHA)", () => {
  const cfg = configFor("iha");
  const {n_heads: H, d_head: d, n_pseudo: P} = cfg;
  const N = cfg.m * cfg.m;
  const [layer, source] = [0, 6];

  it("removes the source head's term from every pseudo query, key and value; Q, K, V themselves stay", () => {
    const weights = mixedWeights(cfg);
    const base = run(weights, cfg);
    const ablated = run(ablateSourceHead(weights, cfg, layer, source), cfg);
    const a = `blocks.${layer}.attn.`;
    for (const key of ["hook_q", "hook_k", "hook_v"]) expect(maxAbsDiff(base.cache[a + key], ablated.cache[a + key])).toBe(0);
    for (const [kind, hook] of [["Q", "hook_q"], ["K", "hook_k"], ["V", "hook_v"]] as const) {
      const x = base.cache[a + hook]; // [B,N,H,d]
      const alpha = weights[`${a}alpha_${kind}`]; // [H(m),H(h),P]
      const pseudoBase = base.cache[`${a}hook_pseudo_${kind.toLowerCase()}`]; // [B,H,NP,d]
      const expected = pseudoBase.slice();
      for (let b = 0; b < BATCH; b++) {
        for (let h = 0; h < H; h++) {
          for (let n = 0; n < N; n++) {
            for (let p = 0; p < P; p++) {
              for (let e = 0; e < d; e++) {
                expected[((b * H + h) * N * P + n * P + p) * d + e] -=
                  alpha[(source * H + h) * P + p] * x[((b * N + n) * H + source) * d + e];
              }
            }
          }
        }
      }
      expect(maxAbsDiff(ablated.cache[`${a}hook_pseudo_${kind.toLowerCase()}`], expected)).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(base.logits, ablated.logits)).toBeGreaterThan(TOL);
  });

  it("parts ['V'] keeps every attention pattern and changes the values only", () => {
    const weights = mixedWeights(cfg);
    const base = run(weights, cfg);
    const ablated = run(ablateSourceHead(weights, cfg, layer, source, ["V"]), cfg);
    const a = `blocks.${layer}.attn.`;
    expect(maxAbsDiff(base.cache[a + "hook_pseudo_pattern"], ablated.cache[a + "hook_pseudo_pattern"])).toBe(0);
    expect(maxAbsDiff(base.cache[a + "hook_pseudo_v"], ablated.cache[a + "hook_pseudo_v"])).toBeGreaterThan(1e-3);
  });

  it("is pure and only zeroes α[source, :, :]", () => {
    const weights = mixedWeights(cfg);
    const snapshot = copyWeights(weights);
    const out = ablateSourceHead(weights, cfg, layer, source);
    for (const name of Object.keys(weights)) expect(weights[name]).toEqual(snapshot[name]);
    const alpha = out[`blocks.${layer}.attn.alpha_K`];
    alpha.forEach((v, i) => {
      if (Math.floor(i / (H * P)) === source) expect(v).toBe(0);
      else expect(v).toBe(weights[`blocks.${layer}.attn.alpha_K`][i]);
    });
  });

  it("needs IHA and valid parts", () => {
    const mha = configFor("mha");
    expect(() => ablateSourceHead(initWeights(mha, SEED), mha, 0, 0)).toThrow(/IHA/);
    expect(() => ablateSourceHead(mixedWeights(cfg), cfg, 0, 0, [])).toThrow(/parts/);
  });
});

describe("zeroCollapseRow (IHA)", () => {
  const cfg = configFor("iha");
  const {n_heads: H, n_pseudo: P} = cfg;
  const [layer, head] = [1, 5];

  it("is pure and only zeroes R[head, :]; every pattern stays", () => {
    const weights = mixedWeights(cfg);
    const snapshot = copyWeights(weights);
    const out = zeroCollapseRow(weights, cfg, layer, head);
    for (const name of Object.keys(weights)) expect(weights[name]).toEqual(snapshot[name]);
    const R = out[`blocks.${layer}.attn.R`];
    R.forEach((v, i) => {
      if (Math.floor(i / (H * P)) === head) expect(v).toBe(0);
      else expect(v).toBe(weights[`blocks.${layer}.attn.R`][i]);
    });
    const base = run(weights, cfg);
    const edited = run(out, cfg);
    const a = `blocks.${layer}.attn.`;
    expect(maxAbsDiff(base.cache[a + "hook_pseudo_pattern"], edited.cache[a + "hook_pseudo_pattern"])).toBe(0);
    expect(maxAbsDiff(base.logits, edited.logits)).toBeGreaterThan(TOL);
  });

  it("needs IHA and a head in range", () => {
    const mha = configFor("mha");
    expect(() => zeroCollapseRow(initWeights(mha, SEED), mha, 0, 0)).toThrow(/IHA/);
    expect(() => zeroCollapseRow(mixedWeights(cfg), cfg, 0, H)).toThrow(/head/);
  });
});

describe("ablatedLogits", () => {
  for (const arch of ARCHS) {
    it(`${arch}: from the unablated run's cache, each head's ablated logits are ablateHead's, in either layer of two`, () => {
      const cfg = configFor(arch);
      const weights = mixedWeights(cfg);
      const params = weightsToParams(weights, cfg);
      const {bits} = toArrays(splitSamples(SEED, "val", BATCH, TINY.task));
      const {logits, cache} = runWithCache(params, cfg, bits);
      try {
        for (let layer = 0; layer < cfg.n_layers; layer++) {
          const fast = tf.tidy(() => ablatedLogits(cache, params, cfg, layer)); // [H,B,N]
          expect(fast.shape).toEqual([cfg.n_heads, BATCH, logits.shape[1]]);
          const values = fast.dataSync();
          fast.dispose();
          const N = logits.shape[1];
          for (let head = 0; head < cfg.n_heads; head++) {
            const slow = run(ablateHead(weights, cfg, layer, head), cfg).logits;
            const mine = values.subarray(head * BATCH * N, (head + 1) * BATCH * N);
            expect(maxAbsDiff(mine, slow)).toBeLessThan(TOL);
            expect(maxAbsDiff(mine, logits.dataSync())).toBeGreaterThan(1e-4); // the head mattered: the comparison can fail
          }
        }
        expect(() => ablatedLogits({}, params, cfg, 0)).toThrow(/cache lacks blocks\.0\./);
        expect(() => ablatedLogits(cache, params, cfg, cfg.n_layers)).toThrow(/layer/);
      } finally {
        logits.dispose();
        disposeCache(cache);
        disposeParams(params);
      }
    });
  }
});
