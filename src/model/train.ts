// Training loop: Adam on mean BCE, fresh seeded training samples every epoch, validation micro-F1
// after every epoch, early stopping on validation F1, best-epoch weights kept as plain arrays.
// Usable from data loaders (Node), tests and the browser playground.
import * as tf from "@tensorflow/tfjs";
import {validateTrainConfig, type ModelConfig, type TrainConfig} from "./config.js";
import type {AnyConfig} from "./lmConfig.js";
import {microF1} from "./f1.js";
import {bceWithLogits, bitsTensor, forward} from "./model.js";
import {disposeParams, initParams, paramsToWeights, weightsToParams, type Params, type Weights} from "./params.js";
import {splitSamples, toArrays, trainBatches, validateTask, type Sample, type TaskConfig} from "./task.js";

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

const now = () => performance.now() / 1000; // seconds; performance exists in Node ≥ 16 and browsers

/** An Adam optimiser bound to a model. step() runs one update and returns its loss. */
export interface Trainer {
  step(bits: Int32Array, labels: Float32Array): number;
  dispose(): void;
}

export function makeTrainer(params: Params, cfg: ModelConfig, lr: number): Trainer {
  const optimizer = tf.train.adam(lr);
  const vars = Object.values(params);
  return {
    step(bits, labels) {
      const loss = tf.tidy(() => {
        const x = bitsTensor(bits, cfg); // [B,N]
        const y = tf.tensor2d(labels, x.shape); // [B,N]
        return optimizer.minimize(() => bceWithLogits(forward(params, cfg, x), y), true, vars) as tf.Scalar; // []
      });
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
    },
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
  const pred = new Uint8Array(logits.length); // [S*N]
  for (let i = 0; i < logits.length; i++) pred[i] = logits[i] > 0 ? 1 : 0;
  return {logits, pred};
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
  const {logits, pred} = predict(p, cfg, samples, batchSize);
  const truth = Uint8Array.from(labels);
  return {loss: meanBce(logits, labels), f1: microF1(pred, truth)};
}

/** Test micro-F1 on the seeded test split (train.test_samples samples of deriveSeed(seed, "test")). */
export function testF1(p: ParamsOrWeights, cfg: ModelConfig, train: TrainConfig, task: TaskConfig, seed: number): number {
  const samples = splitSamples(seed, "test", train.test_samples, task);
  return evaluate(p, cfg, samples, train.eval_batch_size).f1;
}

/**
 * Trains one model. Epoch e (1-based) draws trainBatches(seed, e, train_samples) and takes
 * ⌊train_samples / batch_size⌋ batches in order; validation on splitSamples(seed, "val") after every
 * epoch; stops after max_epochs or `patience` epochs without a new maximum of validation F1.
 * Throws on a non-finite loss, naming architecture, seed and epoch.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const {cfg, train: tc, task, seed} = opts;
  validateTrainConfig(tc);
  validateTask(task);
  if (task.m !== cfg.m) throw new Error(`config.m (${cfg.m}) must equal task.m (${task.m})`);
  const t0 = now();
  const params = opts.init ? weightsToParams(opts.init, cfg) : initParams(cfg, seed);
  const trainer = makeTrainer(params, cfg, tc.lr);
  const valSamples = splitSamples(seed, "val", tc.val_samples, task);
  const N = cfg.m * cfg.m;
  const stepsPerEpoch = Math.floor(tc.train_samples / tc.batch_size);
  const history: EpochRecord[] = [];
  const stepLosses: number[] = [];
  let best: {epoch: number; f1: number; weights: Weights} = {epoch: 0, f1: -Infinity, weights: {}};
  try {
    for (let epoch = 1; epoch <= tc.max_epochs; epoch++) {
      const {bits, labels} = toArrays(trainBatches(seed, epoch, tc.train_samples, task));
      let lossSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const lo = s * tc.batch_size * N;
        const hi = lo + tc.batch_size * N;
        const loss = trainer.step(bits.subarray(lo, hi), labels.subarray(lo, hi));
        if (!Number.isFinite(loss)) {
          throw new Error(`non-finite training loss ${loss}: arch ${cfg.arch}, seed ${seed}, epoch ${epoch}, step ${s + 1}`);
        }
        stepLosses.push(loss);
        lossSum += loss;
        await opts.onStep?.(stepLosses.length, loss);
      }
      const val = evaluate(params, cfg, valSamples, tc.eval_batch_size);
      if (!Number.isFinite(val.loss)) {
        throw new Error(`non-finite validation loss ${val.loss}: arch ${cfg.arch}, seed ${seed}, epoch ${epoch}`);
      }
      const record: EpochRecord = {
        epoch,
        train_loss: lossSum / stepsPerEpoch,
        val_loss: val.loss,
        val_f1: val.f1,
        seconds: now() - t0,
      };
      history.push(record);
      const isBest = val.f1 > best.f1; // strict: the FIRST epoch reaching the maximum stays best
      if (isBest) best = {epoch, f1: val.f1, weights: paramsToWeights(params)};
      await opts.onEpoch?.({...record, is_best: isBest, snapshot: (names) => paramsToWeights(params, names)});
      if (epoch - best.epoch >= tc.patience) break;
    }
  } finally {
    trainer.dispose();
    disposeParams(params);
  }
  return {
    best_weights: best.weights,
    best_epoch: best.epoch,
    best_val_f1: best.f1,
    epochs_run: history.length,
    history,
    step_losses: stepLosses,
    seconds: now() - t0,
  };
}
