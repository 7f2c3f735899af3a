// Trained models, once per build: every loader asks for the runs it needs, and a run is trained only
// when no cached copy exists for exactly this preset, architecture, seed and training code. Runs train in
// worker processes from one queue (trainQueue.ts), as many at a time as the machine has cores, and land
// in .cache/models atomically. Two families: the relation classifiers (ensureRuns) and the attention-only
// LM (ensureLmRuns); the first loader of a build that needs either trains the missing runs of both.
import {createHash} from "node:crypto";
import {existsSync, readFileSync} from "node:fs";
import {dirname, join, relative, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {PRESETS, makeConfig, type Preset, type PresetName} from "../model/config.js";
import {LM_ARCHS, LM_PRESETS, makeLmConfig, type LmArch, type LmPreset} from "../model/lmConfig.js";
import type {Weights} from "../model/params.js";
import {epochFlops, lmEpochFlops} from "../model/cost.js";
import {decodeSafetensors} from "../model/safetensors.js";
import {KERNEL_SOURCE} from "./kernels.js";
import {RUN_FILE, WEIGHTS_FILE, type LmRunRecord, type RunRecord} from "./runRecord.js";
import {trainMissing, type Job} from "./trainQueue.js";
import {ARCHS, type Arch} from "../model/vocabulary.js";

export {RUN_FILE, WEIGHTS_FILE, type LmRunRecord, type RunRecord};

export const CACHE_DIR = ".cache/models";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./train-worker.ts", import.meta.url));

export interface Run {
  record: RunRecord;
  /** best-epoch weights */
  weights: Weights;
}

/** The preset chosen by MIXVIZ_PROFILE (default "full"). */
export function selectedPreset(): Preset {
  const name = process.env.MIXVIZ_PROFILE ?? "full";
  if (!(name in PRESETS)) throw new Error(`MIXVIZ_PROFILE must be one of ${Object.keys(PRESETS).join(", ")}, got "${name}"`);
  return PRESETS[name as PresetName];
}

/** Seeds per relation architecture when MIXVIZ_SEEDS is not set: enough for a spread over seeds. */
export const DEFAULT_SEEDS = 3;

/** The seeds chosen by MIXVIZ_SEEDS (how many, default DEFAULT_SEEDS): 0, 1, … The views use seed 0. */
export function selectedSeeds(): number[] {
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
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, "utf-8").matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) {
      visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  };
  visit(WORKER);
  seen.add(KERNEL_SOURCE);
  return [...seen].sort();
}

/** A digest of a run's description (preset, architecture, seed, …) and of every file training runs. */
function digest(description: object): string {
  const hash = createHash("sha256").update(JSON.stringify(description));
  for (const [name, bytes] of sourceBytes()) hash.update(name).update(bytes);
  return hash.digest("hex").slice(0, 16);
}

let sources: [string, Buffer][] | null = null;

/** The training sources' names and bytes, read once per process (every run's digest hashes them all). */
function sourceBytes(): [string, Buffer][] {
  sources ??= trainingSources().map((file) => [relative(ROOT, file), readFileSync(file)]);
  return sources;
}

/** A digest of everything a trained model depends on: the preset, the run and the model code. */
export function runKey(preset: Preset, arch: Arch, seed: number): string {
  return digest({preset, arch, seed});
}

export function runDir(preset: Preset, arch: Arch, seed: number): string {
  return join(CACHE_DIR, `${preset.name}-${arch}-seed${seed}-${runKey(preset, arch, seed)}`);
}

function readRun<R>(dir: string): {record: R; weights: Weights} {
  const record = JSON.parse(readFileSync(join(dir, RUN_FILE), "utf-8")) as R;
  const {tensors} = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)));
  const weights: Weights = Object.fromEntries(Object.entries(tensors).map(([name, {data}]) => [name, data]));
  return {record, weights};
}

export function loadRun(dir: string): Run {
  return readRun<RunRecord>(dir);
}

/** Rank in the training queue by kind, costliest first (measured step times: docs/benchmarks.md). */
const QUEUE_ORDER = ["iha", "lm_iha", "talking_heads", "mha", "lm_mha"];

