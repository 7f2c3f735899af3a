// data/weights/<arch>.safetensors and <arch>.json: the best-epoch weights of the seed-0 run of one
// architecture (names and shapes as in src/model/params.ts), and the config needed to load them.
import type {Arch} from "../model/vocabulary.js";
import type {AnyConfig} from "../model/lmConfig.js";
import {paramSpecs, type Weights} from "../model/params.js";
import {encodeSafetensors} from "../model/safetensors.js";
import {ensureRuns, type Run} from "./runs.js";
import {VIEW_SEED} from "./showcase.js";

async function viewRun(arch: Arch): Promise<Run> {
  const run = (await ensureRuns()).get(`${arch}/${VIEW_SEED}`);
  if (!run) throw new Error(`no trained ${arch} run for seed ${VIEW_SEED}`);
  return run;
}

/**
 * A safetensors file of a run's weights (F32, every parameter of the config in canonical order, string
 * metadata); `what` names the run in the error for a missing parameter. Both model families use it.
 */
export function weightsSafetensors(config: AnyConfig, weights: Weights, what: string, metadata: Record<string, string>): Uint8Array {
  const tensors = Object.fromEntries(
    paramSpecs(config).map(({name, shape}) => {
      const data = weights[name];
      if (!data) throw new Error(`the ${what} lacks parameter ${name}`);
      return [name, {shape, data}];
    })
  );
  return encodeSafetensors(tensors, metadata);
}

/** The safetensors file of the seed-0 run. */
export async function checkpointSafetensors(arch: Arch): Promise<Uint8Array> {
  const {record, weights} = await viewRun(arch);
  const metadata = {format: "pt", arch, preset: record.preset, seed: String(record.seed), best_epoch: String(record.best_epoch)};
  return weightsSafetensors(record.config, weights, `${arch} run`, metadata);
}

/** The JSON beside it: config, provenance, scores and every parameter's name and shape. */
export async function checkpointConfig(arch: Arch): Promise<string> {
  const {record} = await viewRun(arch);
  return JSON.stringify({
    arch,
    preset: record.preset,
    seed: record.seed,
    config: record.config,
    train: record.train,
    task: record.task,
    best_epoch: record.best_epoch,
    best_val_f1: record.best_val_f1,
    epochs_run: record.epochs_run,
    test_f1: record.test_f1,
    dtype: "F32",
    parameters: paramSpecs(record.config).map(({name, shape}) => ({name, shape}))
  });
}
