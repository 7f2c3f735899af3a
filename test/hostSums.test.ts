// The bias add and LayerNorm's scale and shift whose gradients are column sums on the host, and the weight
// gradient of a product with a one- or two-column operand (src/model/hostSums.ts), against a float64
// reference and against TF.js's own gradients, at the shapes training runs ([B·N, D] and [B·N, d_mlp] of the
// full preset, the unembedding's one column, the bit embedding's two).
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {matMul2d} from "../src/model/attention.js";
import {addBias, columnSums, scaleShift, thinProductTN} from "../src/model/hostSums.js";
import {mulberry32, normal} from "../src/model/prng.js";

function random(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({length: n}, () => normal(rng));
}

/** Σ_m x[m,n] (· y[m,n]) in float64. */
function reference(x: Float32Array, N: number, y?: Float32Array): Float64Array {
  const out = new Float64Array(N);
  for (let i = 0; i < x.length; i++) out[i % N] += x[i] * (y ? y[i] : 1);
  return out;
}

/** The largest |entry|. */
function largest(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Every entry of a within `rel` of b's (relative to the entry, plus rel of b's largest for entries near 0). */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  const scale = largest(b);
  expect(scale, `${what} is not all zero`).toBeGreaterThan(0);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${what}[${i}]`).toBeLessThanOrEqual(rel * (Math.abs(b[i]) + scale * 1e-3));
}

const SHAPES: [number, number][] = [[2304, 64], [2304, 256], [2304, 1], [7, 3]];

describe("columnSums", () => {
  for (const [M, N] of SHAPES) {
    it(`[${M}, ${N}]: the float64 column sums rounded once (plain and weighted)`, () => {
      const [x, y] = [random(M * N, M + N), random(M * N, M * N)];
      const [tx, ty] = [tf.tensor2d(x, [M, N]), tf.tensor2d(y, [M, N])];
      const plain = columnSums(tx, [N]);
      const weighted = columnSums(tx, [1, N], ty);
      expect(weighted.shape).toEqual([1, N]);
      expectClose(plain.dataSync(), reference(x, N), 1.2e-7, "Σ x");
      expectClose(weighted.dataSync(), reference(x, N, y), 1.2e-7, "Σ x·y");
      tf.dispose([tx, ty, plain, weighted]);
    });
  }
});

describe("addBias and scaleShift", () => {
  for (const [M, N] of SHAPES) {
    it(`[${M}, ${N}]: values equal TF.js's broadcast ops bit for bit; the input's gradient to 1e-6, the scale's and shift's are float64 column sums`, () => {
      const x = tf.tensor2d(random(M * N, 1), [M, N]);
      const w = tf.tensor1d(random(N, 2));
      const b = tf.tensor2d(random(N, 3), [1, N]); // any shape with N entries
      const dy = tf.tensor2d(random(M * N, 4), [M, N]);
      const ours = (a: tf.Tensor, g: tf.Tensor, c: tf.Tensor) => addBias(scaleShift(a, g, c.reshape([N])), c).mul(dy).sum() as tf.Scalar;
      const theirs = (a: tf.Tensor, g: tf.Tensor, c: tf.Tensor) => a.mul(g).add(c.reshape([N])).add(c.reshape([N])).mul(dy).sum() as tf.Scalar;
      expect(Array.from(addBias(x, b).dataSync())).toEqual(Array.from(x.add(b.reshape([N])).dataSync()));
      expect(Array.from(scaleShift(x, w, b.reshape([N])).dataSync())).toEqual(Array.from(x.mul(w).add(b.reshape([N])).dataSync()));
      const got = tf.grads(ours)([x, w, b]);
      const want = tf.grads(theirs)([x, w, b]);
      const [dyData, xData] = [dy.dataSync() as Float32Array, x.dataSync() as Float32Array];
      // the shift's gradient is the float64 column sum of dy, twice (two adds); the scale's that of dy ⊙ x
      const exact = [null, reference(dyData, N, xData), reference(dyData, N).map((v) => 2 * v)];
      ["x", "w", "b"].forEach((name, i) => {
        expect(got[i].shape, name).toEqual(want[i].shape);
        const [g, e] = [got[i].dataSync(), want[i].dataSync()];
        const scale = largest(e);
        const off = (a: ArrayLike<number>, r: ArrayLike<number>) => {
          let worst = 0;
          for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - r[j]));
          return worst / scale;
        };
        const ref = exact[i];
        if (!ref) {
          expect(off(g, e), name).toBeLessThan(1e-6); // dy ⊙ w, as TF.js computes it
          return;
        }
        expectClose(g, ref, 1.2e-7, `${name} vs float64`);
        // TF.js sums in float32 (up to 1.8e-6 of the largest entry off float64 at [2304, 256]): ours is as close to it as it is to float64
        expect(off(g, e), `${name} vs TF.js's broadcast gradient`).toBeLessThan(off(e, ref) + 1e-7);
      });
      tf.dispose([x, w, b, dy, ...got, ...want]);
    });
  }
});

describe("thinProductTN, the weight gradient of a product with a thin side", () => {
  const CASES: [number, number, number, boolean][] = [[2304, 2, 64, true], [2304, 64, 1, false], [5, 3, 2, false]];
  for (const [M, K, N, oneHot] of CASES) {
    it(`[${M}, ${K}]ᵀ·[${M}, ${N}]${oneHot ? " (one-hot rows)" : ""}: float64 sums rounded once; matMul2d's gradient equals TF.js's to 1e-6`, () => {
      const rng = mulberry32(K + N);
      let aData = random(M * K, 21);
      if (oneHot) {
        aData = new Float32Array(M * K);
        for (let m = 0; m < M; m++) aData[m * K + Math.floor(rng() * K)] = 1;
      }
      const [a, dy] = [tf.tensor2d(aData, [M, K]), tf.tensor2d(random(M * N, 22), [M, N])];
      const got = thinProductTN(a, dy);
      expect(got.shape).toEqual([K, N]);
      const ref = new Float64Array(K * N);
      const dyData = dy.dataSync();
      for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) ref[k * N + n] += aData[m * K + k] * dyData[m * N + n];
      expectClose(got.dataSync(), ref, 1.2e-7, "aᵀ·dy");
      const W = tf.tensor2d(random(K * N, 23), [K, N]);
      const ours = tf.grads((x: tf.Tensor, w: tf.Tensor) => matMul2d(x, w).mul(dy).sum() as tf.Scalar)([a, W]);
      const theirs = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D).mul(dy).sum() as tf.Scalar)([a, W]);
      for (let i = 0; i < 2; i++) {
        const [g, e] = [ours[i].dataSync(), theirs[i].dataSync()];
        let worst = 0;
        for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j] - e[j]));
        expect(worst / largest(e), ["da", "dW"][i]).toBeLessThan(1e-6);
      }
      tf.dispose([a, dy, got, W, ...ours, ...theirs]);
    });
  }
});
