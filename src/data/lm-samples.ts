// lm-samples.json: the LM showcase set (tokens, where the segment repeats, each architecture's greedy
// next-token predictions) and each LM run's config, training time, scores and per-epoch history.
import {LM_ARCHS, type LmArch, type LmPreset} from "../model/lm/config.js";
import {lmTokenLabels} from "../model/lm/task.js";
import {predictLm} from "../model/lm/train.js";
import type {LmTypes} from "../model/family.js";
import {runOf, type Runs} from "./runs.js";
import {lmShowcaseSamples, VIEW_SEED} from "./showcase.js";

export function buildLmSamples(runs: Runs<LmTypes>, preset: LmPreset) {
  const showcase = lmShowcaseSamples(preset);
  const N = preset.task.n_ctx;
  const run = (arch: LmArch) => runOf(runs, arch, VIEW_SEED);
  const predictions = Object.fromEntries(
    LM_ARCHS.map((arch) => [arch, predictLm(run(arch).weights, run(arch).record.config, showcase, preset.train.eval_batch_size).pred])
  );
  return {
    preset: preset.name,
    d_vocab: preset.task.d_vocab,
    n_ctx: N,
    token_labels: lmTokenLabels(preset.task.d_vocab),
    archs: [...LM_ARCHS],
    samples: showcase.map((s, index) => ({
      sample: index,
      tokens: [...s.tokens],
      repeat: {...s.repeat},
      predictions: Object.fromEntries(LM_ARCHS.map((arch) => [arch, [...predictions[arch].subarray(index * N, (index + 1) * N)]]))
    })),
    architectures: Object.fromEntries(
      LM_ARCHS.map((arch) => {
        const {record} = run(arch);
        return [
          arch,
          {
            config: record.config,
            seed: record.seed,
            seconds: record.seconds,
            steps_or_epochs: {steps: record.steps, epochs: record.history.length, steps_per_epoch: record.train.steps_per_epoch},
            loss: record.loss,
            induction_accuracy: record.induction_accuracy,
            first_copy_accuracy: record.first_copy_accuracy,
            history: record.history.map((e) => ({
              epoch: e.epoch,
              step: e.epoch * record.train.steps_per_epoch,
              train_loss: e.train_loss,
              loss: e.loss,
              induction_accuracy: e.induction_accuracy,
              first_copy_accuracy: e.first_copy_accuracy,
              seconds: e.seconds
            }))
          }
        ];
      })
    )
  };
}
