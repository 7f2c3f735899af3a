// The attention-only causal LM: task sequences, the causal mask (MHA and IHA, both attention cores),
// IHA's reduction to MHA, effective maps and ablation on the LM, and a tiny training run.
import * as tf from "@tensorflow/tfjs";
import {afterEach, describe, expect, it} from "vitest";
import {ablateHead} from "../src/model/ablation.js";
import {attentionCore, causalMask, MASKED, setAttentionCore, type CoreMode} from "../src/model/attention.js";
import {effectiveMaps, toHeadMaps} from "../src/model/effective.js";
import {LM_ARCHS, LM_FULL, LM_TINY, makeLmConfig, validateLmPreset, validateLmTask, type LmConfig} from "../src/model/lm/config.js";
import {lmForward, nextTokenLoss, runLmWithCache, tokensTensor} from "../src/model/lm/model.js";
import {
  BOS,
  firstCopyPositions,
  inductionPositions,
  lmSplit,
  lmTokenLabels,
  lmTokens,
  lmTrainBatch,
  repeatedRandomTokens
} from "../src/model/lm/task.js";
import {evaluateLm, lmEvalSamples, predictLm, trainLm} from "../src/model/lm/train.js";
import {disposeCache} from "../src/model/model.js";
import {disposeParams, initParams, initWeights, paramSpecs, weightsToParams, type Weights} from "../src/model/params.js";
import {mulberry32, normal} from "../src/model/prng.js";

const SEED = 3;
const CORE_MODES: CoreMode[] = ["fused", "perGroup", "batched"];
const TASK = LM_TINY.task;
const N = TASK.n_ctx;

afterEach(() => setAttentionCore(null));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Logits [B*N*V] and host copies of the named cache entries, for plain weights. */
function run(weights: Weights, cfg: LmConfig, tokens: Int32Array, keys: string[] = []) {
  const params = weightsToParams(weights, cfg);
  const {logits, cache} = runLmWithCache(params, cfg, tokens, N);
  const out = {logits: Float32Array.from(logits.dataSync()), cache: Object.fromEntries(keys.map((k) => [k, Float32Array.from(cache[k].dataSync())]))};
  disposeCache(cache);
  logits.dispose();
  disposeParams(params);
  return out;
}

describe("LM task", () => {
  it("is deterministic in (seed, stream) and places a repeated segment of distinct tokens after BOS", () => {
    const a = lmSplit(SEED, "lm/eval", 50, TASK);
    expect(lmSplit(SEED, "lm/eval", 50, TASK)).toEqual(a);
    expect(lmTokens(lmSplit(SEED + 1, "lm/eval", 50, TASK))).not.toEqual(lmTokens(a));
    expect(lmTokens(lmTrainBatch(SEED, 1, 50, TASK))).not.toEqual(lmTokens(lmTrainBatch(SEED, 2, 50, TASK)));
    const lengths = new Set<number>();
    const starts = new Set<number>();
    for (const {tokens, repeat} of a) {
      expect(tokens.length).toBe(N);
      expect(tokens[0]).toBe(BOS);
      expect(Math.min(...tokens.subarray(1))).toBeGreaterThanOrEqual(1);
      expect(Math.max(...tokens)).toBeLessThan(TASK.d_vocab);
      expect(repeat.second).toBe(repeat.first + repeat.length);
      expect(repeat.second + repeat.length).toBeLessThanOrEqual(N);
      const segment = [...tokens.subarray(repeat.first, repeat.second)];
      expect([...tokens.subarray(repeat.second, repeat.second + repeat.length)]).toEqual(segment);
      expect(new Set(segment).size).toBe(segment.length);
      lengths.add(repeat.length);
      starts.add(repeat.first);
      expect(inductionPositions(repeat)).toEqual(Array.from({length: repeat.length - 1}, (_, i) => repeat.second + i));
      expect(firstCopyPositions(repeat).map((q) => q + repeat.length)).toEqual(inductionPositions(repeat));
    }
    expect(lengths).toEqual(new Set([2, 3, 4])); // every length of [min_length, max_length] occurs
    expect(starts.size).toBeGreaterThan(3); // the repeat starts at many places
  });

  it("repeatedRandomTokens: BOS + segment × repeats, seeded, with errors that name the input", () => {
    const t = repeatedRandomTokens({length: 5, repeats: 3, seed: 1, d_vocab: 20});
    expect(t.length).toBe(16);
    expect(t[0]).toBe(BOS);
    const seg = [...t.subarray(1, 6)];
    expect(new Set(seg).size).toBe(5);
    expect([...t.subarray(6, 11)]).toEqual(seg);
    expect([...t.subarray(11, 16)]).toEqual(seg);
    expect(repeatedRandomTokens({length: 5, repeats: 3, seed: 1, d_vocab: 20})).toEqual(t);
    expect(repeatedRandomTokens({length: 5, repeats: 3, seed: 2, d_vocab: 20})).not.toEqual(t);
    expect(() => repeatedRandomTokens({length: 20, repeats: 2, seed: 0, d_vocab: 20})).toThrow(/length must be an integer in \[1, 19\]/);
    expect(() => repeatedRandomTokens({length: 3, repeats: 0, seed: 0, d_vocab: 20})).toThrow(/repeats/);
  });

  it("token labels are distinct and short; presets and bad tasks are checked by name", () => {
    const labels = lmTokenLabels(200);
    expect(labels[0]).toBe("BOS");
    expect(new Set(labels).size).toBe(200);
    expect(Math.max(...labels.map((l) => l.length))).toBeLessThanOrEqual(4);
    validateLmPreset(LM_TINY);
    validateLmPreset(LM_FULL);
    expect(() => validateLmTask({...TASK, n_ctx: 8})).toThrow(/task\.n_ctx must be an integer ≥ 1 \+ 2·max_length = 9/);
    expect(() => makeLmConfig(LM_TINY, "talking_heads" as never)).toThrow(/config\.arch must be one of mha, iha/);
  });
});

