// Training the relation models (through trainLoop.ts): Adam on mean BCE, fresh seeded training samples every
// epoch, validation micro-F1 after every epoch, early stopping on validation F1, best-epoch weights kept as
// plain arrays.
// Usable from data loaders (Node), tests and the browser playground.
import * as tf from "@tensorflow/tfjs";
import {validateTrainConfig, type ModelConfig, type TrainConfig} from "./config.js";
import type {AnyConfig} from "./lm/config.js";
import {microF1} from "./f1.js";
import {bceWithLogits, bitsTensor, forward} from "./model.js";
import {disposeParams, paramsToWeights, weightsToParams, type Params, type Weights} from "./params.js";
import {splitSamples, toArrays, trainBatches, validateTask, type Sample, type TaskConfig} from "./task.js";
import {makeOptimiser, trainLoop} from "./trainLoop.js";

/** One epoch's numbers (epochs count from 1). */
export interface EpochRecord {
  epoch: number;
  /** mean training loss over the epoch's steps */
  train_loss: number;
  val_loss: number;
  val_f1: number;
  /** seconds since training started, at the end of this epoch's validation */
  seconds: number;
}

/** What the per-epoch callback receives. */
export interface EpochInfo extends EpochRecord {
  /** true when this epoch set a new maximum of validation F1 (it is the best epoch so far) */
  is_best: boolean;
  /** copies the current values of the named parameters (all when omitted), e.g. the mixing matrices */
  snapshot: (names?: string[]) => Weights;
}

export interface TrainOptions {
  cfg: ModelConfig;
  train: TrainConfig;
  task: TaskConfig;
  /** one seed for init (deriveSeed(seed, "init"…)) and data (train/val streams of task.ts) */
  seed: number;
  /** start from these weights instead of initWeights(cfg, seed) */
  init?: Weights;
  /** called after every epoch; awaited when it returns a promise */
  onEpoch?: (info: EpochInfo) => void | Promise<void>;
  /** called after every optimiser step with the 1-based global step and its loss; awaited if a promise */
  onStep?: (step: number, loss: number) => void | Promise<void>;
}

export interface TrainResult {
  /** parameter values at the best epoch (first epoch reaching the maximum validation F1) */
  best_weights: Weights;
  best_epoch: number;
  best_val_f1: number;
  epochs_run: number;
  history: EpochRecord[];
  /** loss of every optimiser step, in order */
  step_losses: number[];
  /** wall-clock seconds of the whole run */
  seconds: number;
}

/** An Adam optimiser bound to a model. step() runs one update and returns its loss. */
export interface Trainer {
  step(bits: Int32Array, labels: Float32Array): number;
  dispose(): void;
}

/** The loss of one relation batch: mean BCE of the model's logits [B,N] against 0/1 labels [B*N]. Not tidied. */
function batchLoss(params: Params, cfg: ModelConfig, bits: Int32Array, labels: Float32Array): tf.Scalar {
  const x = bitsTensor(bits, cfg); // [B,N]
  const y = tf.tensor2d(labels, x.shape); // [B,N]
  return bceWithLogits(forward(params, cfg, x), y); // []
}

export function makeTrainer(params: Params, cfg: ModelConfig, lr: number): Trainer {
  const optimiser = makeOptimiser(params, lr);
  return {
    step: (bits, labels) => optimiser.step(() => batchLoss(params, cfg, bits, labels)),
    dispose: () => optimiser.dispose()
  };
}

/** Either live variables or plain weights. */
export type ParamsOrWeights = Params | Weights;

function isWeights(p: ParamsOrWeights): p is Weights {
  const first = Object.values(p)[0];
  return first instanceof Float32Array;
}

/** Runs `fn` on live variables, creating (and afterwards freeing) them when given plain weights. */
export function withParams<T>(p: ParamsOrWeights, cfg: AnyConfig, fn: (params: Params) => T): T {
  if (!isWeights(p)) return fn(p);
  const params = weightsToParams(p, cfg);
  try {
    return fn(params);
  } finally {
    disposeParams(params);
  }
}

export interface Prediction {
  /** per-cell logits [S*N], sample-major */
  logits: Float32Array;
  /** 1 where logit > 0 (probability > 0.5), [S*N] */
  pred: Uint8Array;
}

