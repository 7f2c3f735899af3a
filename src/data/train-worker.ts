// Trains one model and writes it to a cache folder, all or nothing: the run is written to a temporary
// folder first and renamed into place only when complete. Progress goes to stderr.
// Usage (from runs.ts): node --import tsx train-worker.ts <relation|lm> <preset> <arch> <seed> <dir>
import "./stdout.js"; // first: console output goes to stderr, stdout stays empty
import {mkdirSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {PRESETS, makeConfig, type PresetName} from "../model/config.js";
import {LM_ARCHS, LM_PRESETS, makeLmConfig, type LmArch} from "../model/lmConfig.js";
import {trainLm} from "../model/lmTrain.js";
import {initWeights, paramShape, type Weights} from "../model/params.js";
import {encodeSafetensors} from "../model/safetensors.js";
import {testF1, train} from "../model/train.js";
import type {AnyConfig} from "../model/lmConfig.js";
import {useAttentionKernel} from "./kernels.js";
import {RUN_FILE, WEIGHTS_FILE, reportEpoch, type LmRunRecord, type RunRecord} from "./runRecord.js";
import {ARCHS, type Arch} from "../model/vocabulary.js";

const [family, presetName, arch, seedText, dir] = process.argv.slice(2);
const known = family === "lm" ? presetName in LM_PRESETS && LM_ARCHS.includes(arch as LmArch) : family === "relation" && presetName in PRESETS && ARCHS.includes(arch as Arch);
if (!known || !dir || !Number.isInteger(Number(seedText))) {
  console.error("usage: train-worker.ts <relation|lm> <preset> <arch> <seed> <dir>");
  process.exit(2);
}
await tf.setBackend("wasm");
await useAttentionKernel();
const seed = Number(seedText);
const fmt = (x: number, digits = 4) => x.toFixed(digits);

/** Writes weights and record into `dir` atomically (a temporary sibling folder renamed into place). */
function writeRun(cfg: AnyConfig, weights: Weights, record: object): void {
  const tensors = Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, {shape: paramShape(cfg, name), data}]));
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, {recursive: true, force: true});
  mkdirSync(partial, {recursive: true});
  writeFileSync(join(partial, WEIGHTS_FILE), encodeSafetensors(tensors, {arch, seed: String(seed), preset: presetName}));
  writeFileSync(join(partial, RUN_FILE), JSON.stringify(record));
  mkdirSync(dirname(dir), {recursive: true});
  rmSync(dir, {recursive: true, force: true});
  renameSync(partial, dir);
}

async function trainRelation(): Promise<void> {
  const preset = PRESETS[presetName as PresetName];
  const cfg = makeConfig(preset, arch as Arch);
  const MIXING = /\.attn\.(P_l|P_w|alpha_Q|alpha_K|alpha_V|R)$/;
  const mixingNames = Object.keys(initWeights(cfg, seed)).filter((name) => MIXING.test(name));
  const plain = (weights: Record<string, Float32Array>) =>
    Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, Array.from(data)]));
  const init = initWeights(cfg, seed);
  const mixing: RunRecord["mixing"] = [{epoch: 0, weights: plain(Object.fromEntries(mixingNames.map((n) => [n, init[n]])))}];
  const result = await train({
    cfg,
    train: preset.train,
    task: preset.task,
    seed,
    init,
    onEpoch: (info) => {
      if (mixingNames.length > 0) mixing.push({epoch: info.epoch, weights: plain(info.snapshot(mixingNames))});
      reportEpoch({epoch: info.epoch, max_epochs: preset.train.max_epochs, seconds: info.seconds});
      console.error(
        `${arch} seed ${seed} epoch ${info.epoch} (at most ${preset.train.max_epochs}): loss ${fmt(info.train_loss)}, ` +
          `val F1 ${fmt(info.val_f1)}${info.is_best ? " (best)" : ""}, ${info.seconds.toFixed(0)} s`
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
  writeRun(cfg, result.best_weights, record);
}

async function trainLanguageModel(): Promise<void> {
  const preset = LM_PRESETS[presetName as keyof typeof LM_PRESETS];
  const cfg = makeLmConfig(preset, arch as LmArch);
  const result = await trainLm({
    cfg,
    train: preset.train,
    task: preset.task,
    seed,
    onEpoch: (e) => {
      reportEpoch({epoch: e.epoch, max_epochs: preset.train.epochs, seconds: e.seconds});
      console.error(
        `LM ${arch} seed ${seed} epoch ${e.epoch}/${preset.train.epochs}: loss ${fmt(e.train_loss)}, ` +
          `induction accuracy ${fmt(e.induction_accuracy)}, ${e.seconds.toFixed(0)} s`
      );
    }
  });
  const last = result.history[result.history.length - 1];
  const record: LmRunRecord = {
    preset: preset.name,
    arch: arch as LmArch,
    seed,
    config: cfg,
    train: preset.train,
    task: preset.task,
    steps: result.steps,
    seconds: result.seconds,
    loss: last.loss,
    induction_accuracy: last.induction_accuracy,
    first_copy_accuracy: last.first_copy_accuracy,
    history: result.history
  };
  console.error(`LM ${arch} seed ${seed}: induction accuracy ${fmt(last.induction_accuracy)}, ${result.seconds.toFixed(0)} s`);
  writeRun(cfg, result.weights, record);
}

await (family === "lm" ? trainLanguageModel() : trainRelation());
