// Losses of the first training steps of every bench case (full preset, seed 0), for checking that a
// speed change kept the maths:
//   npx tsx bench/losses.ts save before.json     # before the change
//   npx tsx bench/losses.ts compare before.json  # after: prints the largest relative difference per case
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {benchCases, median, timeSteps, useWasm} from "./steps.js";

const STEPS = 6;
const [mode, file] = process.argv.slice(2);
if (!["save", "compare"].includes(mode ?? "") || !file) {
  console.error("usage: npx tsx bench/losses.ts save|compare FILE.json");
  process.exit(2);
}
await useWasm();
const now: Record<string, {losses: number[]; ms: number}> = {};
for (const c of benchCases()) {
  const r = timeSteps(c.cfg, 1, STEPS - 1);
  now[c.label] = {losses: r.losses, ms: median(r.ms)};
  console.log(`${c.label.padEnd(14)} ${median(r.ms).toFixed(0).padStart(6)} ms/step  losses ${r.losses.map((x) => x.toFixed(10)).join(" ")}`);
}
if (mode === "save") {
  writeFileSync(file, JSON.stringify(now, null, 1));
} else {
  if (!existsSync(file)) throw new Error(`${file} not found (run with "save" first)`);
  const before = JSON.parse(readFileSync(file, "utf8")) as typeof now;
  for (const [label, {losses}] of Object.entries(now)) {
    const old = before[label]?.losses;
    if (!old) continue;
    const n = Math.min(old.length, losses.length);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(losses[i] - old[i]) / Math.abs(old[i]));
    console.log(`${label.padEnd(14)} largest relative loss difference over ${n} steps: ${worst.toExponential(2)} (${before[label].ms.toFixed(0)} → ${now[label].ms.toFixed(0)} ms/step)`);
  }
}
