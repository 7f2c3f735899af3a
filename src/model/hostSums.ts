// Gradients summed on the host, where TF.js's wasm backend copies far more than it sums: adding a bias and
// LayerNorm's scale and shift (TF.js sums dy over the leading axes with its Sum kernel, which transposes the
// whole input first so that the reduced axes are innermost: 0.7 ms for a [2304, 64] dy, 3.5 ms for
// [2304, 256]), and the weight gradient aᵀ·dy of a product with a very thin operand (the one-hot bit
// embedding's two columns, the unembedding's one: XNNPACK repacks the other, [2304, 64], on every call,
// 1.5–2 ms). A column sum on the host reads its input once, in order, and sums in float64.
import * as tf from "@tensorflow/tfjs";
import {floats} from "./tensorData.js";

/**
 * Σ_m x[m, n] (times y[m, n] when y is given) over the rows of x viewed as [M, N], summed in float64;
 * a float32 tensor of `shape` (N entries).
 */
export function columnSums(x: tf.Tensor, shape: number[], y?: tf.Tensor): tf.Tensor {
  const N = x.shape[x.rank - 1];
  const out = new Float64Array(N);
  const xs = floats(x);
  const ys = y ? floats(y) : null;
  const M = xs.length / N;
  let m = 0;
  if (ys) {
    for (; m + 4 <= M; m += 4) {
      const o = m * N;
      for (let n = 0; n < N; n++) out[n] += xs[o + n] * ys[o + n] + xs[o + N + n] * ys[o + N + n] + (xs[o + 2 * N + n] * ys[o + 2 * N + n] + xs[o + 3 * N + n] * ys[o + 3 * N + n]);
    }
    for (; m < M; m++) for (let n = 0; n < N; n++) out[n] += xs[m * N + n] * ys[m * N + n];
  } else {
    for (; m + 4 <= M; m += 4) {
      const o = m * N;
      for (let n = 0; n < N; n++) out[n] += xs[o + n] + xs[o + N + n] + (xs[o + 2 * N + n] + xs[o + 3 * N + n]);
    }
    for (; m < M; m++) for (let n = 0; n < N; n++) out[n] += xs[m * N + n];
  }
  return tf.tensor(Float32Array.from(out), shape);
}

/** aᵀ·b for a [M, K] and b [M, N] (2-D tensors), summed in float64: for K or N of one or two (M·K·N steps). */
export function thinProductTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== M) throw new Error(`thinProductTN: a has ${M} rows, b ${b.shape[0]}`);
  const out = new Float64Array(K * N);
  const as = floats(a);
  const bs = floats(b);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      const w = as[m * K + k];
      if (w === 0) continue; // one-hot rows
      for (let n = 0; n < N; n++) out[k * N + n] += w * bs[m * N + n];
    }
  }
  return tf.tensor2d(Float32Array.from(out), [K, N]);
}

/** x [..., N] + b (N entries, any shape, added along x's last axis); db = column sums of dy. */
export const addBias = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, b] = args as [tf.Tensor, tf.Tensor];
  return {
    value: x.add(b.reshape([b.size])), // x's shape
    gradFunc: (dy: tf.Tensor) => [dy, columnSums(dy, b.shape)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x̂ [..., D] · w + b (w, b [D]), LayerNorm's last step; dw = Σ dy ⊙ x̂, db = Σ dy over the leading axes. */
export const scaleShift = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [xhat, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([xhat, w]);
  return {
    value: xhat.mul(w).add(b), // [..., D]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved;
      return [dy.mul(sw), columnSums(dy, sw.shape, sx), columnSums(dy, b.shape)];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (xhat: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
