// The wasm backend's Identity kernel, sharing its input's data instead of copying it. TF.js clones every
// tensor an op saves for its gradient (Engine.clone runs Identity): TF.js 4.22's wasm kernel copies the
// whole tensor each time (IHA's saved [18432, 64] operands are 4.7 MB), where the cpu and webgl backends'
// Identity returns the same data with its reference count raised, as the wasm backend's own Reshape does.
// Tensors are immutable, so a shared copy reads the same values; the data is freed with its last tensor.
import * as tf from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

type Args = {inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap};

/** TF.js's own kernel, for strings (which the wasm backend does not keep in its heap). */
let copying: tf.KernelFunc | null = null;

function identity(args: Args): tf.TensorInfo {
  const {x} = args.inputs as {x: tf.TensorInfo};
  if (x.dtype === "string") return copying!(args as never) as tf.TensorInfo;
  (args.backend as BackendWasm).incRef(x.dataId);
  return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
}

let installed = false;

/** Replaces the wasm backend's Identity kernel with the sharing one, once per process (none without the wasm backend). */
export function installWasmIdentity(): void {
  const own = tf.getKernel(tf.Identity, "wasm");
  if (installed || !own) return;
  copying = own.kernelFunc;
  tf.unregisterKernel(tf.Identity, "wasm");
  tf.registerKernel({kernelName: tf.Identity, backendName: "wasm", kernelFunc: identity as unknown as tf.KernelFunc});
  installed = true;
}