/** Logits and 0/1 predictions for samples, in batches of `batchSize` (no gradients, no cache). */
export function predict(p: ParamsOrWeights, cfg: ModelConfig, samples: Sample[], batchSize = 100): Prediction {
  const {bits} = toArrays(samples);
  const N = cfg.m * cfg.m;
  const logits = new Float32Array(bits.length); // [S*N]
  withParams(p, cfg, (params) => {
    for (let start = 0; start < samples.length; start += batchSize) {
      const end = Math.min(start + batchSize, samples.length);
      const out = tf.tidy(() => forward(params, cfg, bitsTensor(bits.subarray(start * N, end * N), cfg))); // [b,N]
      logits.set(out.dataSync(), start * N);
      out.dispose();
    }
  });
  return {logits, pred: predicted(logits)};
}

/** 0/1 predictions from per-cell logits: 1 where logit > 0 (probability > 0.5). */
export function predicted(logits: Float32Array): Uint8Array {
  const pred = new Uint8Array(logits.length); // [S*N]
  for (let i = 0; i < logits.length; i++) pred[i] = logits[i] > 0 ? 1 : 0;
  return pred;
}

/** Micro-F1 of per-cell logits against 0/1 labels (what evaluate and testF1 report). */
export function logitF1(logits: Float32Array, labels: Float32Array): number {
  return microF1(predicted(logits), Uint8Array.from(labels));
}

/** Mean BCE with logits, computed on the host from logits and 0/1 labels (same formula as training). */
function meanBce(logits: Float32Array, labels: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    sum += Math.max(x, 0) - x * labels[i] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return sum / logits.length;
}

/** Loss and micro-F1 of a model on samples. */
export function evaluate(
  p: ParamsOrWeights,
  cfg: ModelConfig,
  samples: Sample[],
  batchSize = 100,
): {loss: number; f1: number} {
  const {labels} = toArrays(samples);
  const {logits} = predict(p, cfg, samples, batchSize);
  return {loss: meanBce(logits, labels), f1: logitF1(logits, labels)};
}

/** Test micro-F1 on the seeded test split (train.test_samples samples of deriveSeed(seed, "test")). */
export function testF1(p: ParamsOrWeights, cfg: ModelConfig, train: TrainConfig, task: TaskConfig, seed: number): number {
  const samples = splitSamples(seed, "test", train.test_samples, task);
  return evaluate(p, cfg, samples, train.eval_batch_size).f1;
}

/**
 * Trains one model (trainLoop.ts). Epoch e (1-based) draws trainBatches(seed, e, train_samples) and takes
 * ⌊train_samples / batch_size⌋ batches in order; validation on splitSamples(seed, "val") after every
 * epoch; stops after max_epochs, `patience` epochs without a new maximum of validation F1, or at a validation
 * F1 of 1 (which no later epoch can beat).
 * Throws on a non-finite loss, naming architecture, seed and epoch.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const {cfg, train: tc, task, seed} = opts;
  validateTrainConfig(tc);
  validateTask(task);
  if (task.m !== cfg.m) throw new Error(`config.m (${cfg.m}) must equal task.m (${task.m})`);
  const valSamples = splitSamples(seed, "val", tc.val_samples, task);
  const N = cfg.m * cfg.m;
  const what = `arch ${cfg.arch}, seed ${seed}`;
  const result = await trainLoop({
    cfg,
    seed,
    init: opts.init,
    lr: tc.lr,
    max_epochs: tc.max_epochs,
    steps_per_epoch: Math.floor(tc.train_samples / tc.batch_size),
    what,
    epochLoss(params, epoch) {
      const {bits, labels} = toArrays(trainBatches(seed, epoch, tc.train_samples, task));
      const size = tc.batch_size * N;
      return (s) => batchLoss(params, cfg, bits.subarray(s * size, (s + 1) * size), labels.subarray(s * size, (s + 1) * size));
    },
    evaluate(params, epoch) {
      const val = evaluate(params, cfg, valSamples, tc.eval_batch_size);
      if (!Number.isFinite(val.loss)) throw new Error(`non-finite validation loss ${val.loss}: ${what}, epoch ${epoch}`);
      return {val_loss: val.loss, val_f1: val.f1};
    },
    best: {score: (scores) => scores.val_f1, patience: tc.patience, ceiling: 1}, // F1 is at most 1
    onStep: opts.onStep,
    onEpoch: (record, is_best, params) => opts.onEpoch?.({...record, is_best, snapshot: (names) => paramsToWeights(params, names)})
  });
  return {
    best_weights: result.weights,
    best_epoch: result.best_epoch,
    best_val_f1: result.best_score,
    epochs_run: result.history.length,
    history: result.history,
    step_losses: result.step_losses,
    seconds: result.seconds
  };
}
