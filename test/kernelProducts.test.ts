// The kernel's products (productTN and productNN in src/model/kernels/attention.as.ts, through
// AttentionKernel), which matMul2d takes for a·b, dy·bᵀ and the weight gradient aᵀ·dy whenever the kernel is
// installed, against a float64 nested-loop reference and against TF.js's own product, at the shapes training runs: the
// tiny and full presets' projections and MLP ([B·N, D]ᵀ·[B·N, D], [B·N, D]ᵀ·[B·N, d_mlp] and back), IHA's α
// mixes and R collapse at the full preset ([B·N·d, H]ᵀ·[B·N·d, H·P] and back), Talking Heads' mixes
// ([B·N², H]ᵀ·[B·N², H]), and an odd size (rows not a multiple of the block, columns not of 8).
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {kernelBytes} from "../src/data/kernels.js";
import {linear, matMul2d} from "../src/model/attention.js";
import {columnSums, thinProductTN} from "../src/model/hostSums.js";
import {FULL, TINY} from "../src/model/config.js";
import {AttentionKernel} from "../src/model/fusedAttention.js";
import {mulberry32, normal} from "../src/model/prng.js";

function random(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({length: n}, () => normal(rng));
}

/** The largest |entry|. */
function largest(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** The largest |a − b| over the largest |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / largest(b);
}

const tinyT = TINY.train.batch_size * TINY.task.m ** 2; // B·N
const fullT = FULL.train.batch_size * FULL.task.m ** 2;
const {d_model: tD, d_mlp: tF} = TINY.model;
const {d_model: D, d_mlp: F, n_heads: H, d_head: d, n_pseudo: P} = FULL.model;
const CASES: {name: string; M: number; K: number; N: number}[] = [
  {name: "tiny projection", M: tinyT, K: tD, N: tD},
  {name: "tiny MLP in", M: tinyT, K: tD, N: tF},
  {name: "full projection", M: fullT, K: D, N: D},
  {name: "full MLP in", M: fullT, K: D, N: F},
  {name: "full MLP out", M: fullT, K: F, N: D},
  {name: "full IHA α mix", M: fullT * d, K: H, N: H * P},
  {name: "full IHA R collapse", M: fullT * d, K: H * P, N: H},
  {name: "full Talking Heads mix", M: FULL.train.batch_size * FULL.task.m ** 4, K: H, N: H},
  {name: "odd: 301 rows, 12 columns", M: 301, K: 4, N: 12},
];

describe("the kernel's weight-gradient product aᵀ·dy", () => {
  for (const {name, M, K, N} of CASES) {
    it(`${name}, [${M}, ${K}]ᵀ·[${M}, ${N}]: within 1e-6 of float64 and no further from it than TF.js's product; matMul2d's and linear's gradients equal TF.js's to 1e-6`, async () => {
      const kernel = new AttentionKernel(await kernelBytes());
      const [a, b] = [random(M * K, K * 31 + N), random(M * N, N * 17 + K)];
      const got = kernel.productTN(a, b, M, K, N).slice(); // [K,N]
      const ref = new Float64Array(K * N);
      for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) ref[k * N + n] += a[m * K + k] * b[m * N + n];
      const tfProduct = tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]).transpose(), tf.tensor2d(b, [M, N])).dataSync());
      const err = relErr(got, ref);
      expect(err, "vs float64").toBeLessThan(1e-6);
      expect(err, `vs float64, against TF.js's error ${relErr(tfProduct, ref)}`).toBeLessThan(Math.max(1.5 * relErr(tfProduct, ref), 1e-7));

      const [x, W, dy] = [tf.tensor2d(a, [M, K]), tf.tensor2d(random(K * N, 5), [K, N]), tf.tensor2d(b, [M, N])];
      const ours = tf.grads((u: tf.Tensor, w: tf.Tensor) => matMul2d(u, w).mul(dy).sum() as tf.Scalar)([x, W]);
      const theirs = tf.grads((u: tf.Tensor, w: tf.Tensor) => tf.matMul(u as tf.Tensor2D, w as tf.Tensor2D).mul(dy).sum() as tf.Scalar)([x, W]);
      for (let i = 0; i < 2; i++) expect(relErr(ours[i].dataSync(), theirs[i].dataSync()), ["da", "dW"][i]).toBeLessThan(1e-6);
      // linear: the product and a bias in one op, against TF.js's product and add
      const bias = tf.tensor1d(random(N, 6));
      const lin = tf.grads((u: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => linear(u, w, c).mul(dy).sum() as tf.Scalar)([x, W, bias]);
      const plain = tf.grads((u: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.matMul(u as tf.Tensor2D, w as tf.Tensor2D).add(c).mul(dy).sum() as tf.Scalar)([x, W, bias]);
      const [yl, yp] = tf.tidy(() => [linear(x, W, bias).dataSync(), tf.matMul(x, W).add(bias).dataSync()]);
      expect(relErr(yl, yp), "linear's value").toBeLessThan(1e-6);
      for (let i = 0; i < 2; i++) expect(relErr(lin[i].dataSync(), plain[i].dataSync()), `linear's ${["da", "dW"][i]}`).toBeLessThan(1e-6);
      // dbias: float64 sums rounded once, as hostSums.columnSums (TF.js's float32 Sum drifts further at these M)
      expect(Array.from(lin[2].dataSync()), "linear's dbias").toEqual(Array.from(tf.tidy(() => columnSums(dy, [N]).dataSync())));
      tf.dispose([x, W, dy, bias, ...ours, ...theirs, ...lin, ...plain]);
    });
  }
});

