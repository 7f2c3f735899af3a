// Builds the fused attention kernel (src/model/kernels/attention.as.ts) with the AssemblyScript compiler
// from node_modules, once per version of its source: the module is cached in .cache/kernels under a
// digest of the source and the compiler's version, written atomically. The compiler itself is loaded only
// when the cache misses. `useAttentionKernel` installs it
// for the TF.js attention core of this process (training, loaders, tests, benchmarks).
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {setAttentionKernel} from "../model/attention.js";
import {AttentionKernel} from "../model/fusedAttention.js";
import {installWasmIdentity} from "./wasmIdentity.js";

export const KERNEL_SOURCE = fileURLToPath(new URL("../model/kernels/attention.as.ts", import.meta.url));
const KERNEL_DIR = ".cache/kernels";
/** importMemory: the module works in TF.js's wasm memory (fusedAttention.ts, KernelHeap), and has no data of its own */
const OPTIONS = {optimizeLevel: 3, shrinkLevel: 0, runtime: "stub", noAssert: true, enable: ["simd"], importMemory: true, noExportMemory: true};
/** the compiler's version, read without loading the compiler (importing it takes seconds) */
const ASC_VERSION = (createRequire(import.meta.url)("assemblyscript/package.json") as {version: string}).version;

/** The compiled kernel's bytes, from the cache or compiled now. */
export async function kernelBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const source = readFileSync(KERNEL_SOURCE, "utf-8");
  const key = createHash("sha256").update(source).update(ASC_VERSION).update(JSON.stringify(OPTIONS)).digest("hex").slice(0, 16);
  const file = join(KERNEL_DIR, `attention-${key}.wasm`);
  if (existsSync(file)) return readFileSync(file);
  const binary = await compileKernel(source, KERNEL_SOURCE); // only on a cache miss
  mkdirSync(KERNEL_DIR, {recursive: true});
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, binary);
  renameSync(partial, file);
  return binary;
}

/** A kernel source (AssemblyScript) compiled with the kernel's options, uncached (`name` for errors; bench/kernelAb.ts). */
export async function compileKernel(source: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const {default: asc} = await import("assemblyscript/asc"); // importing the compiler takes seconds
  const {error, stderr, binary} = await asc.compileString({"attention.ts": source}, OPTIONS);
  if (error || !binary) throw new Error(`compiling ${name} failed: ${error?.message ?? "no output"}\n${stderr.toString()}`);
  return new Uint8Array(binary);
}

/**
 * Compiles (or reads) the kernel and makes the attention core of this process use it (with the weight gradients
 * of matMul2d), working in the memory of TF.js's wasm backend, which must be selected first; also installs the
 * Identity kernel that shares data (wasmIdentity.ts), so that the tensors ops save for their gradients are not
 * copied. Every process that trains calls this.
 */
export async function useAttentionKernel(): Promise<AttentionKernel> {
  const kernel = new AttentionKernel(await kernelBytes());
  setAttentionKernel(kernel);
  installWasmIdentity();
  return kernel;
}
