// Starts TensorFlow.js on its wasm backend in the browser, once per page (the playground and the head
// workbench's language models). The backend comes through `npm:` (its browser build leaves Node's fs and
// path out); Framework self-hosts its three binaries, which setWasmPaths must all be given. That import
// brings a second copy of tfjs-core, which shares the first one's engine and registers the same "browser"
// platform again: TF.js runs in production mode here, so that re-registration is not logged as a warning
// on every page that runs a model (production mode only turns TF.js's own warnings off).
import * as tf from "@tensorflow/tfjs";

/** Switches TensorFlow.js to the wasm backend; does nothing when it already runs there. */
export async function startWasm(): Promise<void> {
  if (tf.getBackend() === "wasm") return;
  tf.enableProdMode();
  const {setWasmPaths} = await import("npm:@tensorflow/tfjs-backend-wasm");
  setWasmPaths({
    "tfjs-backend-wasm.wasm": import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
    "tfjs-backend-wasm-simd.wasm": import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
    "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")
  });
  if (!(await tf.setBackend("wasm"))) throw new Error("TensorFlow.js could not start its wasm backend");
  await tf.ready();
}
