import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {TINY, makeConfig, type TrainConfig} from "../src/model/config.js";
import {disposeParams, initParams, initWeights, type Weights} from "../src/model/params.js";
import {splitSamples, toArrays, trainBatches} from "../src/model/task.js";
import {evaluate, makeTrainer, predict, testF1, train, type EpochInfo} from "../src/model/train.js";
import {makeOptimiser, trainLoop} from "../src/model/trainLoop.js";
import {bceWithLogits, bitsTensor, forward} from "../src/model/model.js";
import {ARCHS} from "../src/model/vocabulary.js";
import {attentionKernel, setAttentionKernel} from "../src/model/attention.js";

const SEED = 3;
/** 10 steps per epoch × 3 epochs = 30 steps; patience high enough that nothing stops early. */
const THIRTY_STEPS: TrainConfig = {...TINY.train, train_samples: 160, batch_size: 16, max_epochs: 3, patience: 3};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("training on the tiny preset", () => {
  for (const arch of ARCHS) {
    it(`${arch}: 30 steps lower the loss, deterministically, and keep the best epoch's weights`, async () => {
      const cfg = makeConfig(TINY, arch);
      const snapshots: Weights[] = [];
      const infos: Omit<EpochInfo, "snapshot">[] = [];
      const run = () =>
        train({
          cfg,
          train: THIRTY_STEPS,
          task: TINY.task,
          seed: SEED,
          onEpoch: (info) => {
            const {snapshot, ...rest} = info;
            infos.push(rest);
            snapshots.push(snapshot());
          },
        });
      const tensorsBefore = tf.memory().numTensors;
      const a = await run();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      const b = await run();

      expect(a.step_losses).toHaveLength(30);
      expect(mean(a.step_losses.slice(-5))).toBeLessThan(mean(a.step_losses.slice(0, 5)) - 0.05);
      expect(a.epochs_run).toBe(3);

      // deterministic: same seed, same everything
      expect(b.step_losses).toEqual(a.step_losses);
      expect(b.history.map((h) => [h.train_loss, h.val_loss, h.val_f1])).toEqual(
        a.history.map((h) => [h.train_loss, h.val_loss, h.val_f1]),
      );
      expect(b.best_weights).toEqual(a.best_weights);

      // best epoch = first epoch reaching the maximum validation F1, and its weights are kept
      const f1s = a.history.map((h) => h.val_f1);
      expect(a.best_epoch).toBe(f1s.indexOf(Math.max(...f1s)) + 1);
      expect(a.best_val_f1).toBe(Math.max(...f1s));
      expect(a.best_weights).toEqual(snapshots[a.best_epoch - 1]);
      expect(infos.slice(0, 3).filter((i) => i.is_best).map((i) => i.epoch)).toContain(a.best_epoch);
      const val = splitSamples(SEED, "val", THIRTY_STEPS.val_samples, TINY.task);
      const again = evaluate(a.best_weights, cfg, val);
      expect(again.f1).toBe(a.best_val_f1);
      expect(again.loss).toBeCloseTo(a.history[a.best_epoch - 1].val_loss, 5);
      expect(a.history.every((h, i) => h.epoch === i + 1 && h.seconds > 0)).toBe(true);
    });
  }
});

