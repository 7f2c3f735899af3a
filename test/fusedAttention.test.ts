// The fused attention kernel (src/model/kernels/attention.as.ts through fusedAttention.ts) against a
// float64 nested-loop reference of softmax(q kᵀ + mask) v and its gradients, and against the TF.js cores,
// at the shapes training runs: IHA's pseudo-tokens at the tiny preset (P = 2) and the full one (P = 8),
// MHA's tokens, the LM's causal mask and d_head 16, and d_head 2 (padded to a SIMD vector inside). Then
// the layers that hand the kernel their own layouts (IHA's α-mix output, MHA's projections) against the
// same layers run through [B,H,·,d] (the path caches take), forward and every gradient.
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {kernelBytes, useAttentionKernel} from "../src/data/kernels.js";
import {attentionCore, causalMask, coreIsFused, setAttentionCore, setAttentionKernel, type Cache, type CoreMode} from "../src/model/attention.js";
import {FULL, makeConfig, TINY, type ModelConfig, type Preset} from "../src/model/config.js";
import {AttentionKernel} from "../src/model/fusedAttention.js";
import {floats} from "../src/model/tensorData.js";
import {attentionSublayer} from "../src/model/model.js";
import {paramSpecs, type Params} from "../src/model/params.js";
import {mulberry32, normal} from "../src/model/prng.js";

interface Case {
  name: string;
  G: number;
  S: number;
  d: number;
  causalP?: number;
}

const tinyS = TINY.task.m ** 2 * TINY.model.n_pseudo;
const fullS = FULL.task.m ** 2 * FULL.model.n_pseudo;
const CASES: Case[] = [
  {name: `IHA tiny (P = ${TINY.model.n_pseudo}, d_head ${TINY.model.d_head})`, G: 6, S: tinyS, d: TINY.model.d_head},
  {name: `IHA full (P = ${FULL.model.n_pseudo}, d_head ${FULL.model.d_head})`, G: 3, S: fullS, d: FULL.model.d_head},
  {name: "MHA full (36 tokens)", G: 8, S: FULL.task.m ** 2, d: FULL.model.d_head},
  {name: "causal LM, P = 2, d_head 16, odd length", G: 4, S: 2 * 13, d: 16, causalP: 2},
  {name: "odd sizes: 7 keys, d_head 3", G: 5, S: 7, d: 3},
];

function random(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({length: n}, () => normal(rng));
}

/** float64 forward and backward of one case: z, A and dq, dk, dv for the upstream gradient dz. */
function reference(c: Case, q: Float32Array, k: Float32Array, v: Float32Array, dz: Float32Array, mask: Float32Array | null) {
  const {G, S, d} = c;
  const T = S;
  const z = new Float64Array(G * S * d);
  const A = new Float64Array(G * S * T);
  const [dq, dk, dv] = [new Float64Array(G * S * d), new Float64Array(G * T * d), new Float64Array(G * T * d)];
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < S; i++) {
      const s = new Float64Array(T);
      let m = -Infinity;
      for (let j = 0; j < T; j++) {
        let acc = mask ? mask[i * T + j] : 0;
        for (let c2 = 0; c2 < d; c2++) acc += q[(g * S + i) * d + c2] * k[(g * T + j) * d + c2];
        s[j] = acc;
        m = Math.max(m, acc);
      }
      let l = 0;
      for (let j = 0; j < T; j++) l += Math.exp(s[j] - m);
      const row = (g * S + i) * T;
      for (let j = 0; j < T; j++) A[row + j] = Math.exp(s[j] - m) / l;
      for (let c2 = 0; c2 < d; c2++) for (let j = 0; j < T; j++) z[(g * S + i) * d + c2] += A[row + j] * v[(g * T + j) * d + c2];
      // dA_j = dz_i · v_j;  dS_j = A_j (dA_j − Σ_j' A_j' dA_j')
      const dA = new Float64Array(T);
      let D = 0;
      for (let j = 0; j < T; j++) {
        for (let c2 = 0; c2 < d; c2++) dA[j] += dz[(g * S + i) * d + c2] * v[(g * T + j) * d + c2];
        D += A[row + j] * dA[j];
      }
      for (let j = 0; j < T; j++) {
        const dS = A[row + j] * (dA[j] - D);
        for (let c2 = 0; c2 < d; c2++) {
          dq[(g * S + i) * d + c2] += dS * k[(g * T + j) * d + c2];
          dk[(g * T + j) * d + c2] += dS * q[(g * S + i) * d + c2];
          dv[(g * T + j) * d + c2] += A[row + j] * dz[(g * S + i) * d + c2];
        }
      }
    }
  }
  return {z, A, dq, dk, dv};
}

