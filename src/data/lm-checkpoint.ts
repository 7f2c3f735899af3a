// data/weights/lm_<arch>.safetensors and lm_<arch>.json: the trained LM of one architecture (names and
// shapes as in src/model/params.ts) and what is needed to run it in the browser (config, token labels).
import type {LmArch} from "../model/lmConfig.js";
import {lmTokenLabels} from "../model/lmTask.js";
import {paramSpecs} from "../model/params.js";
import {weightsSafetensors} from "./checkpoint.js";
import {ensureLmRuns, type LmRun} from "./runs.js";

async function lmRun(arch: LmArch): Promise<LmRun> {
  const run = (await ensureLmRuns()).get(arch);
  if (!run) throw new Error(`no trained ${arch} LM run`);
  return run;
}

/** The safetensors file (F32, parameters in canonical order, string metadata). */
export async function lmCheckpointSafetensors(arch: LmArch): Promise<Uint8Array> {
  const {record, weights} = await lmRun(arch);
  return weightsSafetensors(record.config, weights, `${arch} LM run`, {format: "pt", model: "lm", arch, preset: record.preset, seed: String(record.seed)});
}

/** The JSON beside it: config, token labels, provenance, scores and every parameter's name and shape. */
export async function lmCheckpointConfig(arch: LmArch): Promise<string> {
  const {record} = await lmRun(arch);
  return JSON.stringify({
    arch,
    preset: record.preset,
    seed: record.seed,
    config: record.config,
    train: record.train,
    task: record.task,
    token_labels: lmTokenLabels(record.config.d_vocab),
    steps: record.steps,
    seconds: record.seconds,
    loss: record.loss,
    induction_accuracy: record.induction_accuracy,
    first_copy_accuracy: record.first_copy_accuracy,
    dtype: "F32",
    parameters: paramSpecs(record.config).map(({name, shape}) => ({name, shape}))
  });
}
