// Training (through trainLoop.ts) and evaluation of the LM: Adam on the mean next-token cross-entropy, a
// fresh seeded batch every step, an evaluation on a fixed seeded set after every "epoch" of steps_per_epoch
// steps. The metric is
// induction accuracy: next-token accuracy on the second copy of the segment (lm/task.inductionPositions).
// Usable from data loaders (Node), tests and the browser.
import * as tf from "@tensorflow/tfjs";
import {validateLmTask, validateLmTrainConfig, type LmConfig, type LmTaskConfig, type LmTrainConfig} from "./config.js";
import {lmForward, nextTokenLoss, tokensTensor} from "./model.js";
import {firstCopyPositions, inductionPositions, lmSplit, lmTokens, lmTrainBatch, type LmSample} from "./task.js";
import type {Weights} from "../params.js";
import {withParams, type ParamsOrWeights} from "../train.js";
import {trainLoop} from "../trainLoop.js";

/** The fixed evaluation set of a run: `count` sequences of deriveSeed(seed, "lm/eval"). */
export function lmEvalSamples(seed: number, count: number, task: LmTaskConfig): LmSample[] {
  return lmSplit(seed, "lm/eval", count, task);
}

export interface LmPrediction {
  /** argmax next token at every position [S*N] (position n predicts token n + 1) */
  pred: Int32Array;
  /** −log p(token n + 1) at every position n < N − 1, NaN at n = N − 1; [S*N] */
  nll: Float32Array;
}

/** Greedy next-token predictions and per-position losses, in batches (no gradients, no cache). */
export function predictLm(p: ParamsOrWeights, cfg: LmConfig, samples: LmSample[], batchSize = 128): LmPrediction {
  const tokens = lmTokens(samples); // [S*N]
  const N = samples.length > 0 ? samples[0].tokens.length : 0;
  const pred = new Int32Array(tokens.length); // [S*N]
  const nll = new Float32Array(tokens.length).fill(NaN); // [S*N]
  const V = cfg.d_vocab;
  withParams(p, cfg, (params) => {
    for (let start = 0; start < samples.length; start += batchSize) {
      const end = Math.min(start + batchSize, samples.length);
      const [argmax, logp] = tf.tidy(() => {
        const logits = lmForward(params, cfg, tokensTensor(tokens.subarray(start * N, end * N), N, cfg)); // [b,N,V]
        return [logits.argMax(-1), tf.logSoftmax(logits)]; // [b,N], [b,N,V]
      });
      pred.set(argmax.dataSync() as Int32Array, start * N);
      const lp = logp.dataSync() as Float32Array; // [b,N,V]
      for (let s = start; s < end; s++) {
        for (let n = 0; n < N - 1; n++) nll[s * N + n] = -lp[((s - start) * N + n) * V + tokens[s * N + n + 1]];
      }
      tf.dispose([argmax, logp]);
    }
  });
  return {pred, nll};
}

export interface LmScores {
  /** mean next-token loss over every position 0 … N−2 */
  loss: number;
  /** next-token accuracy on the second copy (inductionPositions) */
  induction_accuracy: number;
  /** the same on the first copy (chance level) */
  first_copy_accuracy: number;
}

/** Share of `positions` (per sample) whose prediction equals the next token. */
function accuracyAt(pred: Int32Array, samples: LmSample[], positions: (s: LmSample) => number[]): number {
  let hits = 0;
  let total = 0;
  samples.forEach((s, b) => {
    const N = s.tokens.length;
    for (const q of positions(s)) {
      hits += pred[b * N + q] === s.tokens[q + 1] ? 1 : 0;
      total++;
    }
  });
  return total > 0 ? hits / total : NaN;
}

/** Scores of predictions on their samples. */
export function lmScores(prediction: LmPrediction, samples: LmSample[]): LmScores {
  let sum = 0;
  let count = 0;
  for (const v of prediction.nll) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return {
    loss: count > 0 ? sum / count : NaN,
    induction_accuracy: accuracyAt(prediction.pred, samples, (s) => inductionPositions(s.repeat)),
    first_copy_accuracy: accuracyAt(prediction.pred, samples, (s) => firstCopyPositions(s.repeat)),
  };
}

/** Loss, induction and first-copy accuracy of a model on samples. */
export function evaluateLm(p: ParamsOrWeights, cfg: LmConfig, samples: LmSample[], batchSize = 128): LmScores {
  return lmScores(predictLm(p, cfg, samples, batchSize), samples);
}

export interface LmEpochRecord extends LmScores {
  epoch: number;
  /** mean training loss over the epoch's steps */
  train_loss: number;
  /** seconds since training started, after this epoch's evaluation */
  seconds: number;
}

export interface LmTrainOptions {
  cfg: LmConfig;
  train: LmTrainConfig;
  task: LmTaskConfig;
  /** init (deriveSeed(seed, "init"…)), training batches and the evaluation set */
  seed: number;
  init?: Weights;
  onEpoch?: (record: LmEpochRecord) => void | Promise<void>;
}

export interface LmTrainResult {
  /** weights after the last step */
  weights: Weights;
  history: LmEpochRecord[];
  steps: number;
  seconds: number;
}

/**
 * Trains one LM (trainLoop.ts) for train.epochs × train.steps_per_epoch steps; step s (1-based, global) uses
 * lmTrainBatch(seed, s, batch_size). Throws on a non-finite loss, naming architecture, seed, epoch and step.
 */
export async function trainLm(opts: LmTrainOptions): Promise<LmTrainResult> {
  const {cfg, train: tc, task, seed} = opts;
  validateLmTrainConfig(tc);
  validateLmTask(task);
  if (task.d_vocab !== cfg.d_vocab) throw new Error(`config.d_vocab (${cfg.d_vocab}) must equal task.d_vocab (${task.d_vocab})`);
  if (task.n_ctx > cfg.n_ctx) throw new Error(`task.n_ctx (${task.n_ctx}) must be ≤ config.n_ctx (${cfg.n_ctx})`);
  const evalSet = lmEvalSamples(seed, tc.eval_samples, task);
  const result = await trainLoop({
    cfg,
    seed,
    init: opts.init,
    lr: tc.lr,
    max_epochs: tc.epochs,
    steps_per_epoch: tc.steps_per_epoch,
    what: `LM ${cfg.arch}, seed ${seed}`,
    epochLoss: (params, _epoch, firstStep) => (s) => {
      const x = tokensTensor(lmTokens(lmTrainBatch(seed, firstStep + s, tc.batch_size, task)), task.n_ctx, cfg); // [B,N]
      return nextTokenLoss(lmForward(params, cfg, x), x); // []
    },
    evaluate: (params) => evaluateLm(params, cfg, evalSet, tc.eval_batch_size),
    onEpoch: (record) => opts.onEpoch?.(record)
  });
  return {weights: result.weights, history: result.history, steps: result.step_losses.length, seconds: result.seconds};
}