/** Largest |a − b| as a share of the largest |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** z, A and the gradients of Σ z ⊙ dz through attentionCore run the given way. */
function viaCore(mode: CoreMode, c: Case, q: Float32Array, k: Float32Array, v: Float32Array, dz: Float32Array, mask: Float32Array | null) {
  setAttentionCore(mode);
  try {
    return tf.tidy(() => {
      const shape: [number, number, number, number] = [1, c.G, c.S, c.d];
      const [tq, tk, tv, tdz] = [q, k, v, dz].map((x) => tf.tensor4d(x, shape));
      const f = (a: tf.Tensor, b: tf.Tensor, cc: tf.Tensor) => attentionCore(a as tf.Tensor4D, b as tf.Tensor4D, cc as tf.Tensor4D, false, mask).z.mul(tdz).sum() as tf.Scalar;
      const [dq, dk, dv] = tf.grads(f)([tq, tk, tv]).map((g) => g.dataSync() as Float32Array);
      const {z, pattern} = attentionCore(tq as tf.Tensor4D, tk as tf.Tensor4D, tv as tf.Tensor4D, true, mask);
      return {z: z.dataSync() as Float32Array, A: pattern!.dataSync() as Float32Array, dq, dk, dv};
    });
  } finally {
    setAttentionCore(null);
  }
}

