// Trains one model and writes it to a cache folder, all or nothing: the run is written to a temporary
// folder first and renamed into place only when complete. Progress goes to stderr.
// Usage (from runs.ts): node --import tsx train-worker.ts <preset> <arch> <seed> <dir>
import "./stdout.js"; // first: console output goes to stderr, stdout stays empty
import {mkdirSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {ARCHS, PRESETS, makeConfig, type Arch, type PresetName} from "../model/config.js";
import {initWeights, paramShape} from "../model/params.js";
import {encodeSafetensors} from "../model/safetensors.js";
import {testF1, train} from "../model/train.js";
import type {RunRecord} from "./runs.js";
import {RUN_FILE, WEIGHTS_FILE} from "./runs.js";

const [presetName, arch, seedText, dir] = process.argv.slice(2);
const preset = PRESETS[presetName as PresetName];
if (!preset || !ARCHS.includes(arch as Arch) || !dir || !Number.isInteger(Number(seedText))) {
  console.error("usage: train-worker.ts <preset> <arch> <seed> <dir>");
  process.exit(2);
}
await tf.setBackend("wasm");
const seed = Number(seedText);
const cfg = makeConfig(preset, arch as Arch);
const MIXING = /\.attn\.(P_l|P_w|alpha_Q|alpha_K|alpha_V|R)$/;
const mixingNames = Object.keys(initWeights(cfg, seed)).filter((name) => MIXING.test(name));
const plain = (weights: Record<string, Float32Array>) =>
  Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, Array.from(data)]));
const init = initWeights(cfg, seed);
const mixing: RunRecord["mixing"] = [{epoch: 0, weights: plain(Object.fromEntries(mixingNames.map((n) => [n, init[n]])))}];
const fmt = (x: number, digits = 4) => x.toFixed(digits);

const result = await train({
  cfg,
  train: preset.train,
  task: preset.task,
  seed,
  init,
  onEpoch: (info) => {
    if (mixingNames.length > 0) mixing.push({epoch: info.epoch, weights: plain(info.snapshot(mixingNames))});
    const perEpoch = info.seconds / info.epoch;
    const left = perEpoch * (preset.train.max_epochs - info.epoch);
    console.error(
      `${arch} seed ${seed} epoch ${info.epoch}/${preset.train.max_epochs}: loss ${fmt(info.train_loss)}, ` +
        `val F1 ${fmt(info.val_f1)}${info.is_best ? " (best)" : ""}, ${info.seconds.toFixed(0)} s elapsed, ` +
        `≤ ${left.toFixed(0)} s left`
    );
  }
});

const test_f1 = testF1(result.best_weights, cfg, preset.train, preset.task, seed);
const record: RunRecord = {
  preset: preset.name,
  arch: arch as Arch,
  seed,
  config: cfg,
  train: preset.train,
  task: preset.task,
  best_epoch: result.best_epoch,
  best_val_f1: result.best_val_f1,
  epochs_run: result.epochs_run,
  seconds: result.seconds,
  test_f1,
  history: result.history,
  mixing
};
console.error(`${arch} seed ${seed}: best epoch ${result.best_epoch}, test F1 ${fmt(test_f1)}, ${result.seconds.toFixed(0)} s`);

const tensors = Object.fromEntries(
  Object.entries(result.best_weights).map(([name, data]) => [name, {shape: paramShape(cfg, name), data}])
);
const partial = `${dir}.partial-${process.pid}`;
rmSync(partial, {recursive: true, force: true});
mkdirSync(partial, {recursive: true});
writeFileSync(join(partial, WEIGHTS_FILE), encodeSafetensors(tensors, {arch, seed: String(seed), preset: preset.name}));
writeFileSync(join(partial, RUN_FILE), JSON.stringify(record));
mkdirSync(dirname(dir), {recursive: true});
rmSync(dir, {recursive: true, force: true});
renameSync(partial, dir);
