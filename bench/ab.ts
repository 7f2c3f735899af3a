// Training steps of two checkouts of this repository in one process, alternating, so that both see the
// same machine load: the checkout at DIR ("before") and this one ("after"). Prints the median wall-clock
// and CPU time per step (CPU time is what a busy machine distorts least) and the load average.
//   git archive <commit> src bench package.json | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/
//   npx tsx bench/ab.ts /tmp/before ["iha P=8" …]        (ROUNDS=3 by default)
import {loadavg} from "node:os";
import * as tf from "@tensorflow/tfjs";
import {resolve} from "node:path";

const [dirArg, ...picked] = process.argv.slice(2);
if (!dirArg) {
  console.error('usage: npx tsx bench/ab.ts DIR ["iha P=8" | "iha P=4" | mha | talking_heads …]');
  process.exit(2);
}

/** The modules a step needs, from one checkout. */
async function checkout(dir: string) {
  const from = (f: string) => import(resolve(dir, f));
  return {
    steps: (await from("bench/steps.ts")) as typeof import("./steps.js"),
    config: (await from("src/model/config.ts")) as typeof import("../src/model/config.js"),
    params: (await from("src/model/params.ts")) as typeof import("../src/model/params.js"),
    task: (await from("src/model/task.ts")) as typeof import("../src/model/task.js"),
    train: (await from("src/model/train.ts")) as typeof import("../src/model/train.js"),
  };
}
type Checkout = Awaited<ReturnType<typeof checkout>>;

/** Wall-clock and CPU ms of each timed step of one case (seed 0, the full preset's first batches). */
function steps(m: Checkout, label: string, warmup: number, timed: number): {wall: number[]; cpu: number[]} {
  const c = m.steps.benchCases().find((x) => x.label === label);
  if (!c) throw new Error(`unknown case ${label}`);
  const {batch_size: B, lr} = m.config.FULL.train;
  const N = c.cfg.m * c.cfg.m;
  const {bits, labels} = m.task.toArrays(m.task.trainBatches(0, 1, B * (warmup + timed), m.config.FULL.task));
  const params = m.params.initParams(c.cfg, 0);
  const trainer = m.train.makeTrainer(params, c.cfg, lr);
  const out = {wall: [] as number[], cpu: [] as number[]};
  try {
    for (let s = 0; s < warmup + timed; s++) {
      const lo = s * B * N;
      const [t0, c0] = [performance.now(), process.cpuUsage()];
      trainer.step(bits.subarray(lo, lo + B * N), labels.subarray(lo, lo + B * N));
      const dc = process.cpuUsage(c0);
      if (s < warmup) continue;
      out.wall.push(performance.now() - t0);
      out.cpu.push((dc.user + dc.system) / 1000);
    }
  } finally {
    trainer.dispose();
    m.params.disposeParams(params);
  }
  return out;
}

const after = await checkout(resolve(import.meta.dirname, ".."));
const before = await checkout(dirArg);
// each checkout installs its own attention kernel in its own attention module; TF.js's kernel registry is
// shared, so the wasm kernels each checkout registers (e.g. an Identity override) are put back before its steps
const registered = () => new Map(tf.getKernelsForBackend("wasm").map((k) => [k.kernelName, k]));
await before.steps.useWasm();
const kernelsBefore = registered();
await after.steps.useWasm();
const kernelsAfter = registered();
function activate(kernels: Map<string, tf.KernelConfig>): void {
  for (const [name, config] of kernels) {
    if (tf.getKernel(name, "wasm") === config) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(config);
  }
}
const labels = picked.length ? picked : after.steps.benchCases().map((c) => c.label);
const rounds = Number(process.env.ROUNDS ?? 3);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`before: ${resolve(dirArg)} · after: this checkout · ${rounds} rounds · load average ${load()}`);
const got = new Map<string, {before: {wall: number[]; cpu: number[]}; after: {wall: number[]; cpu: number[]}}>();
for (let r = 0; r < rounds; r++) {
  for (const label of labels) {
    const [warmup, timed] = label === "iha P=8" ? [1, 3] : [2, 8];
    const e = got.get(label) ?? {before: {wall: [], cpu: []}, after: {wall: [], cpu: []}};
    for (const [m, kernels, into] of [[before, kernelsBefore, e.before], [after, kernelsAfter, e.after]] as const) {
      activate(kernels);
      const x = steps(m, label, warmup, timed);
      into.wall.push(...x.wall);
      into.cpu.push(...x.cpu);
    }
    got.set(label, e);
  }
}
const med = after.steps.median;
for (const [label, {before: b, after: a}] of got) {
  console.log(`${label.padEnd(14)} wall ${med(b.wall).toFixed(1).padStart(7)} → ${med(a.wall).toFixed(1).padStart(7)} ms/step   cpu ${med(b.cpu).toFixed(1).padStart(7)} → ${med(a.cpu).toFixed(1).padStart(7)} ms/step   (${b.wall.length} steps each)`);
}
console.log(`load average at end ${load()}`);