/** The training jobs of the relation runs of every architecture and seed. */
function relationJobs(preset: Preset, seeds: number[]): Job[] {
  return ARCHS.flatMap((arch) =>
    seeds.map((seed) => ({
      args: ["relation", preset.name, arch, String(seed)],
      label: `${arch} seed ${seed}`,
      kind: arch,
      flops_per_epoch: epochFlops(preset, makeConfig(preset, arch)),
      max_epochs: preset.train.max_epochs,
      order: QUEUE_ORDER.indexOf(arch),
      dir: runDir(preset, arch, seed)
    }))
  );
}

/**
 * Jobs of the build's other family, trained in the same queue when a loader asks for runs of the build's
 * own preset, so that both cores stay busy until every model of the build is trained (loaders run one
 * after another; the first that needs a model trains them all).
 */
function buildCompanions(presetName: string, family: "relation" | "lm"): Job[] {
  if (presetName !== (process.env.MIXVIZ_PROFILE ?? "full")) return [];
  return family === "relation" ? lmJobs(selectedLmPreset(), LM_SEED) : relationJobs(selectedPreset(), selectedSeeds());
}

/** The runs of every architecture and selected seed, training the missing ones first (trainQueue.ts). */
export async function ensureRuns(preset = selectedPreset(), seeds = selectedSeeds()): Promise<Map<string, Run>> {
  makeConfig(preset, "mha"); // validates the preset before anything trains
  const jobs = relationJobs(preset, seeds);
  await trainMissing([...jobs, ...buildCompanions(preset.name, "relation")], preset.name);
  return new Map(ARCHS.flatMap((arch) => seeds.map((seed) => [`${arch}/${seed}`, loadRun(runDir(preset, arch, seed))] as const)));
}

// ---------------------------------------------------------------------------------------------------
// The language model family

export interface LmRun {
  record: LmRunRecord;
  weights: Weights;
}

/** The LM preset chosen by MIXVIZ_PROFILE (default "full"), the same names as the relation presets. */
export function selectedLmPreset(): LmPreset {
  const name = process.env.MIXVIZ_PROFILE ?? "full";
  if (!(name in LM_PRESETS)) throw new Error(`MIXVIZ_PROFILE must be one of ${Object.keys(LM_PRESETS).join(", ")}, got "${name}"`);
  return LM_PRESETS[name as keyof typeof LM_PRESETS];
}

/** The seed of the LM runs (one run per architecture). */
export const LM_SEED = 0;

export function lmRunKey(preset: LmPreset, arch: LmArch, seed: number): string {
  return digest({family: "lm", preset, arch, seed});
}

export function lmRunDir(preset: LmPreset, arch: LmArch, seed: number): string {
  return join(CACHE_DIR, `${preset.name}-lm_${arch}-seed${seed}-${lmRunKey(preset, arch, seed)}`);
}

export function loadLmRun(dir: string): LmRun {
  return readRun<LmRunRecord>(dir);
}

/** The training jobs of the LM runs of both architectures. */
function lmJobs(preset: LmPreset, seed: number): Job[] {
  return LM_ARCHS.map((arch) => ({
    args: ["lm", preset.name, arch, String(seed)],
    label: `the ${arch} LM`,
    kind: `lm_${arch}`,
    flops_per_epoch: lmEpochFlops(preset, makeLmConfig(preset, arch)),
    max_epochs: preset.train.epochs,
    order: QUEUE_ORDER.indexOf(`lm_${arch}`),
    dir: lmRunDir(preset, arch, seed)
  }));
}

/** The LM runs of both architectures (keys "mha", "iha"), training the missing ones first (trainQueue.ts). */
export async function ensureLmRuns(preset = selectedLmPreset(), seed = LM_SEED): Promise<Map<LmArch, LmRun>> {
  makeLmConfig(preset, "mha"); // validates the preset before anything trains
  await trainMissing([...lmJobs(preset, seed), ...buildCompanions(preset.name, "lm")], preset.name);
  return new Map(LM_ARCHS.map((arch) => [arch, loadLmRun(lmRunDir(preset, arch, seed))]));
}
