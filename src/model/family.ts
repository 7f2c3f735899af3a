// The two model families behind one descriptor: the relation classifiers (config.ts, task.ts, model.ts,
// train.ts) and the attention-only causal LM (lm/config.ts, lm/task.ts, lm/model.ts, lm/train.ts). Training, the
// run cache, checkpoints and the loaders' batched forward passes go through a ModelFamily, so each of those
// jobs is written once for both. A family says: its architectures and presets, how a config is built,
// how one run trains (the shared loop of trainLoop.ts, given the family's data, step loss, evaluation and
// stopping rule by train.ts or lm/train.ts) and what its run record holds, what its checkpoint files carry,
// and how it runs a batch of its inputs with the activation cache. Browser-safe.
import type * as tf from "@tensorflow/tfjs";
import type {Cache} from "./attention.js";
import {PRESETS, makeConfig, validatePreset, type ModelConfig, type Preset, type TrainConfig} from "./config.js";
import {epochFlops, lmEpochFlops} from "./cost.js";
import {runLmWithCache} from "./lm/model.js";
import {LM_ARCHS, LM_PRESETS, makeLmConfig, validateLmPreset, type AnyConfig, type LmArch, type LmConfig, type LmPreset} from "./lm/config.js";
import {lmTokenLabels} from "./lm/task.js";
import {trainLm, type LmEpochRecord} from "./lm/train.js";
import {runWithCache} from "./model.js";
import {initWeights, type Params, type Weights} from "./params.js";
import {DEFAULT_SEED} from "./prng.js";
import {toArrays, type Sample, type TaskConfig} from "./task.js";
import {testF1, train, type EpochRecord} from "./train.js";
import {ARCHS, type Arch} from "./vocabulary.js";

export type FamilyName = "relation" | "lm";

/** What every run records besides its weights: provenance, the configs it trained with, its epochs. */
interface RunRecordOf<A, C, T, K, E> {
  preset: string;
  arch: A;
  seed: number;
  config: C;
  train: T;
  task: K;
  seconds: number;
  history: E[];
}

/** A relation run; its weights are the best epoch's. */
export interface RelationRunRecord extends RunRecordOf<Arch, ModelConfig, TrainConfig, TaskConfig, EpochRecord> {
  best_epoch: number;
  best_val_f1: number;
  epochs_run: number;
  test_f1: number;
  /** mixing parameters (TH: P_l, P_w; IHA: alpha_Q/K/V, R) at initialisation (epoch 0) and after every epoch */
  mixing: {epoch: number; weights: Record<string, number[]>}[];
}

/** An LM run; its weights are those after the last step. */
export interface LmRunRecord extends RunRecordOf<LmArch, LmConfig, LmPreset["train"], LmPreset["task"], LmEpochRecord> {
  steps: number;
  /** scores of the final weights on the run's evaluation set (lm/train.lmEvalSamples) */
  loss: number;
  induction_accuracy: number;
  first_copy_accuracy: number;
}

/** The types that make up one family. */
export interface FamilyTypes {
  arch: Arch;
  config: AnyConfig;
  preset: {name: string; train: object; task: object};
  record: RunRecordOf<Arch, AnyConfig, object, object, object>;
  /** one input sequence of the family's loaders: a relation sample, or an LM sequence's token ids */
  input: unknown;
}

export interface RelationTypes extends FamilyTypes {
  arch: Arch;
  config: ModelConfig;
  preset: Preset;
  record: RelationRunRecord;
  input: Sample;
}

export interface LmTypes extends FamilyTypes {
  arch: LmArch;
  config: LmConfig;
  preset: LmPreset;
  record: LmRunRecord;
  input: Int32Array;
}

/** What a run reports after every epoch. */
export interface EpochProgress {
  epoch: number;
  /** the most epochs the run can take (it may stop earlier) */
  max_epochs: number;
  seconds: number;
  /** the epoch's numbers in words, e.g. "loss 0.6808, val F1 0.6105 (best)" */
  summary: string;
}

