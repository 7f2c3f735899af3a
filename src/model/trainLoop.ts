// The training loop both model families run: Adam on a family's loss, steps_per_epoch steps per epoch, an
// evaluation after every epoch, and (when the family keeps its best epoch) early stopping on a score. The
// family says what one step's loss is and how an epoch is evaluated (train.ts for the relation models,
// lm/train.ts for the LM). Usable from data loaders (Node), tests and the browser.
import * as tf from "@tensorflow/tfjs";
import type {AnyConfig} from "./lm/config.js";
import {disposeParams, initParams, paramsToWeights, weightsToParams, type Params, type Weights} from "./params.js";
import {attentionKernel} from "./attention.js";
import {floats, tensorOf} from "./tensorData.js";

const now = () => performance.now() / 1000; // seconds; performance exists in Node ≥ 16 and browsers

/** Adam (TF.js's defaults besides lr) bound to a model's variables. step() runs one update and returns its loss. */
export interface Optimiser {
  step(loss: () => tf.Scalar): number;
  dispose(): void;
}

const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * Adam with tf.train.adam's formula and float32 rounding, op for op (β1 0.9, β2 0.999, ε the backend's
 * epsilon, 1e-7 for float32), run on the host over each variable's gradient: tf.train.adam makes about a
 * dozen TF.js ops per variable and step (tensors, dispatch, moment variables), this one reads each gradient
 * once and assigns the new value. Moments live in Float32Arrays; every product, sum, quotient and square
 * root is rounded to float32 as TF.js's float32 kernels round it. With the fused kernel installed the same
 * float32 operations run there, four parameters at a time (equal bits).
 */
