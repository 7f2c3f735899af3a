// A float32 tensor's values without a copy where the backend allows it (the wasm backend), and a tensor made
// from an array that the caller reuses, for the ops whose kernels, gradients or updates run on the host.
import * as tf from "@tensorflow/tfjs";

/** What the wasm backend keeps of a tensor: its bytes sit in the backend's WebAssembly memory at memoryOffset. */
interface WasmBackendStorage {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset?: number | null} | undefined};
}

/**
 * A float32 tensor's data. On the wasm backend, a view of the backend's own memory (no copy: dataSync()
 * copies into a fresh array, 0.4–20 ms for IHA's 4.7 MB operands against 0.1 ms for copying from the
 * view); use it before the backend allocates again. Elsewhere dataSync().
 */
export function floats(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<WasmBackendStorage>;
  const offset = t.dtype === "float32" ? backend.dataIdMap?.get(t.dataId)?.memoryOffset : null;
  if (backend.wasm && typeof offset === "number") return new Float32Array(backend.wasm.HEAPU8.buffer, offset, t.size);
  return t.dataSync() as Float32Array;
}

/** A tensor holding a copy of `view` (the wasm backend copies what it is given into its memory; others keep it). */
export function tensorOf(view: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === "wasm" ? view : view.slice(), shape);
}
