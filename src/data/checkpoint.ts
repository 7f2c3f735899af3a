// data/weights/<kind>.safetensors and <kind>.json, for both model families: the weights of one trained run
// (a relation model's seed-0 best epoch, an LM's last step; names and shapes as in src/model/params.ts) and
// what is needed to load and run them (config, provenance, scores; an LM's token labels).
import type {FamilyTypes, ModelFamily} from "../model/family.js";
import {paramSpecs} from "../model/params.js";
import {encodeSafetensors} from "../model/safetensors.js";
import {ensureRuns, runOf, type Run} from "./runs.js";
import {VIEW_SEED} from "./showcase.js";

/** The run the weight files carry: seed VIEW_SEED (0, the LM's only seed) of one architecture. */
async function viewRun<T extends FamilyTypes>(family: ModelFamily<T>, arch: T["arch"]): Promise<Run<T["record"]>> {
  return runOf(await ensureRuns(family), arch, VIEW_SEED);
}

/** The safetensors file: F32, every parameter of the config in canonical order, the family's string metadata. */
export async function checkpointSafetensors<T extends FamilyTypes>(family: ModelFamily<T>, arch: T["arch"]): Promise<Uint8Array> {
  const {record, weights} = await viewRun(family, arch);
  const tensors = Object.fromEntries(
    paramSpecs(record.config).map(({name, shape}) => {
      const data = weights[name];
      if (!data) throw new Error(`the ${family.kind(arch)} run lacks parameter ${name}`);
      return [name, {shape, data}];
    })
  );
  return encodeSafetensors(tensors, family.checkpointMetadata(record));
}

/** The JSON beside it: config, provenance, the family's scores and every parameter's name and shape. */
export async function checkpointConfig<T extends FamilyTypes>(family: ModelFamily<T>, arch: T["arch"]): Promise<string> {
  const {record} = await viewRun(family, arch);
  return JSON.stringify({
    arch,
    preset: record.preset,
    seed: record.seed,
    config: record.config,
    train: record.train,
    task: record.task,
    ...family.checkpointFields(record),
    dtype: "F32",
    parameters: paramSpecs(record.config).map(({name, shape}) => ({name, shape}))
  });
}
