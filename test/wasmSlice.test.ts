// The loaders' in-place wasm Slice kernel (src/data/wasmSlice.ts) gives exactly the elements TF.js's own
// slice gives, for contiguous and strided boxes of every rank the models use and beyond.
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {installWasmSlice} from "../src/data/wasmSlice.js";
import {mulberry32} from "../src/model/prng.js";

/** x[begin … begin + size) of a row-major array of `shape`, by index arithmetic (the reference). */
function referenceSlice(data: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array {
  const out = new Float32Array(size.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, n) => p * n, 1));
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let from = 0;
    for (let a = size.length - 1; a >= 0; a--) {
      from += (begin[a] + (rest % size[a])) * strides[a];
      rest = Math.floor(rest / size[a]);
    }
    out[i] = data[from];
  }
  return out;
}

const CASES: {shape: number[]; begin: number[]; size: number[]}[] = [
  {shape: [7], begin: [2], size: [4]},
  {shape: [5, 6], begin: [1, 2], size: [3, 3]}, // strided
  {shape: [5, 6], begin: [2, 0], size: [2, 6]}, // contiguous rows
  {shape: [4, 3, 5], begin: [1, 1, 0], size: [2, 2, 5]},
  {shape: [6, 3, 9, 9], begin: [2, 0, 0, 0], size: [3, 3, 9, 9]}, // a batch slice (effective maps' chunks)
  {shape: [4, 3, 12, 12], begin: [0, 0, 0, 0], size: [4, 3, 4, 4]}, // the naive map's top-left corner
  {shape: [3, 2, 4, 3, 5], begin: [1, 0, 1, 1, 2], size: [2, 2, 2, 2, 3]},
  {shape: [4, 5], begin: [1, 1], size: [0, 3]} // empty
];

describe("the in-place wasm Slice kernel", () => {
  let saved: tf.KernelConfig | undefined;
  beforeAll(() => {
    saved = tf.getKernel(tf.Slice, "wasm");
    installWasmSlice();
  });

  it("is the kernel the wasm backend now runs", () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(tf.getKernel(tf.Slice, "wasm")?.kernelFunc).not.toBe(saved?.kernelFunc);
  });

  it.each(CASES)("slices $shape at $begin, size $size exactly", ({shape, begin, size}) => {
    const rng = mulberry32(shape.length * 31 + begin[0]);
    const data = Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => rng() - 0.5);
    const expected = referenceSlice(data, shape, begin, size);
    const out = tf.tidy(() => tf.tensor(data, shape).slice(begin, size));
    expect(out.shape).toEqual(size);
    expect(Array.from(out.dataSync())).toEqual(Array.from(expected));
    out.dispose();
  });

  it("slices int32 tensors and keeps every tensor it does not own", () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    const before = tf.memory().numTensors;
    const out = x.slice([0, 1], [2, 2]);
    expect(out.dtype).toBe("int32");
    expect(Array.from(out.dataSync())).toEqual([2, 3, 5, 6]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, out]);
  });

  it("reads its input after allocating the output, so a heap that grows under it is no harm", () => {
    const x = tf.tensor(Float32Array.from({length: 64}, (_, i) => i), [8, 8]);
    const big = tf.fill([16 * 1024 * 1024], 1); // 64 MB: the next allocations may grow the wasm memory
    const out = x.slice([2, 3], [4, 4]);
    expect(Array.from(out.dataSync())).toEqual(Array.from(referenceSlice(x.dataSync() as Float32Array, [8, 8], [2, 3], [4, 4])));
    tf.dispose([x, big, out]);
  });
});