/** A finished run: its record and the weights it keeps. */
export interface TrainedRun<R> {
  record: R;
  weights: Weights;
}

export interface ModelFamily<T extends FamilyTypes> {
  name: FamilyName;
  /** the architectures a build trains, in the order the tables list them */
  archs: readonly T["arch"][];
  /** the presets by MIXVIZ_PROFILE name */
  presets: Readonly<Record<string, T["preset"]>>;
  /** the seeds a build trains whatever MIXVIZ_SEEDS says; undefined: MIXVIZ_SEEDS chooses */
  fixedSeeds?: readonly number[];
  makeConfig(preset: T["preset"], arch: T["arch"]): T["config"];
  validatePreset(preset: T["preset"]): void;
  /** a run's name in cache folders, the training queue and weight files: "iha", "lm_iha" */
  kind(arch: T["arch"]): string;
  /** how messages name a run: "iha seed 1", "the iha LM" */
  label(arch: T["arch"], seed: number): string;
  maxEpochs(preset: T["preset"]): number;
  /** matrix-product FLOPs of one epoch (cost.ts), for the queue's estimate */
  epochFlops(preset: T["preset"], cfg: T["config"]): number;
  /** trains one run from its seed (the family's whole loop) and returns its record and kept weights */
  train(preset: T["preset"], arch: T["arch"], seed: number, onEpoch?: (progress: EpochProgress) => void): Promise<TrainedRun<T["record"]>>;
  /** a finished run's scores in words */
  summary(record: T["record"]): string;
  /** the string metadata of a run's safetensors checkpoint */
  checkpointMetadata(record: T["record"]): Record<string, string>;
  /** the checkpoint JSON's fields after the provenance (arch, preset, seed, config, train, task) */
  checkpointFields(record: T["record"]): Record<string, unknown>;
  /** a cached forward pass over a batch of inputs (free both with model.disposeCache and dispose) */
  runWithCache(params: Params, cfg: T["config"], inputs: readonly T["input"][]): {logits: tf.Tensor; cache: Cache};
}

export type AnyFamily = ModelFamily<RelationTypes> | ModelFamily<LmTypes>;

const fmt = (x: number) => x.toFixed(4);

/** The fields of a run record that say which run it is and what it trained with. */
function provenance<P extends {name: string; train: object; task: object}, A, C>(preset: P, arch: A, seed: number, config: C) {
  return {preset: preset.name, arch, seed, config, train: preset.train as P["train"], task: preset.task as P["task"]};
}

/** Parameters a relation run records at every epoch: Talking Heads' and IHA's head-mixing matrices. */
const MIXING = /\.attn\.(P_l|P_w|alpha_Q|alpha_K|alpha_V|R)$/;
const plain = (weights: Weights) => Object.fromEntries(Object.entries(weights).map(([name, data]) => [name, Array.from(data)]));

