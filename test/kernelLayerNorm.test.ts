// LayerNorm on the fused kernel (layerNormForward / layerNormBackward in src/model/kernels/attention.as.ts,
// through model.layerNorm when a kernel is installed) against a float64 nested-loop reference and against the
// TF.js ops that run without the kernel, forward and every gradient, at the shapes training runs: the full
// preset's [B, N, d_model] and the tiny preset's.
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {attentionKernel, setAttentionKernel} from "../src/model/attention.js";
import {FULL, LN_EPS, TINY} from "../src/model/config.js";
import {layerNorm} from "../src/model/model.js";
import {mulberry32, normal} from "../src/model/prng.js";

function random(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({length: n}, () => shift + scale * normal(rng));
}

/** The largest |a − b| over the largest |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [worst, big] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    big = Math.max(big, Math.abs(b[i]));
  }
  return worst / big;
}

/** float64 y, dx, dw, db of Σ dy ⊙ LayerNorm(x) for rows of D. */
function reference(x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array, D: number) {
  const M = x.length / D;
  const [y, dx] = [new Float64Array(M * D), new Float64Array(M * D)];
  const [dw, db] = [new Float64Array(D), new Float64Array(D)];
  for (let m = 0; m < M; m++) {
    const row = x.subarray(m * D, (m + 1) * D);
    const mu = row.reduce((a, v) => a + v, 0) / D;
    const s = Math.sqrt(row.reduce((a, v) => a + (v - mu) ** 2, 0) / D + LN_EPS);
    const xhat = Array.from(row, (v) => (v - mu) / s);
    const g = xhat.map((_, c) => dy[m * D + c] * w[c]);
    const mg = g.reduce((a, v) => a + v, 0) / D;
    const mgx = g.reduce((a, v, c) => a + v * xhat[c], 0) / D;
    for (let c = 0; c < D; c++) {
      y[m * D + c] = xhat[c] * w[c] + b[c];
      dx[m * D + c] = (g[c] - mg - xhat[c] * mgx) / s;
      dw[c] += dy[m * D + c] * xhat[c];
      db[c] += dy[m * D + c];
    }
  }
  return {y, dx, dw, db};
}

/** y, dx, dw, db through model.layerNorm, on the kernel or (kernel removed) on TF.js's ops. */
function viaLayerNorm(shape: [number, number, number], x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array, onKernel: boolean) {
  const kernel = attentionKernel();
  if (!onKernel) setAttentionKernel(null);
  try {
    return tf.tidy(() => {
      const [tx, tw, tb, tdy] = [tf.tensor3d(x, shape), tf.tensor1d(w), tf.tensor1d(b), tf.tensor3d(dy, shape)];
      const y = layerNorm(tx, tw, tb).dataSync() as Float32Array;
      const [dx, dw, db] = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => layerNorm(a as tf.Tensor3D, c, e).mul(tdy).sum() as tf.Scalar)([tx, tw, tb]).map((g) => g.dataSync() as Float32Array);
      return {y, dx, dw, db};
    });
  } finally {
    setAttentionKernel(kernel);
  }
}

describe("LayerNorm on the kernel", () => {
  const CASES: [string, [number, number, number]][] = [
    ["full", [FULL.train.batch_size, FULL.task.m ** 2, FULL.model.d_model]],
    ["tiny", [TINY.train.batch_size, TINY.task.m ** 2, TINY.model.d_model]],
  ];
  for (const [name, shape] of CASES) {
    it(`${name} [${shape.join(", ")}]: y and every gradient within 1e-6 of float64 and of the TF.js ops`, () => {
      expect(attentionKernel()).not.toBeNull();
      const [B, N, D] = shape;
      const x = random(B * N * D, 1, 2, 0.5); // rows with a mean and a spread to remove
      const [w, b, dy] = [random(D, 2, 1, 1), random(D, 3), random(B * N * D, 4)];
      const ref = reference(x, w, b, dy, D);
      const kern = viaLayerNorm(shape, x, w, b, dy, true);
      const ops = viaLayerNorm(shape, x, w, b, dy, false);
      for (const key of ["y", "dx", "dw", "db"] as const) {
        expect(relErr(kern[key], ref[key]), `${key} vs float64`).toBeLessThan(1e-6);
        expect(relErr(kern[key], ops[key]), `${key} vs TF.js's ops`).toBeLessThan(1e-6);
      }
    });
  }
});
