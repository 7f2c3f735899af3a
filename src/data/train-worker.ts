// Trains one model of either family (src/model/family.ts) and writes it to a cache folder, all or nothing:
// the run is written to a temporary folder first and renamed into place only when complete. Progress goes
// to stderr. Usage (from runs.ts): node --import tsx train-worker.ts <relation|lm> <preset> <arch> <seed> <dir>
import "./stdout.js"; // first: console output goes to stderr, stdout stays empty
import {mkdirSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {FAMILIES, type FamilyName, type FamilyTypes, type ModelFamily} from "../model/family.js";
import {paramShape} from "../model/params.js";
import {encodeSafetensors} from "../model/safetensors.js";
import {useAttentionKernel} from "./kernels.js";
import {RUN_FILE, WEIGHTS_FILE, reportEpoch} from "./runRecord.js";

const [familyName, presetName, arch, seedText, dir] = process.argv.slice(2);
const family: ModelFamily<FamilyTypes> | undefined = Object.hasOwn(FAMILIES, familyName) ? FAMILIES[familyName as FamilyName] : undefined;
const preset = family && Object.hasOwn(family.presets, presetName) ? family.presets[presetName] : undefined;
if (!family || !preset || !family.archs.includes(arch as FamilyTypes["arch"]) || !dir || !Number.isInteger(Number(seedText))) {
  console.error("usage: train-worker.ts <relation|lm> <preset> <arch> <seed> <dir>");
  process.exit(2);
}
await tf.setBackend("wasm");
await useAttentionKernel();
const seed = Number(seedText);
const label = family.label(arch as FamilyTypes["arch"], seed);

const {record, weights} = await family.train(preset, arch as FamilyTypes["arch"], seed, (e) => {
  reportEpoch({epoch: e.epoch, max_epochs: e.max_epochs, seconds: e.seconds});
  console.error(`${label} epoch ${e.epoch} (at most ${e.max_epochs}): ${e.summary}, ${e.seconds.toFixed(0)} s`);
});
console.error(`${label}: ${family.summary(record)}, ${record.seconds.toFixed(0)} s`);

// written atomically: a temporary sibling folder renamed into place
const tensors = Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, {shape: paramShape(record.config, name), data}]));
const partial = `${dir}.partial-${process.pid}`;
rmSync(partial, {recursive: true, force: true});
mkdirSync(partial, {recursive: true});
writeFileSync(join(partial, WEIGHTS_FILE), encodeSafetensors(tensors, {arch, seed: String(seed), preset: presetName}));
writeFileSync(join(partial, RUN_FILE), JSON.stringify(record));
mkdirSync(dirname(dir), {recursive: true});
rmSync(dir, {recursive: true, force: true});
renameSync(partial, dir);
