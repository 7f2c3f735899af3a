// The frame of every loader: stdout carries only the finished file, progress and errors go to stderr,
// and a failure exits non-zero with a message naming the loader, having written nothing to stdout.
import {emit} from "./stdout.js"; // first: sends console output to stderr before anything logs
import {basename} from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {useAttentionKernel} from "./kernels.js";
import {installWasmSlice} from "./wasmSlice.js";

/** The TF.js backend every loader that runs a model uses (the same as training and the unit tests). */
export const BACKEND = "wasm";

/**
 * Selects the wasm backend and the fused attention kernel, as training does, and the in-place Slice kernel
 * (wasmSlice.ts: same values, without copying the whole input per slice); call before running any model.
 */
export async function useBackend(): Promise<void> {
  if (!(await tf.setBackend(BACKEND))) throw new Error(`TensorFlow.js could not start its ${BACKEND} backend`);
  await useAttentionKernel();
  installWasmSlice();
}

export interface LoaderOptions {
  /** start the TF.js backend first (loaders that run a model) */
  tf?: boolean;
}

/** Builds the file and writes it to stdout; on any error writes nothing there, reports on stderr, exits 1. */
export async function runLoader(build: () => Promise<string | Uint8Array> | string | Uint8Array, options: LoaderOptions = {}): Promise<void> {
  const name = basename(process.argv[1] ?? "loader");
  const t0 = performance.now();
  let output: string | Uint8Array;
  try {
    if (options.tf) await useBackend();
    output = await build();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`mixviz: loader ${name} failed: ${message}`);
    process.exit(1);
  }
  await emit(output);
  const size = typeof output === "string" ? Buffer.byteLength(output) : output.byteLength;
  console.error(`mixviz: ${name} wrote ${size} bytes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
