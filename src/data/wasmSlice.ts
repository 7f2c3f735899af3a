// The wasm backend's Slice kernel, reading its input in place. TF.js 4.22's own kernel starts with
// `readSync`, which copies the whole input out of the wasm heap on every call: slicing 25 samples out of
// IHA's cached pseudo pattern ([100, 8, 288, 288], 265 MB) copied all 265 MB, and the maps slice it
// several times per batch (docs/benchmarks.md, "Data loaders after training"). This kernel copies only the slice, from a
// view of the heap taken after the output is allocated (allocating may grow the heap and detach older views).
// The values are the same floats, moved by the same `set` calls.
import * as tf from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

type Heap = Float32Array | Int32Array | Uint8Array;

function heapView(backend: BackendWasm, t: tf.TensorInfo): Heap {
  return backend.typedArrayFromHeap(t as never) as Heap;
}

/** Copies x[begin … begin + size) of a row-major array with the given strides into out, innermost runs at once. */
function copyBox(x: Heap, strides: number[], out: Heap, begin: number[], size: number[]): void {
  const rank = size.length;
  const run = size[rank - 1];
  let to = 0;
  const index = new Array<number>(rank - 1).fill(0); // position inside the box, outer axes
  const total = size.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let from = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) from += (begin[a] + index[a]) * strides[a];
    out.set(x.subarray(from, from + run), to);
    to += run;
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < size[a]) break;
      index[a] = 0;
    }
  }
}

function slice(args: {inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: tf.KernelBackend}): tf.TensorInfo {
  const {x} = args.inputs as {x: tf.TensorInfo};
  const {begin, size} = args.attrs as unknown as {begin: number | number[]; size: number | number[]};
  const backend = args.backend as BackendWasm;
  if (x.dtype === "string") throw new Error("the wasm Slice override does not handle strings");
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = backend.makeOutput(size_, x.dtype);
  if (size_.some((n) => n === 0)) return out;
  const xs = heapView(backend, x); // taken after makeOutput, which may grow the heap
  const target = heapView(backend, out);
  const strides = x.shape.length > 0 ? [...tf.util.computeStrides(x.shape), 1] : [1];
  if (tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
    const offset = tf.slice_util.computeFlatOffset(begin_, strides);
    target.set(xs.subarray(offset, offset + target.length));
  } else {
    copyBox(xs, strides, target, begin_, size_);
  }
  return out;
}

let installed = false;

/** Replaces the wasm backend's Slice kernel with the in-place one, once per process. */
export function installWasmSlice(): void {
  if (installed) return;
  tf.unregisterKernel(tf.Slice, "wasm");
  tf.registerKernel({kernelName: tf.Slice, backendName: "wasm", kernelFunc: slice as unknown as tf.KernelFunc});
  installed = true;
}
