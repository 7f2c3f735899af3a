// The attention kernel alone at IHA P = 8's shape (512 groups of 288 × 288, d_head 8, the α mixes' layout), two
// versions of its source in one process, alternating (ABBA) so that both see the same machine load: CPU ms of a
// forward pass under a tape (weights kept) and of its backward pass, median and minimum, and whether the two
// versions' outputs agree. Both sources must have the interface this checkout's fusedAttention.ts calls (since
// branch h18: the memory imported from TF.js). For trying a change to kernels/attention.as.ts against the committed one:
//   git show HEAD:src/model/kernels/attention.as.ts > /tmp/base.as.ts
//   npx tsx bench/kernelAb.ts /tmp/base.as.ts [src/model/kernels/attention.as.ts]      (ROUNDS=16 by default)
import {readFileSync} from "node:fs";
import {loadavg} from "node:os";
import * as tf from "@tensorflow/tfjs";
import {FULL} from "../src/model/config.js";
import {compileKernel} from "../src/data/kernels.js";
import {AttentionKernel, pseudoRows} from "../src/model/fusedAttention.js";
import {floats} from "../src/model/tensorData.js";
import {median, useWasm} from "./steps.js";

const [baseFile, newFile = "src/model/kernels/attention.as.ts"] = process.argv.slice(2);
if (!baseFile) {
  console.error("usage: npx tsx bench/kernelAb.ts BASE.as.ts [NEW.as.ts]");
  process.exit(2);
}
await useWasm();
const kernels = {
  base: new AttentionKernel(await compileKernel(readFileSync(baseFile, "utf-8"), baseFile)),
  new: new AttentionKernel(await compileKernel(readFileSync(newFile, "utf-8"), newFile)),
};
const {batch_size: B} = FULL.train;
const {n_heads: H, d_head: d, n_pseudo: P} = FULL.model;
const N = FULL.task.m ** 2;
const layout = pseudoRows(B, N, d, H, P);
const dims = {G: B * H, S: N * P, T: N * P, d, dp: (d + 3) & ~3};
const layouts = {q: layout, kv: layout, scale: 1 / Math.sqrt(d)};
const [q, k, v, dz] = [1, 2, 3, 4].map((seed) => tf.randomNormal([B * N * d, H * P], 0, 1, "float32", seed)); // [B*N*d, H*P]
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const times = {base: {forward: [] as number[], backward: [] as number[]}, new: {forward: [] as number[], backward: [] as number[]}};
const outputs: Record<string, Float32Array[]> = {};
const rounds = Number(process.env.ROUNDS ?? 16);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`kernel alone, IHA P = ${P}: ${dims.G} groups of ${dims.S} × ${dims.T}, d_head ${d} · ${rounds} rounds · load average ${load()}`);
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? (["new", "base"] as const) : (["base", "new"] as const)) {
    const kernel = kernels[name];
    let t0 = cpu();
    const out = kernel.forward(dims, layouts, floats(q), floats(k), floats(v), null, false, true);
    const z = out.z.slice();
    times[name].forward.push(cpu() - t0);
    t0 = cpu();
    const g = kernel.backward(dims, layouts, out.saved!, floats(dz));
    times[name].backward.push(cpu() - t0);
    outputs[name] = [z, g.dq.slice(), g.dk.slice(), g.dv.slice()];
  }
}
for (const name of ["base", "new"] as const) {
  const {forward, backward} = times[name];
  console.log(`${name.padEnd(5)} forward ${median(forward).toFixed(1).padStart(7)} ms (min ${Math.min(...forward).toFixed(1)})   backward ${median(backward).toFixed(1).padStart(7)} ms (min ${Math.min(...backward).toFixed(1)})   CPU`);
}
let worst = 0;
outputs.base.forEach((a, i) => {
  let largest = 0;
  for (let j = 0; j < a.length; j++) largest = Math.max(largest, Math.abs(a[j]));
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - outputs.new[i][j]) / largest);
});
console.log(`z, dq, dk, dv: largest difference ${worst.toExponential(2)} of the largest entry${worst === 0 ? " (equal bits)" : ""} · load average ${load()}`);
tf.dispose([q, k, v, dz]);
