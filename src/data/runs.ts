// Trained models, once per build: every loader asks for the runs it needs, and a run is trained only
// when no cached copy exists for exactly this family, preset, architecture, seed and training code. Runs
// train in worker processes from one queue (trainQueue.ts), as many at a time as the machine has cores,
// and land in .cache/models atomically. Both model families (src/model/family.ts) go through the same
// functions; the first loader of a build that needs a model of either family trains the missing runs of both.
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import type {Preset} from "../model/config.js";
import {FAMILIES, RELATION, type FamilyName, type FamilyTypes, type ModelFamily} from "../model/family.js";
import {ARCHS} from "../model/vocabulary.js";
import type {RunEvaluation} from "./evaluation.js";
import {evaluationFile, readEvaluation} from "./evaluations.js";
import {importClosure} from "./importClosure.js";
import {KERNEL_SOURCE} from "./kernels.js";
import {loadRun, RUN_FILE, WEIGHTS_FILE, type Run} from "./runRecord.js";
import {trainMissing, type Job, type Task} from "./trainQueue.js";

export {RUN_FILE, WEIGHTS_FILE, type Run};

export const CACHE_DIR = ".cache/models";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./train-worker.ts", import.meta.url));
const EVAL_WORKER = fileURLToPath(new URL("./eval-worker.ts", import.meta.url));

/** The runs of one family, keyed "arch/seed". */
export type Runs<T extends FamilyTypes> = Map<string, Run<T["record"]>>;

/** The run of one architecture and seed, or an Error naming what is missing. */
export function runOf<R>(runs: Map<string, Run<R>>, arch: string, seed: number): Run<R> {
  const run = runs.get(`${arch}/${seed}`);
  if (!run) throw new Error(`no trained ${arch} run for seed ${seed}`);
  return run;
}

/** The family's preset chosen by MIXVIZ_PROFILE (default "full"). */
export function selectedPreset<T extends FamilyTypes>(family: ModelFamily<T>): T["preset"] {
  const name = process.env.MIXVIZ_PROFILE ?? "full";
  const preset = Object.hasOwn(family.presets, name) ? family.presets[name] : undefined;
  if (!preset) throw new Error(`MIXVIZ_PROFILE must be one of ${Object.keys(family.presets).join(", ")}, got "${name}"`);
  return preset;
}

/** Seeds per relation architecture when MIXVIZ_SEEDS is not set: enough for a spread over seeds. */
export const DEFAULT_SEEDS = 3;

/**
 * The seeds a build trains for a family: its fixed seeds (the LM: one run per architecture), or those
 * chosen by MIXVIZ_SEEDS (how many, default DEFAULT_SEEDS): 0, 1, … The views use seed 0.
 */
export function selectedSeeds<T extends FamilyTypes>(family: ModelFamily<T>): number[] {
  if (family.fixedSeeds) return [...family.fixedSeeds];
  const count = Number(process.env.MIXVIZ_SEEDS ?? String(DEFAULT_SEEDS));
  if (!Number.isInteger(count) || count < 1) throw new Error(`MIXVIZ_SEEDS must be a whole number ≥ 1, got "${process.env.MIXVIZ_SEEDS}"`);
  return Array.from({length: count}, (_, seed) => seed);
}

/**
 * The files a trained model depends on: the worker and every module it imports, followed through relative
 * imports, and the fused attention kernel's source (compiled at run time, so not imported). Changing any
 * other file (metrics, pages, loaders) keeps the trained models.
 */
export function trainingSources(): string[] {
  return [...importClosure(WORKER), KERNEL_SOURCE].sort();
}

let sources: [string, Buffer][] | null = null;

/** The training sources' names and bytes, read once per process (every run's digest hashes them all). */
function sourceBytes(): [string, Buffer][] {
  sources ??= trainingSources().map((file) => [relative(ROOT, file), readFileSync(file)]);
  return sources;
}

/** A digest of everything a trained model depends on: the family, the preset, the run and the model code. */
export function runKey<T extends FamilyTypes>(family: ModelFamily<T>, preset: T["preset"], arch: T["arch"], seed: number): string {
  const hash = createHash("sha256").update(JSON.stringify({family: family.name, preset, arch, seed}));
  for (const [name, bytes] of sourceBytes()) hash.update(name).update(bytes);
  return hash.digest("hex").slice(0, 16);
}

