// The model family descriptor (src/model/family.ts): one tiny run of each family trained through it gives the
// numbers the two training loops gave before they were reached through one descriptor (recorded from
// train.ts / lm/train.ts called directly, tiny presets, seed 0, IHA, wasm backend with the fused kernel), and
// its record, checkpoint and cached forward pass say what the loaders rely on.
import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {TINY} from "../src/model/config.js";
import {LM, RELATION, type EpochProgress} from "../src/model/family.js";
import {LM_TINY} from "../src/model/lm/config.js";
import {disposeCache} from "../src/model/model.js";
import {disposeParams, initParams} from "../src/model/params.js";
import {splitSamples} from "../src/model/task.js";
import {lmSplit} from "../src/model/lm/task.js";

/** The relation IHA run before the refactor: per-epoch numbers, best epoch, test F1. */
const RELATION_IHA = {
  history: [
    {epoch: 1, train_loss: 0.6728895962238312, val_loss: 0.6265439093915363, val_f1: 0.6032608695652174},
    {epoch: 2, train_loss: 0.6430534482002258, val_loss: 0.613956365206091, val_f1: 0.60207991242474},
    {epoch: 3, train_loss: 0.6170180857181549, val_loss: 0.6092561160721939, val_f1: 0.60207991242474},
    {epoch: 4, train_loss: 0.6229882359504699, val_loss: 0.6016631413613988, val_f1: 0.6040415073730202}
  ],
  best_epoch: 4,
  test_f1: 0.6064516129032258
};

/** The IHA LM run before the refactor. */
const LM_IHA = [
  {epoch: 1, train_loss: 2.614766836166382, loss: 2.417442948980765, induction_accuracy: 0.03125, first_copy_accuracy: 0.09375},
  {epoch: 2, train_loss: 2.410914492607117, loss: 2.401740775528279, induction_accuracy: 0.0625, first_copy_accuracy: 0.0625},
  {epoch: 3, train_loss: 2.4149000883102416, loss: 2.4189832637255844, induction_accuracy: 0.109375, first_copy_accuracy: 0.078125}
];

const REL_TOL = 1e-6;

/** Every number of `actual` within REL_TOL (relative) of `expected`, key by key. */
function expectClose(actual: object, expected: Record<string, number>, what: string): void {
  for (const [key, value] of Object.entries(expected)) {
    const got = (actual as Record<string, number>)[key];
    expect(Math.abs(got - value), `${what} ${key}: ${got} vs ${value}`).toBeLessThanOrEqual(REL_TOL * Math.abs(value));
  }
}

describe("training through the family descriptor", () => {
  it("relation: the same losses, F1s, best epoch and test F1 as before, and a record of every epoch's mixing", async () => {
    const progress: EpochProgress[] = [];
    const {record, weights} = await RELATION.train(TINY, "iha", 0, (p) => progress.push(p));
    record.history.forEach((h, i) => expectClose(h, RELATION_IHA.history[i], `epoch ${i + 1}`));
    expect(record.history).toHaveLength(RELATION_IHA.history.length);
    expect(record.best_epoch).toBe(RELATION_IHA.best_epoch);
    expectClose(record, {test_f1: RELATION_IHA.test_f1}, "test");
    expect(record).toMatchObject({preset: "tiny", arch: "iha", seed: 0, epochs_run: 4, config: RELATION.makeConfig(TINY, "iha")});
    expect(record.mixing.map((m) => m.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(record.mixing[0].weights).sort()).toEqual(["blocks.0.attn.R", "blocks.0.attn.alpha_K", "blocks.0.attn.alpha_Q", "blocks.0.attn.alpha_V"]);
    expect(Float32Array.from(record.mixing[4].weights["blocks.0.attn.R"])).toEqual(weights["blocks.0.attn.R"]); // best epoch 4 = kept weights
    expect(progress.map((p) => [p.epoch, p.max_epochs])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(progress[3].summary).toBe("loss 0.6230, val F1 0.6040 (best)");
    expect(RELATION.summary(record)).toBe("best epoch 4, test F1 0.6065");
  });

  it("LM: the same losses and accuracies as before, and the weights after the last step", async () => {
    const {record, weights} = await LM.train(LM_TINY, "iha", 0);
    record.history.forEach((h, i) => expectClose(h, LM_IHA[i], `epoch ${i + 1}`));
    expect(record.history).toHaveLength(LM_IHA.length);
    expect(record.steps).toBe(30);
    expect(record.induction_accuracy).toBe(record.history[2].induction_accuracy);
    expect(record.loss).toBe(record.history[2].loss);
    expect(Object.keys(weights)).toContain("unembed.W_U");
  });
});

describe("what the loaders read of a family", () => {
  it("names runs and checkpoint fields per family, in the files' order", () => {
    expect([RELATION.kind("iha"), LM.kind("iha")]).toEqual(["iha", "lm_iha"]);
    expect([RELATION.label("mha", 2), LM.label("mha", 0)]).toEqual(["mha seed 2", "the mha LM"]);
    expect([RELATION.maxEpochs(TINY), LM.maxEpochs(LM_TINY)]).toEqual([TINY.train.max_epochs, LM_TINY.train.epochs]);
    const lmRecord = {preset: "tiny", arch: "iha" as const, seed: 0, config: LM.makeConfig(LM_TINY, "iha"), train: LM_TINY.train, task: LM_TINY.task,
      steps: 30, seconds: 1, loss: 2, induction_accuracy: 0.5, first_copy_accuracy: 0.1, history: []};
    expect(LM.checkpointMetadata(lmRecord)).toEqual({format: "pt", model: "lm", arch: "iha", preset: "tiny", seed: "0"});
    expect(Object.keys(LM.checkpointFields(lmRecord))).toEqual(["token_labels", "steps", "seconds", "loss", "induction_accuracy", "first_copy_accuracy"]);
    expect((LM.checkpointFields(lmRecord).token_labels as string[])[0]).toBe("BOS");
  });

  it("runs a batch of either family's inputs with the activation cache", () => {
    const tensorsBefore = tf.memory().numTensors;
    const rel = RELATION.makeConfig(TINY, "mha");
    const lm = LM.makeConfig(LM_TINY, "mha");
    const relParams = initParams(rel, 1);
    const lmParams = initParams(lm, 1);
    const samples = splitSamples(0, "val", 3, TINY.task);
    const sequences = lmSplit(0, "lm/eval", 2, LM_TINY.task).map((s) => s.tokens);
    const a = RELATION.runWithCache(relParams, rel, samples);
    const b = LM.runWithCache(lmParams, lm, sequences);
    expect(a.logits.shape).toEqual([3, TINY.task.m * TINY.task.m]);
    expect(b.logits.shape).toEqual([2, LM_TINY.task.n_ctx, LM_TINY.task.d_vocab]);
    expect(a.cache["blocks.0.attn.hook_pattern"].shape).toEqual([3, TINY.model.n_heads, 36, 36]);
    expect(b.cache["blocks.1.attn.hook_pattern"].shape).toEqual([2, LM_TINY.model.n_heads, LM_TINY.task.n_ctx, LM_TINY.task.n_ctx]);
    for (const {logits, cache} of [a, b]) {
      logits.dispose();
      disposeCache(cache);
    }
    disposeParams(relParams);
    disposeParams(lmParams);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