describe("causal mask", () => {
  it("causalMask hides later tokens, at token level for pseudo-tokens", () => {
    const m = causalMask(3, 2); // [6,6]
    const visible = (v: number, w: number) => m[v * 6 + w] === 0;
    expect(visible(0, 1)).toBe(true); // (n=0,p=0) sees (0,q=1)
    expect(visible(1, 0)).toBe(true);
    expect(visible(1, 2)).toBe(false); // (0,1) does not see token 1
    expect(visible(5, 0)).toBe(true);
    expect(m[2 * 6 + 4]).toBe(MASKED);
  });

  for (const arch of LM_ARCHS) {
    for (const mode of CORE_MODES) {
      it(`${arch} (${mode} core): changing token j leaves the logits before j unchanged`, () => {
        setAttentionCore(mode);
        const cfg = makeLmConfig(LM_TINY, arch);
        const w = initWeights(cfg, SEED);
        const tokens = lmTokens(lmSplit(SEED, "lm/eval", 2, TASK));
        const j = 6;
        const changed = tokens.slice();
        changed[j] = (changed[j] % (cfg.d_vocab - 1)) + 1; // another non-BOS token
        changed[N + j] = (changed[N + j] % (cfg.d_vocab - 1)) + 1;
        const V = cfg.d_vocab;
        const keys = ["blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern"];
        const a = run(w, cfg, tokens, keys);
        const b = run(w, cfg, changed, keys);
        for (let s = 0; s < 2; s++) {
          const before = (x: Float32Array) => x.subarray(s * N * V, (s * N + j) * V);
          const after = (x: Float32Array) => x.subarray((s * N + j) * V, (s + 1) * N * V);
          expect(maxAbsDiff(before(a.logits), before(b.logits))).toBeLessThan(1e-6);
          expect(maxAbsDiff(after(a.logits), after(b.logits))).toBeGreaterThan(1e-4);
        }
        // every map is lower-triangular with rows summing to 1
        const H = cfg.n_heads;
        for (const key of keys) {
          const p = a.cache[key]; // [2,H,N,N]
          for (let r = 0; r < 2 * H * N; r++) {
            const q = r % N;
            let sum = 0;
            for (let k = 0; k < N; k++) {
              if (k > q) expect(p[r * N + k]).toBe(0);
              sum += p[r * N + k];
            }
            expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
          }
        }
      });
    }
  }

  it("IHA with α = 1(m=h) and R reading pseudo slot 0 of its own head equals MHA on the LM", () => {
    const mha = makeLmConfig(LM_TINY, "mha");
    const iha = makeLmConfig(LM_TINY, "iha", {n_pseudo: 3});
    const {n_heads: H, n_pseudo: P} = iha;
    const tokens = lmTokens(lmSplit(SEED, "lm/eval", 2, TASK));
    const w = initWeights(iha, SEED);
    const noisy = run(w, iha, tokens).logits;
    const alpha = new Float32Array(H * H * P);
    for (let h = 0; h < H; h++) for (let p = 0; p < P; p++) alpha[(h * H + h) * P + p] = 1;
    const R = new Float32Array(H * H * P);
    for (let h = 0; h < H; h++) R[h * H * P + h * P] = 1;
    for (let l = 0; l < iha.n_layers; l++) {
      for (const name of ["alpha_Q", "alpha_K", "alpha_V"]) w[`blocks.${l}.attn.${name}`] = alpha;
      w[`blocks.${l}.attn.R`] = R;
    }
    const keys = ["blocks.1.attn.hook_pattern"];
    const ref = run(initWeights(mha, SEED), mha, tokens, keys);
    const out = run(w, iha, tokens, keys);
    expect(maxAbsDiff(out.logits, ref.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.cache[keys[0]], ref.cache[keys[0]])).toBeLessThan(1e-5);
    expect(maxAbsDiff(noisy, ref.logits)).toBeGreaterThan(1e-4);
  });

  it("the fused and per-group cores with a mask match the batched core, forward and gradients", () => {
    const [B, H, S, d] = [2, 3, 8, 4];
    const rng = mulberry32(11);
    const rand = (n: number) => Float32Array.from({length: n}, () => normal(rng));
    const [q0, k0, v0, dz0] = [rand(B * H * S * d), rand(B * H * S * d), rand(B * H * S * d), rand(B * H * S * d)];
    const mask = causalMask(4, 2); // [8,8]
    const core = (mode: CoreMode) => {
      setAttentionCore(mode);
      return tf.tidy(() => {
        const [q, k, v] = [q0, k0, v0].map((x) => tf.tensor4d(x, [B, H, S, d]));
        const dz = tf.tensor4d(dz0, [B, H, S, d]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          attentionCore(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, false, mask).z.mul(dz).sum() as tf.Scalar;
        const grads = tf.grads(f)([q, k, v]);
        const {z, pattern} = attentionCore(q, k, v, true, mask);
        return {z: Float32Array.from(z.dataSync()), pattern: Float32Array.from(pattern!.dataSync()), grads: grads.map((g) => Float32Array.from(g.dataSync()))};
      });
    };
    const b = core("batched");
    for (const mode of ["fused", "perGroup"] as const) {
      const a = core(mode);
      expect(maxAbsDiff(a.z, b.z)).toBeLessThan(1e-5);
      expect(maxAbsDiff(a.pattern, b.pattern)).toBeLessThan(1e-6);
      for (let i = 0; i < 3; i++) expect(maxAbsDiff(a.grads[i], b.grads[i])).toBeLessThan(1e-4);
      expect(Math.max(...a.grads[1].map(Math.abs))).toBeGreaterThan(1e-3); // gradients are not trivially zero
      // masked entries are exactly 0
      for (let r = 0; r < B * H * S; r++) for (let w = 0; w < S; w++) if (mask[(r % S) * S + w] !== 0) expect(a.pattern[r * S + w]).toBe(0);
    }
  });

  it("the IHA LM's loss gradients agree between the fused, the per-group and the batched core", () => {
    const cfg = makeLmConfig(LM_TINY, "iha");
    const tokens = lmTokens(lmTrainBatch(SEED, 1, 4, TASK));
    const params = initParams(cfg, SEED);
    const grads = (mode: CoreMode) => {
      setAttentionCore(mode);
      return tf.tidy(() => {
        const x = tokensTensor(tokens, N, cfg);
        const {value, grads} = tf.variableGrads(() => nextTokenLoss(lmForward(params, cfg, x), x), Object.values(params));
        return {loss: value.dataSync()[0], grads: Object.values(grads).map((g) => Float32Array.from(g.dataSync()))};
      });
    };
    const b = grads("batched");
    for (const mode of ["fused", "perGroup"] as const) {
      const a = grads(mode);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
      a.grads.forEach((g, i) => expect(maxAbsDiff(g, b.grads[i])).toBeLessThan(1e-4));
    }
    disposeParams(params);
  });
});

describe("maps, ablation and training on the LM", () => {
  it("has TransformerLens parameter names and no MLP", () => {
    const names = paramSpecs(makeLmConfig(LM_TINY, "iha")).map((s) => s.name);
    expect(names.slice(0, 2)).toEqual(["embed.W_E", "pos_embed.W_pos"]);
    expect(names).toContain("unembed.W_U");
    expect(names).toContain("blocks.1.attn.alpha_Q");
    expect(names.some((n) => n.includes("mlp") || n.includes("ln2"))).toBe(false);
  });

  for (const arch of LM_ARCHS) {
    it(`${arch}: effective maps are causal and row-stochastic; ablating a head changes the logits`, () => {
      const cfg = makeLmConfig(LM_TINY, arch);
      const w = initWeights(cfg, SEED);
      const tokens = lmTokens(lmSplit(SEED, "lm/eval", 2, TASK));
      const params = weightsToParams(w, cfg);
      const {logits, cache} = runLmWithCache(params, cfg, tokens, N);
      const maps = toHeadMaps(tf.tidy(() => effectiveMaps(cache, params, cfg, 1)));
      for (let r = 0; r < maps.data.length / N; r++) {
        const q = r % N;
        let sum = 0;
        for (let k = 0; k < N; k++) {
          if (k > q) expect(maps.data[r * N + k]).toBe(0);
          sum += maps.data[r * N + k];
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
      disposeCache(cache);
      logits.dispose();
      disposeParams(params);
      const base = run(w, cfg, tokens).logits;
      const ablated = run(ablateHead(w, cfg, 1, 2), cfg, tokens).logits;
      expect(maxAbsDiff(base, ablated)).toBeGreaterThan(1e-4);
    });
  }

  it("a non-finite loss throws, naming the LM, seed, epoch and step, and frees every tensor", async () => {
    const cfg = makeLmConfig(LM_TINY, "iha");
    const init = initWeights(cfg, SEED);
    init["unembed.W_U"] = new Float32Array(init["unembed.W_U"].length).fill(NaN);
    const before = tf.memory().numTensors;
    await expect(trainLm({cfg, train: LM_TINY.train, task: TASK, seed: SEED, init})).rejects.toThrow(/: LM iha, seed 3, epoch 1, step 1$/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a tiny training run lowers the loss; predictions and scores are consistent", async () => {
    const cfg = makeLmConfig(LM_TINY, "mha");
    const evalSet = lmEvalSamples(SEED, LM_TINY.train.eval_samples, TASK);
    const before = evaluateLm(initWeights(cfg, SEED), cfg, evalSet);
    const result = await trainLm({cfg, train: LM_TINY.train, task: TASK, seed: SEED});
    const after = evaluateLm(result.weights, cfg, evalSet);
    expect(result.steps).toBe(LM_TINY.train.epochs * LM_TINY.train.steps_per_epoch);
    expect(result.history).toHaveLength(LM_TINY.train.epochs);
    expect(after.loss).toBeLessThan(before.loss - 0.05);
    expect(result.history.at(-1)!.loss).toBeCloseTo(after.loss, 5);
    const {pred, nll} = predictLm(result.weights, cfg, evalSet.slice(0, 3));
    expect(pred.length).toBe(3 * N);
    expect(Number.isNaN(nll[N - 1])).toBe(true);
    expect(Number.isNaN(nll[0])).toBe(false);
  });
});

describe("head types on hand-built causal maps", () => {
  it("a previous-token map and an induction map on repeated tokens are detected as such, and nothing else", async () => {
    const {detect, DEFAULT_THRESHOLDS} = await import("../src/model/headTypes.js");
    const {previousTokenScore, firstTokenScore, currentTokenScore, duplicateTokenScore, inductionScore} = await import("../src/model/metrics.js");
    const tokens = repeatedRandomTokens({length: 6, repeats: 2, seed: 0, d_vocab: 20}); // [13]
    const n = tokens.length;
    const oneHotRows = (keyOf: (q: number) => number) =>
      Array.from({length: n}, (_, q) => Float32Array.from({length: n}, (_, k) => (k === keyOf(q) ? 1 : 0)));
    const scores = (map: Float32Array[]) => ({
      previous_token: previousTokenScore(map),
      first_token: firstTokenScore(map),
      current_token: currentTokenScore(map),
      duplicate_token: duplicateTokenScore(map, tokens, {causal: true}),
      induction: inductionScore(map, tokens, {causal: true})
    });
    const previous = oneHotRows((q) => Math.max(q - 1, 0));
    expect(detect(scores(previous))).toEqual(["previous_token"]);
    // induction: in the second copy attend to the token after the earlier occurrence (q − 6 + 1); before it, uniform
    const induction = oneHotRows((q) => q - 5);
    for (let q = 0; q < 7; q++) induction[q] = Float32Array.from({length: n}, (_, k) => (k <= q ? 1 / (q + 1) : 0));
    const s = scores(induction);
    expect(s.induction).toBeCloseTo(6 / 13, 5); // the maximum L/(2L+1)
    expect(detect(s)).toEqual(["induction"]);
    expect(detect(s, {...DEFAULT_THRESHOLDS, induction: 0.5})).toEqual([]);
  });
});