export function makeOptimiser(params: Params, lr: number): Optimiser {
  const vars = Object.values(params);
  const f = Math.fround;
  const [b1, b2, c1, c2] = [f(BETA1), f(BETA2), f(1 - BETA1), f(1 - BETA2)];
  const eps = f(tf.backend().epsilon());
  const minusLr = f(-lr);
  const m = vars.map((v) => new Float32Array(v.size));
  const s = vars.map((v) => new Float32Array(v.size));
  const kernel = attentionKernel(); // runs the update when installed (kernels/attention.as.ts, adam)
  const next = kernel ? [] : vars.map((v) => new Float32Array(v.size));
  let [acc1, acc2] = [b1, b2]; // β^t, as float32
  return {
    step(loss) {
      const {value, grads} = tf.variableGrads(loss, vars);
      try {
        const [k1, k2] = [f(1 - acc1), f(1 - acc2)];
        vars.forEach((variable, i) => {
          const grad = grads[variable.name];
          if (!grad) return;
          const g = floats(grad); // views of the backend's memory: read before the next allocation
          const x = floats(variable);
          const [mi, si] = [m[i], s[i]];
          let out: Float32Array;
          if (kernel) out = kernel.adam(g, x, mi, si, {b1, b2, c1, c2, k1, k2, eps, minusLr}); // the same float32 operations, vectorised
          else {
            out = next[i];
            for (let j = 0; j < g.length; j++) {
              const mj = f(f(mi[j] * b1) + f(g[j] * c1));
              const sj = f(f(si[j] * b2) + f(f(g[j] * g[j]) * c2));
              mi[j] = mj;
              si[j] = sj;
              out[j] = f(f(f(f(mj / k1) / f(f(Math.sqrt(f(sj / k2))) + eps)) * minusLr) + x[j]);
            }
          }
          const updated = kernel ? kernel.tensor(out, variable.shape) : tensorOf(out, variable.shape);
          variable.assign(updated);
          updated.dispose(); // the variable holds its data now
        });
        acc1 = f(acc1 * b1);
        acc2 = f(acc2 * b2);
        return value.dataSync()[0];
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    },
    dispose() {},
  };
}

/** One epoch's record: its number, mean training loss, the family's evaluation and the time so far. */
export type LoopEpoch<S> = {epoch: number; train_loss: number} & S & {seconds: number};

export interface LoopOptions<S extends object> {
  cfg: AnyConfig;
  /** initialisation seed (initParams) unless `init` is given */
  seed: number;
  init?: Weights;
  lr: number;
  max_epochs: number;
  steps_per_epoch: number;
  /** names the run in errors, e.g. "arch iha, seed 3" */
  what: string;
  /**
   * Called at the start of epoch e (1-based) with the global number of its first step (1-based); returns the
   * loss of its step s (0-based), built inside the optimiser's tape. Not tidied: the optimiser tidies it.
   */
  epochLoss(params: Params, epoch: number, firstStep: number): (s: number) => tf.Scalar;
  /** the evaluation after epoch e, merged into its record */
  evaluate(params: Params, epoch: number): S;
  /**
   * keep the weights of the first epoch reaching the maximum score, and stop `patience` epochs after it, or at
   * once when it reaches `ceiling`, the largest score there is: no later epoch could then be a new maximum, so
   * the kept weights are those the full patience would keep
   */
  best?: {score: (scores: S) => number; patience: number; ceiling?: number};
  onStep?: (step: number, loss: number) => void | Promise<void>;
  onEpoch?: (record: LoopEpoch<S>, isBest: boolean, params: Params) => void | Promise<void>;
}

export interface LoopResult<S> {
  /** the best epoch's weights when `best` is given, otherwise the weights after the last step */
  weights: Weights;
  /** the best epoch (the last one without `best`) and its score (NaN without `best`) */
  best_epoch: number;
  best_score: number;
  history: LoopEpoch<S>[];
  /** loss of every optimiser step, in order */
  step_losses: number[];
  seconds: number;
}

/** Runs the loop; throws on a non-finite training loss, naming the run, the epoch and the step. */
export async function trainLoop<S extends object>(opts: LoopOptions<S>): Promise<LoopResult<S>> {
  const {cfg, seed, best} = opts;
  const t0 = now();
  const params = opts.init ? weightsToParams(opts.init, cfg) : initParams(cfg, seed);
  const optimiser = makeOptimiser(params, opts.lr);
  const history: LoopEpoch<S>[] = [];
  const stepLosses: number[] = [];
  let kept: {epoch: number; score: number; weights: Weights} = {epoch: 0, score: -Infinity, weights: {}};
  try {
    for (let epoch = 1; epoch <= opts.max_epochs; epoch++) {
      const loss = opts.epochLoss(params, epoch, stepLosses.length + 1);
      let lossSum = 0;
      for (let s = 0; s < opts.steps_per_epoch; s++) {
        const value = optimiser.step(() => loss(s));
        if (!Number.isFinite(value)) throw new Error(`non-finite training loss ${value}: ${opts.what}, epoch ${epoch}, step ${s + 1}`);
        stepLosses.push(value);
        lossSum += value;
        await opts.onStep?.(stepLosses.length, value);
      }
      const scores = opts.evaluate(params, epoch);
      const record = {epoch, train_loss: lossSum / opts.steps_per_epoch, ...scores, seconds: now() - t0} as LoopEpoch<S>;
      history.push(record);
      const isBest = best !== undefined && best.score(scores) > kept.score; // strict: the FIRST epoch reaching the maximum stays best
      if (isBest) kept = {epoch, score: best.score(scores), weights: paramsToWeights(params)};
      await opts.onEpoch?.(record, isBest, params);
      if (best && (epoch - kept.epoch >= best.patience || kept.score >= (best.ceiling ?? Infinity))) break;
    }
    if (!best) kept = {epoch: history.length, score: NaN, weights: paramsToWeights(params)};
  } finally {
    optimiser.dispose();
    disposeParams(params);
  }
  return {weights: kept.weights, best_epoch: kept.epoch, best_score: kept.score, history, step_losses: stepLosses, seconds: now() - t0};
}
