// The wasm Identity kernel that shares its input's data (src/data/wasmIdentity.ts, installed with the attention
// kernel in test/setup.ts as in training): a clone reads the same data buffer, outlives the
// tensor it was cloned from, and its data is freed with the last tensor that holds it; gradients through ops
// that save their inputs (TF.js clones what it saves) equal those of TF.js's copying kernel.
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {installWasmIdentity} from "../src/data/wasmIdentity.js";

describe("the sharing wasm Identity kernel", () => {
  it("is installed on the wasm backend; a clone shares its bytes, outlives its source and is freed with the last holder", () => {
    installWasmIdentity();
    expect(tf.getBackend()).toBe("wasm");
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = tf.memory();
    const y = x.clone();
    expect(y.dataId).toBe(x.dataId);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.memory().numTensors).toBe(before.numTensors + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers - 1);
    expect(tf.memory().numTensors).toBe(before.numTensors - 1);
    const s = tf.tensor1d(["a", "b"], "string");
    expect(s.clone().arraySync()).toEqual(["a", "b"]);
  });

  it("gradients through ops that save their inputs equal those with TF.js's own (copying) kernel", () => {
    installWasmIdentity();
    const f = (a: tf.Tensor, b: tf.Tensor) => a.mul(b).relu().matMul(b.transpose()).square().sum() as tf.Scalar;
    const [a, b] = [tf.randomNormal([5, 7], 0, 1, "float32", 1), tf.randomNormal([5, 7], 0, 1, "float32", 2)];
    const shared = tf.grads(f)([a, b]).map((g) => Array.from(g.dataSync()));
    const sharing = tf.getKernel(tf.Identity, "wasm")!;
    const copying = {kernelName: tf.Identity, backendName: "wasm", kernelFunc: (args: {inputs: tf.NamedTensorInfoMap}) => tf.tensor(tf.backend().readSync((args.inputs.x as tf.TensorInfo).dataId) as Float32Array, (args.inputs.x as tf.TensorInfo).shape)} as unknown as tf.KernelConfig;
    tf.unregisterKernel(tf.Identity, "wasm");
    tf.registerKernel(copying);
    try {
      const copied = tf.grads(f)([a, b]).map((g) => Array.from(g.dataSync()));
      expect(shared).toEqual(copied);
    } finally {
      tf.unregisterKernel(tf.Identity, "wasm");
      tf.registerKernel(sharing);
    }
    tf.dispose([a, b]);
  });
});