export function runDir<T extends FamilyTypes>(family: ModelFamily<T>, preset: T["preset"], arch: T["arch"], seed: number): string {
  return join(CACHE_DIR, `${preset.name}-${family.kind(arch)}-seed${seed}-${runKey(family, preset, arch, seed)}`);
}

/** Rank in the training queue by kind, costliest first (measured step times: docs/benchmarks.md). */
const QUEUE_ORDER = ["iha", "lm_iha", "talking_heads", "mha", "lm_mha"];

/** The preset name of the build (MIXVIZ_PROFILE, default "full"). */
function buildPresetName(): string {
  return process.env.MIXVIZ_PROFILE ?? "full";
}

/**
 * The training jobs of a family's runs: every architecture and seed. With `evaluate`, a relation run carries
 * its evaluation (evaluations.ts), which the queue runs once the run exists.
 */
function jobs<T extends FamilyTypes>(family: ModelFamily<T>, preset: T["preset"], seeds: number[], evaluate: boolean): Job[] {
  return family.archs.flatMap((arch) =>
    seeds.map((seed) => {
      const dir = runDir(family, preset, arch, seed);
      return {
        args: [family.name, preset.name, arch, String(seed)],
        label: family.label(arch, seed),
        kind: family.kind(arch),
        flops_per_epoch: family.epochFlops(preset, family.makeConfig(preset, arch)),
        max_epochs: family.maxEpochs(preset),
        order: QUEUE_ORDER.indexOf(family.kind(arch)),
        dir,
        ...(evaluate && family.name === FAMILIES.relation.name ? {then: evaluationTask(preset.name, arch, seed, dir)} : {})
      };
    })
  );
}

/**
 * Jobs of the build's other families, trained in the same queue when a loader asks for runs of the
 * build's own preset, so that both cores stay busy until every model of the build is trained (loaders run
 * one after another; the first that needs a model trains them all).
 */
function buildCompanions(presetName: string, family: FamilyName): Job[] {
  if (presetName !== buildPresetName()) return [];
  return Object.values(FAMILIES)
    .filter((other) => other.name !== family)
    .flatMap((other: ModelFamily<FamilyTypes>) => jobs(other, selectedPreset(other), selectedSeeds(other), true));
}

/**
 * The runs of every architecture and selected seed of a family, training the missing ones first
 * (trainQueue.ts). The relation runs of the build's own preset are evaluated in the same queue (their
 * evaluations.ts files, read by metrics.json and heads.arrow); `evaluate` asks for that on any preset.
 */
export async function ensureRuns<T extends FamilyTypes>(
  family: ModelFamily<T>,
  preset: T["preset"] = selectedPreset(family),
  seeds: number[] = selectedSeeds(family),
  evaluate = preset.name === buildPresetName()
): Promise<Runs<T>> {
  family.validatePreset(preset); // before anything trains
  await trainMissing([...jobs(family, preset, seeds, evaluate), ...buildCompanions(preset.name, family.name)], preset.name);
  return new Map(family.archs.flatMap((arch) => seeds.map((seed) => [`${arch}/${seed}`, loadRun<T["record"]>(runDir(family, preset, arch, seed))] as const)));
}

/** The queue task that evaluates the relation run of this preset, architecture and seed stored in `runDir`. */
export function evaluationTask(presetName: string, arch: string, seed: number, runDir: string): Task {
  const output = evaluationFile(runDir);
  return {label: `evaluation of ${arch} seed ${seed}`, script: EVAL_WORKER, args: [presetName, arch, String(seed), runDir, output], output};
}

/**
 * The evaluations of every architecture and seed on a preset, keyed "arch/seed": trains and evaluates the
 * missing runs first (in the training queue, both cores), then reads the cached files.
 */
export async function ensureEvaluations(preset: Preset, seeds: number[]): Promise<Map<string, RunEvaluation>> {
  await ensureRuns(RELATION, preset, seeds, true);
  return new Map(
    ARCHS.flatMap((arch) => seeds.map((seed) => [`${arch}/${seed}`, readEvaluation<RunEvaluation>(evaluationFile(runDir(RELATION, preset, arch, seed)))] as const))
  );
}