describe("fused attention kernel", () => {
  for (const c of CASES) {
    it(`${c.name}: forward, map and gradients match a float64 reference as closely as the TF.js core does`, () => {
      const n = c.G * c.S * c.d;
      const [q, k, v, dz] = [1, 2, 3, 4].map((s) => random(n, 100 * c.S + s));
      const mask = c.causalP ? causalMask(c.S / c.causalP, c.causalP) : null;
      const ref = reference(c, q, k, v, dz, mask);
      const fused = viaCore("fused", c, q, k, v, dz, mask);
      const batched = viaCore("batched", c, q, k, v, dz, mask);
      for (const key of ["z", "A", "dq", "dk", "dv"] as const) {
        const err = relErr(fused[key], ref[key]);
        const tfErr = relErr(batched[key], ref[key]);
        // float32 sums of up to 288 terms: TF.js's own core is 2e-6 (of the largest entry) off float64 at the
        // full IHA shape; the kernel must be as close as it, give or take its different summation order
        expect(err, `${key} vs float64`).toBeLessThan(3e-6);
        expect(err, `${key} vs float64, against the batched core's error ${tfErr}`).toBeLessThan(Math.max(2.5 * tfErr, 3e-7));
        expect(relErr(fused[key], batched[key]), `${key} vs the batched core`).toBeLessThan(2e-6);
      }
      if (mask) for (let r = 0; r < c.G * c.S; r++) for (let j = 0; j < c.S; j++) if (mask[(r % c.S) * c.S + j] !== 0) expect(fused.A[r * c.S + j]).toBe(0);
    });
  }

  it("a gradient taken through the kernel frees every tensor it made", () => {
    const c = CASES[0];
    const n = c.G * c.S * c.d;
    const [q, k, v, dz] = [5, 6, 7, 8].map((s) => random(n, s));
    viaCore("fused", c, q, k, v, dz, null); // warm-up: the backend's own first allocations
    const before = tf.memory().numTensors;
    viaCore("fused", c, q, k, v, dz, null);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("keeps a forward pass's weights only under a gradient tape, frees them in the backward pass and reuses their memory", async () => {
    const c = CASES[1];
    const n = c.G * c.S * c.d;
    const [q, k, v] = [1, 2, 3].map((s) => tf.tensor4d(random(n, 30 + s), [1, c.G, c.S, c.d]));
    const kernel = new AttentionKernel(await kernelBytes());
    setAttentionKernel(kernel);
    try {
      const during: number[] = [];
      const step = () =>
        tf.tidy(() => {
          const f = (a: tf.Tensor) => {
            const z = attentionCore(a as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, false).z;
            during.push(kernel.usage().liveSlots);
            return z.square().sum() as tf.Scalar;
          };
          tf.grad(f)(q).dataSync();
        });
      step();
      expect(during).toEqual([1]);
      expect(kernel.usage().liveSlots).toBe(0);
      const bytes = kernel.usage().bytes;
      step();
      expect(kernel.usage()).toEqual({liveSlots: 0, bytes});
      tf.tidy(() => attentionCore(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, false).z.dataSync()); // no tape: nothing kept
      expect(kernel.usage().liveSlots).toBe(0);
    } finally {
      await useAttentionKernel();
      for (const t of [q, k, v]) t.dispose();
    }
  });

  it("works in TF.js's wasm memory: reads a tensor where it lies, hands a result to TF.js without a copy, frees what no tensor took", async () => {
    const kernel = new AttentionKernel(await kernelBytes());
    const backend = tf.backend() as unknown as {dataIdMap: {get(id: object): {memoryOffset: number}}};
    const [M, K, N] = [8192, 8, 32]; // 1 MB a result: 50 left behind would grow the memory
    const [a, b] = [tf.tensor2d(random(M * K, 41), [M, K]), tf.tensor2d(random(K * N, 42), [K, N])];
    const want = tf.tidy(() => Array.from(tf.matMul(a, b).dataSync()));
    const round = (take: boolean) => {
      const view = kernel.productNN(floats(a), floats(b), M, K, N); // [M,N]
      if (!take) return;
      const offset = view.byteOffset;
      const t = kernel.tensor(view, [M, N]);
      expect(backend.dataIdMap.get(t.dataId).memoryOffset, "the tensor's data is the result's block").toBe(offset);
      expect(Array.from(t.dataSync())).toEqual(want);
      t.dispose();
    };
    round(true);
    round(false);
    const [bytes, tensors] = [tf.memory().numBytes, tf.memory().numTensors];
    const heap = kernel.usage().bytes;
    for (let r = 0; r < 50; r++) round(r % 2 === 0);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(kernel.usage().bytes, "no block is left behind (the memory would grow)").toBe(heap);
    // an array outside that memory is copied in, with the same result
    expect(Array.from(kernel.productNN(a.dataSync() as Float32Array, b.dataSync() as Float32Array, M, K, N))).toEqual(want);
    tf.dispose([a, b]);
  });

  it("compiles to the same bytes twice and refuses a module that is not the kernel", async () => {
    const bytes = await kernelBytes();
    expect(Array.from(await kernelBytes())).toEqual(Array.from(bytes));
    expect(() => new AttentionKernel(bytes.slice(0, 8))).toThrow(/not the attention kernel/); // an empty module
    expect(() => new AttentionKernel(bytes.slice(8))).toThrow();
  });
});

interface LayerCase {
  name: string;
  preset: Preset;
  arch: "iha" | "mha";
  B: number;
  causal?: boolean;
}

const LAYER_CASES: LayerCase[] = [
  {name: `IHA tiny (P = ${TINY.model.n_pseudo})`, preset: TINY, arch: "iha", B: 3},
  {name: `IHA full (P = ${FULL.model.n_pseudo})`, preset: FULL, arch: "iha", B: 2},
  {name: `IHA tiny, causal (P = ${TINY.model.n_pseudo})`, preset: TINY, arch: "iha", B: 3, causal: true},
  {name: "MHA full", preset: FULL, arch: "mha", B: 3},
  {name: "MHA tiny, causal", preset: TINY, arch: "mha", B: 3, causal: true},
];

/**
 * Output and gradients (input and every attention parameter) of Σ dy ⊙ attention sublayer(x) with random
 * weights (no structure the layouts could hide behind), through the layer's own layouts (no cache) or
 * through [B,H,·,d] (a cache is recorded, which takes that path).
 */
function sublayer(c: LayerCase, cfg: ModelConfig, viaCache: boolean): Record<string, Float32Array> {
  const N = cfg.m * cfg.m;
  const specs = paramSpecs(cfg).filter((s) => s.name.startsWith("blocks.0.attn.") || s.name.startsWith("blocks.0.ln1."));
  return tf.tidy(() => {
    const weights = specs.map((s, i) => tf.tensor(random(s.shape.reduce((a, b) => a * b, 1), 7000 + i), s.shape).mul(s.name.includes("ln1") ? 1 : 0.5));
    const x = tf.tensor3d(random(c.B * N * cfg.d_model, 11), [c.B, N, cfg.d_model]);
    const dy = tf.tensor3d(random(c.B * N * cfg.d_model, 12), [c.B, N, cfg.d_model]);
    let y: tf.Tensor | null = null;
    const f = (...ts: tf.Tensor[]) => {
      const params = Object.fromEntries(specs.map((s, i) => [s.name, ts[i + 1]])) as unknown as Params;
      const cache: Cache | undefined = viaCache ? {} : undefined;
      y = tf.keep(attentionSublayer(params, cfg, 0, ts[0] as tf.Tensor3D, cache, c.causal)); // [B,N,D]
      if (viaCache) expect(Object.keys(cache!).length).toBeGreaterThan(0);
      return y.mul(dy).sum() as tf.Scalar;
    };
    const grads = tf.grads(f)([x, ...weights]);
    const out: Record<string, Float32Array> = {y: y!.dataSync() as Float32Array, x: grads[0].dataSync() as Float32Array};
    y!.dispose();
    specs.forEach((s, i) => (out[s.name] = grads[i + 1].dataSync() as Float32Array));
    return out;
  });
}

describe("the fused core on the layers' own layouts", () => {
  for (const c of LAYER_CASES) {
    it(`${c.name}: the sublayer and every gradient equal the [B,H,·,d] path to 1e-6`, () => {
      expect(coreIsFused()).toBe(true);
      const cfg = makeConfig(c.preset, c.arch);
      const own = sublayer(c, cfg, false);
      const heads = sublayer(c, cfg, true);
      expect(Object.keys(own).length).toBeGreaterThan(c.arch === "iha" ? 10 : 6);
      for (const [name, ref] of Object.entries(heads)) {
        expect(Math.max(...ref.map(Math.abs)), `${name} is not all zero`).toBeGreaterThan(0);
        expect(relErr(own[name], ref), name).toBeLessThan(1e-6);
      }
    });
  }
});
