// Per-kernel profile of one training step on the wasm backend (tf.profile), for finding slow kernels:
//   npx tsx bench/profile.ts ["iha P=8" | "iha P=4" | mha | talking_heads] [rows]
// Kernel times nest (a customGrad's "forward" includes the kernels it runs) and the profiler adds
// overhead of its own: use it to rank kernels, and bench/run.ts for step times.
import * as tf from "@tensorflow/tfjs";
import {FULL} from "../src/model/config.js";
import {disposeParams, initParams} from "../src/model/params.js";
import {toArrays, trainBatches} from "../src/model/task.js";
import {makeTrainer} from "../src/model/train.js";
import {benchCases, useWasm} from "./steps.js";

await useWasm();
const label = process.argv[2] ?? "iha P=8";
const rows = Number(process.argv[3] ?? 30);
const c = benchCases().find((x) => x.label === label);
if (!c) throw new Error(`unknown case ${label}; one of ${benchCases().map((x) => x.label).join(", ")}`);
const B = FULL.train.batch_size;
const N = c.cfg.m * c.cfg.m;
const {bits, labels} = toArrays(trainBatches(0, 1, B * 2, FULL.task));
const params = initParams(c.cfg, 0);
const trainer = makeTrainer(params, c.cfg, FULL.train.lr);
trainer.step(bits.subarray(0, B * N), labels.subarray(0, B * N)); // warm-up
const t0 = performance.now();
const prof = await tf.profile(() => {
  trainer.step(bits.subarray(B * N, 2 * B * N), labels.subarray(B * N, 2 * B * N));
});
const wall = performance.now() - t0;
const byKernel = new Map<string, {ms: number; n: number}>();
for (const k of prof.kernels) {
  const shapes = JSON.stringify(k.inputShapes);
  const key = `${k.name} ${shapes.length > 80 ? shapes.slice(0, 77) + "..." : shapes}`;
  const a = byKernel.get(key) ?? {ms: 0, n: 0};
  a.ms += k.kernelTimeMs as number;
  a.n++;
  byKernel.set(key, a);
}
console.log(`${label}: wall ${wall.toFixed(0)} ms (profiled), ${prof.kernels.length} kernels`);
console.log("      ms  calls  kernel [input shapes]");
for (const [k, v] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, rows)) {
  console.log(`${v.ms.toFixed(1).padStart(8)}  ${String(v.n).padStart(5)}  ${k}`);
}
trainer.dispose();
disposeParams(params);