describe("early stopping", () => {
  it("stops `patience` epochs after the best epoch", async () => {
    const cfg = makeConfig(TINY, "mha");
    // lr 0 freezes the model: epoch 1 is the best and the run stops after patience more epochs
    const frozen: TrainConfig = {...THIRTY_STEPS, lr: 1e-12, max_epochs: 20, patience: 2, train_samples: 16};
    const r = await train({cfg, train: frozen, task: TINY.task, seed: SEED});
    expect(r.best_epoch).toBe(1);
    expect(r.epochs_run).toBe(3);
  });

  it("stops at once at the score's ceiling, keeping the weights the full patience keeps", async () => {
    const cfg = makeConfig(TINY, "mha");
    const scores = [0.4, 0.9, 1, 0.95, 1, 1, 0.8, 0.7, 0.9, 1];
    const run = (ceiling?: number) =>
      trainLoop({
        cfg, seed: SEED, lr: 1e-2, max_epochs: scores.length, steps_per_epoch: 2, what: "test",
        epochLoss: (params) => () => tf.mean(tf.square(params["embed.W_row"])), // the weights move every step
        evaluate: (_, epoch) => ({f1: scores[epoch - 1]}),
        best: {score: (s) => s.f1, patience: 4, ceiling}
      });
    const capped = await run(1);
    const full = await run();
    expect(capped.best_epoch).toBe(3);
    expect(capped.history).toHaveLength(3);
    expect(full.best_epoch).toBe(3);
    expect(full.history).toHaveLength(7); // 4 epochs after the best
    expect(capped.weights).toEqual(full.weights);
    expect(capped.step_losses).toEqual(full.step_losses.slice(0, 6));
    expect((await run(2)).history).toHaveLength(7); // a ceiling never reached changes nothing
  });

  it("a non-finite loss throws, naming architecture, seed and epoch", async () => {
    const cfg = makeConfig(TINY, "iha");
    const init = initWeights(cfg, SEED);
    init["unembed.W_U"] = new Float32Array(init["unembed.W_U"].length).fill(NaN);
    const before = tf.memory().numTensors;
    await expect(train({cfg, train: THIRTY_STEPS, task: TINY.task, seed: SEED, init})).rejects.toThrow(
      /arch iha, seed 3, epoch 1/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("trainer memory and prediction", () => {
  it("tensor count stays flat across optimiser steps", () => {
    const cfg = makeConfig(TINY, "iha");
    const params = initParams(cfg, SEED);
    const trainer = makeTrainer(params, cfg, TINY.train.lr);
    const {bits, labels} = toArrays(trainBatches(SEED, 1, 16, TINY.task));
    trainer.step(bits, labels); // Adam creates its moment variables on the first step
    const after1 = tf.memory().numTensors;
    for (let s = 0; s < 4; s++) trainer.step(bits, labels);
    expect(tf.memory().numTensors).toBe(after1);
    trainer.dispose();
    disposeParams(params);
  });

  it("predict works from plain weights and from variables, and testF1 uses the test split", () => {
    const cfg = makeConfig(TINY, "talking_heads");
    const weights = initWeights(cfg, SEED);
    const params = initParams(cfg, SEED);
    const samples = splitSamples(SEED, "test", 10, TINY.task);
    const fromWeights = predict(weights, cfg, samples, 4);
    const fromParams = predict(params, cfg, samples, 7);
    expect(fromWeights.logits).toEqual(fromParams.logits);
    expect(fromWeights.pred).toHaveLength(10 * 36);
    const f1 = testF1(weights, cfg, {...TINY.train, test_samples: 10}, TINY.task, SEED);
    expect(f1).toBe(evaluate(params, cfg, samples).f1);
    disposeParams(params);
  });
});

describe("the host Adam", () => {
  it("updates every parameter as tf.train.adam does, to 1e-7 relative, over 8 steps of the IHA tiny model", () => {
    const cfg = makeConfig(TINY, "iha");
    const [ours, theirs] = [initParams(cfg, SEED), initParams(cfg, SEED)];
    const {bits, labels} = toArrays(trainBatches(SEED, 1, 16 * 8, TINY.task));
    const N = cfg.m * cfg.m;
    const loss = (params: typeof ours, s: number) => () => {
      const x = bitsTensor(bits.subarray(s * 16 * N, (s + 1) * 16 * N), cfg);
      return bceWithLogits(forward(params, cfg, x), tf.tensor2d(labels.subarray(s * 16 * N, (s + 1) * 16 * N), x.shape));
    };
    const optimiser = makeOptimiser(ours, THIRTY_STEPS.lr);
    const reference = tf.train.adam(THIRTY_STEPS.lr);
    const tensorsAfterFirst: number[] = [];
    for (let s = 0; s < 8; s++) {
      const a = optimiser.step(loss(ours, s));
      const b = tf.tidy(() => (reference.minimize(loss(theirs, s), true, Object.values(theirs)) as tf.Scalar).dataSync()[0]);
      expect(Math.abs(a - b) / Math.abs(b), `loss of step ${s + 1}`).toBeLessThanOrEqual(1e-7);
      tensorsAfterFirst.push(tf.memory().numTensors);
    }
    let moved = 0;
    for (const name of Object.keys(ours)) {
      const [x, y, start] = [ours[name].dataSync(), theirs[name].dataSync(), initWeights(cfg, SEED)[name]];
      for (let i = 0; i < x.length; i++) {
        expect(Math.abs(x[i] - y[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-7 * Math.max(Math.abs(y[i]), 1e-3));
        if (x[i] !== start[i]) moved++;
      }
    }
    expect(moved).toBeGreaterThan(0.9 * Object.values(ours).reduce((n, v) => n + v.size, 0));
    expect(new Set(tensorsAfterFirst).size, "no tensor kept per step").toBe(1);
    optimiser.dispose();
    reference.dispose();
    disposeParams(ours);
    disposeParams(theirs);
  });
});

describe("Adam on the kernel", () => {
  it("updates every parameter to the same bits as the host loop, over 6 steps of the IHA tiny model's parameters", () => {
    const cfg = makeConfig(TINY, "iha");
    const kernel = attentionKernel();
    expect(kernel).not.toBeNull();
    const [onKernel, onHost] = [initParams(cfg, SEED), initParams(cfg, SEED)];
    const weights = Object.fromEntries(Object.entries(onKernel).map(([name, v], i) => [name, tf.randomNormal(v.shape, 0, 1, "float32", i + 1)]));
    // a loss of TF.js ops only (no kernel), so that both optimisers see the same gradients: Σ_v Σ (w_v ⊙ v)² / 2 + w_v ⊙ v
    const loss = (params: typeof onKernel) => () =>
      tf.addN(Object.entries(params).map(([name, v]) => v.mul(weights[name]).square().mul(0.5).add(v.mul(weights[name])).sum())) as tf.Scalar;
    const kernelAdam = makeOptimiser(onKernel, THIRTY_STEPS.lr);
    setAttentionKernel(null);
    let hostAdam: ReturnType<typeof makeOptimiser>;
    try {
      hostAdam = makeOptimiser(onHost, THIRTY_STEPS.lr); // made without a kernel: the host loop
    } finally {
      setAttentionKernel(kernel);
    }
    for (let s = 0; s < 6; s++) expect(kernelAdam.step(loss(onKernel)), `loss of step ${s + 1}`).toBe(hostAdam.step(loss(onHost)));
    for (const name of Object.keys(onKernel)) expect(Array.from(onKernel[name].dataSync()), name).toEqual(Array.from(onHost[name].dataSync()));
    tf.dispose(Object.values(weights));
    disposeParams(onKernel);
    disposeParams(onHost);
  });
});
