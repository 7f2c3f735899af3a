// samples.json: the showcase set (the first SHOWCASE matrices of the seed-0 test split) with labels, token
// labels, the ground-truth path of every positive cell, and each architecture's predictions and logits.
import type {Preset} from "../model/config.js";
import {tokenLabel, witnessPath} from "../model/task.js";
import {predict} from "../model/train.js";
import {runOf, type Run} from "./runs.js";
import {SHOWCASE, showcaseSamples, VIEW_SEED} from "./showcase.js";
import {ARCHS} from "../model/vocabulary.js";

/** Significant digits kept for logits in JSON (float32 carries about 7). */
export const LOGIT_DIGITS = 7;

export function buildSamples(runs: Map<string, Run>, preset: Preset) {
  const {task} = preset;
  const {m} = task;
  const N = m * m;
  const showcase = showcaseSamples(preset);
  const outputs = ARCHS.map((arch) => {
    const run = runOf(runs, arch, VIEW_SEED);
    return {arch, ...predict(run.weights, run.record.config, showcase, preset.train.eval_batch_size)};
  });
  const samples = showcase.map((sample, index) => {
    const cells = (values: ArrayLike<number>, round = false) =>
      Array.from({length: N}, (_, n) => (round ? Number(values[index * N + n].toPrecision(LOGIT_DIGITS)) : values[index * N + n]));
    return {
      sample: index,
      relation: [...sample.relation],
      labels: [...sample.labels],
      tokens: [...sample.relation].map((bit, n) => tokenLabel(Math.floor(n / m), n % m, bit)),
      paths: [...sample.labels].map((label, n) => (label ? witnessPath(sample.relation, n, task) : [])),
      predictions: Object.fromEntries(outputs.map((o) => [o.arch, cells(o.pred)])),
      logits: Object.fromEntries(outputs.map((o) => [o.arch, cells(o.logits, true)]))
    };
  });
  return {
    preset: preset.name,
    seed: VIEW_SEED,
    split: "test",
    count: SHOWCASE,
    task,
    archs: [...ARCHS],
    samples
  };
}