describe("the kernel's product a·b, and dy·bᵀ, aᵀ·dy and Σ dy in one call (productGrads)", () => {
  for (const {name, M, K, N} of CASES) {
    it(`${name}, [${M}, ${K}]·[${K}, ${N}] and [${M}, ${N}]·[${K}, ${N}]ᵀ: within 1e-6 of float64 and no further from it than TF.js's product`, async () => {
      const kernel = new AttentionKernel(await kernelBytes());
      const [a, b, dy] = [random(M * K, K * 13 + N), random(K * N, N * 7 + K), random(M * N, N * 3 + K)];
      const got = kernel.productNN(a, b, M, K, N).slice(); // [M,N]
      const ref = new Float64Array(M * N);
      for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) ref[m * N + n] += a[m * K + k] * b[k * N + n];
      const tfProduct = tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])).dataSync());
      expect(relErr(got, ref), "a·b vs float64").toBeLessThan(1e-6);
      expect(relErr(got, ref), "a·b vs float64, against TF.js's error").toBeLessThan(Math.max(1.5 * relErr(tfProduct, ref), 1e-7));
      if (K % 4 === 0) {
        const grads = kernel.productGrads(a, b, dy, M, K, N, true);
        const gotT = grads.da.slice(); // [M,K] = dy·bᵀ
        const dbias = grads.dbias!.slice(); // [N]
        const db = grads.db.slice();
        expect(Array.from(db), "aᵀ·dy of productGrads = productTN (tested above)").toEqual(Array.from(kernel.productTN(a, dy, M, K, N)));
        const colRef = new Float64Array(N);
        for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) colRef[n] += dy[m * N + n];
        for (let n = 0; n < N; n++) expect(Math.abs(dbias[n] - colRef[n]), `Σ dy[${n}], float64 rounded once`).toBeLessThanOrEqual(1.2e-7 * Math.abs(colRef[n]) + 1e-30);
        const refT = new Float64Array(M * K);
        for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) refT[m * K + k] += dy[m * N + n] * b[k * N + n];
        const tfT = tf.tidy(() => tf.matMul(tf.tensor2d(dy, [M, N]), tf.tensor2d(b, [K, N]).transpose()).dataSync());
        expect(relErr(gotT, refT), "dy·bᵀ vs float64").toBeLessThan(1e-6);
        expect(relErr(gotT, refT), "dy·bᵀ vs float64, against TF.js's error").toBeLessThan(Math.max(1.5 * relErr(tfT, refT), 1e-7));
      }
    });
  }
});

describe("the kernel's thin weight gradient aᵀ·dy (thinProductTN)", () => {
  const THIN: [number, number, number, boolean][] = [[fullT, 2, D, true], [fullT, D, 1, false], [5, 3, 2, false], [7, 2, 3, true]];
  for (const [M, K, N, oneHot] of THIN) {
    it(`[${M}, ${K}]ᵀ·[${M}, ${N}]${oneHot ? " (one-hot rows)" : ""}: the same bits as the host's float64 sums (hostSums.thinProductTN)`, async () => {
      const kernel = new AttentionKernel(await kernelBytes());
      const rng = mulberry32(K * 7 + N);
      let a = random(M * K, K + N);
      if (oneHot) {
        a = new Float32Array(M * K);
        for (let m = 0; m < M; m++) a[m * K + Math.floor(rng() * K)] = 1;
      }
      const dy = random(M * N, 3 * K + N);
      const got = Array.from(kernel.thinProductTN(a, dy, M, K, N)); // [K,N]
      const want = tf.tidy(() => Array.from(thinProductTN(tf.tensor2d(a, [M, K]), tf.tensor2d(dy, [M, N])).dataSync()));
      expect(got).toEqual(want);
    });
  }
});