export const RELATION: ModelFamily<RelationTypes> = {
  name: "relation",
  archs: ARCHS,
  presets: PRESETS,
  makeConfig: (preset, arch) => makeConfig(preset, arch),
  validatePreset,
  kind: (arch) => arch,
  label: (arch, seed) => `${arch} seed ${seed}`,
  maxEpochs: (preset) => preset.train.max_epochs,
  epochFlops,
  async train(preset, arch, seed, onEpoch) {
    const cfg = makeConfig(preset, arch);
    const init = initWeights(cfg, seed);
    const mixingNames = Object.keys(init).filter((name) => MIXING.test(name));
    const mixing: RelationRunRecord["mixing"] = [{epoch: 0, weights: plain(Object.fromEntries(mixingNames.map((n) => [n, init[n]])))}];
    const result = await train({
      cfg,
      train: preset.train,
      task: preset.task,
      seed,
      init,
      onEpoch: (info) => {
        if (mixingNames.length > 0) mixing.push({epoch: info.epoch, weights: plain(info.snapshot(mixingNames))});
        const summary = `loss ${fmt(info.train_loss)}, val F1 ${fmt(info.val_f1)}${info.is_best ? " (best)" : ""}`;
        onEpoch?.({epoch: info.epoch, max_epochs: preset.train.max_epochs, seconds: info.seconds, summary});
      }
    });
    const record: RelationRunRecord = {
      ...provenance(preset, arch, seed, cfg),
      best_epoch: result.best_epoch,
      best_val_f1: result.best_val_f1,
      epochs_run: result.epochs_run,
      seconds: result.seconds,
      test_f1: testF1(result.best_weights, cfg, preset.train, preset.task, seed),
      history: result.history,
      mixing
    };
    return {record, weights: result.best_weights};
  },
  summary: (record) => `best epoch ${record.best_epoch}, test F1 ${fmt(record.test_f1)}`,
  checkpointMetadata: (r) => ({format: "pt", arch: r.arch, preset: r.preset, seed: String(r.seed), best_epoch: String(r.best_epoch)}),
  checkpointFields: (r) => ({best_epoch: r.best_epoch, best_val_f1: r.best_val_f1, epochs_run: r.epochs_run, test_f1: r.test_f1}),
  runWithCache: (params, cfg, inputs) => runWithCache(params, cfg, toArrays([...inputs]).bits) // [b,N]
};

export const LM: ModelFamily<LmTypes> = {
  name: "lm",
  archs: LM_ARCHS,
  presets: LM_PRESETS,
  fixedSeeds: [DEFAULT_SEED],
  makeConfig: (preset, arch) => makeLmConfig(preset, arch),
  validatePreset: validateLmPreset,
  kind: (arch) => `lm_${arch}`,
  label: (arch) => `the ${arch} LM`,
  maxEpochs: (preset) => preset.train.epochs,
  epochFlops: lmEpochFlops,
  async train(preset, arch, seed, onEpoch) {
    const cfg = makeLmConfig(preset, arch);
    const result = await trainLm({
      cfg,
      train: preset.train,
      task: preset.task,
      seed,
      onEpoch: (e) => {
        const summary = `loss ${fmt(e.train_loss)}, induction accuracy ${fmt(e.induction_accuracy)}`;
        onEpoch?.({epoch: e.epoch, max_epochs: preset.train.epochs, seconds: e.seconds, summary});
      }
    });
    const last = result.history[result.history.length - 1];
    const record: LmRunRecord = {
      ...provenance(preset, arch, seed, cfg),
      steps: result.steps,
      seconds: result.seconds,
      loss: last.loss,
      induction_accuracy: last.induction_accuracy,
      first_copy_accuracy: last.first_copy_accuracy,
      history: result.history
    };
    return {record, weights: result.weights};
  },
  summary: (record) => `induction accuracy ${fmt(record.induction_accuracy)}`,
  checkpointMetadata: (r) => ({format: "pt", model: "lm", arch: r.arch, preset: r.preset, seed: String(r.seed)}),
  checkpointFields: (r) => ({
    token_labels: lmTokenLabels(r.config.d_vocab),
    steps: r.steps,
    seconds: r.seconds,
    loss: r.loss,
    induction_accuracy: r.induction_accuracy,
    first_copy_accuracy: r.first_copy_accuracy
  }),
  runWithCache(params, cfg, inputs) {
    const N = inputs.length > 0 ? inputs[0].length : 0;
    const tokens = new Int32Array(inputs.length * N); // [b*N]
    inputs.forEach((sequence, b) => tokens.set(sequence, b * N));
    return runLmWithCache(params, cfg, tokens, N); // [b,N,V]
  }
};

/** The families by the name the training worker is given. */
export const FAMILIES: Record<FamilyName, AnyFamily> = {relation: RELATION, lm: LM};
