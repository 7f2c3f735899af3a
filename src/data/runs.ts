// Trained models, once per build: every loader asks for the runs it needs, and a run is trained only
// when no cached copy exists for exactly this preset, architecture, seed and model code. Runs train in
// worker processes, as many at a time as the machine has cores, and land in .cache/models atomically.
// Two families: the relation classifiers (ensureRuns) and the attention-only LM (ensureLmRuns); a loader
// of one family never trains the other.
import {spawn} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, readFileSync, readdirSync} from "node:fs";
import {availableParallelism} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {ARCHS, PRESETS, makeConfig, type Arch, type ModelConfig, type Preset, type PresetName, type TrainConfig} from "../model/config.js";
import {LM_ARCHS, LM_PRESETS, makeLmConfig, type LmArch, type LmConfig, type LmPreset, type LmTaskConfig, type LmTrainConfig} from "../model/lmConfig.js";
import type {LmEpochRecord} from "../model/lmTrain.js";
import type {Weights} from "../model/params.js";
import {decodeSafetensors} from "../model/safetensors.js";
import type {TaskConfig} from "../model/task.js";
import type {EpochRecord} from "../model/train.js";

export const CACHE_DIR = ".cache/models";
export const RUN_FILE = "run.json";
export const WEIGHTS_FILE = "weights.safetensors";
const MODEL_DIR = fileURLToPath(new URL("../model/", import.meta.url));
const WORKER = fileURLToPath(new URL("./train-worker.ts", import.meta.url));

/** What a finished run records besides its weights. */
export interface RunRecord {
  preset: string;
  arch: Arch;
  seed: number;
  config: ModelConfig;
  train: TrainConfig;
  task: TaskConfig;
  best_epoch: number;
  best_val_f1: number;
  epochs_run: number;
  seconds: number;
  test_f1: number;
  history: EpochRecord[];
  /** mixing parameters (TH: P_l, P_w; IHA: alpha_Q/K/V, R) at initialisation (epoch 0) and after every epoch */
  mixing: {epoch: number; weights: Record<string, number[]>}[];
}

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

/** The seeds chosen by MIXVIZ_SEEDS (how many, default 1): 0, 1, … The views use seed 0. */
export function selectedSeeds(): number[] {
  const count = Number(process.env.MIXVIZ_SEEDS ?? "1");
  if (!Number.isInteger(count) || count < 1) throw new Error(`MIXVIZ_SEEDS must be a whole number ≥ 1, got "${process.env.MIXVIZ_SEEDS}"`);
  return Array.from({length: count}, (_, seed) => seed);
}

/** A digest of a run's description (preset, architecture, seed, …), the model code and the worker. */
function digest(description: object): string {
  const hash = createHash("sha256").update(JSON.stringify(description));
  for (const file of readdirSync(MODEL_DIR).sort()) hash.update(file).update(readFileSync(join(MODEL_DIR, file)));
  hash.update(readFileSync(WORKER));
  return hash.digest("hex").slice(0, 16);
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

/** One run to train: the worker's arguments after the script name, and a label for messages. */
interface Job {
  args: string[];
  label: string;
  dir: string;
}

function trainInWorker({args, label, dir}: Job): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args, dir], {
      stdio: ["ignore", "inherit", "inherit"]
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`training ${label} failed; see the message above`))));
  });
}

/** Trains the jobs whose folder has no finished run, at most one per core at a time, in the given order. */
async function trainMissing(jobs: Job[], presetName: string): Promise<void> {
  const missing = jobs.filter(({dir}) => !existsSync(join(dir, RUN_FILE)));
  if (missing.length > 0) {
    console.error(`mixviz: training ${missing.length} model(s) on the "${presetName}" preset (cached in ${CACHE_DIR})`);
  }
  const queue = [...missing];
  const workers = Array.from({length: Math.min(availableParallelism(), queue.length)}, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await trainInWorker(job);
  });
  await Promise.all(workers);
}

/**
 * The runs of every architecture and selected seed, training the missing ones first. IHA costs the
 * most per step, so it starts first; at most one run per core trains at a time.
 */
export async function ensureRuns(preset = selectedPreset(), seeds = selectedSeeds()): Promise<Map<string, Run>> {
  makeConfig(preset, "mha"); // validates the preset before anything trains
  const runs = [...ARCHS].reverse().flatMap((arch) => seeds.map((seed) => ({arch, seed, dir: runDir(preset, arch, seed)})));
  const jobs = runs.map(({arch, seed, dir}) => ({
    args: ["relation", preset.name, arch, String(seed)],
    label: `${arch} (seed ${seed}, ${preset.name})`,
    dir
  }));
  await trainMissing(jobs, preset.name);
  return new Map(runs.map(({arch, seed, dir}) => [`${arch}/${seed}`, loadRun(dir)]));
}

// ---------------------------------------------------------------------------------------------------
// The language model family

/** What a finished LM run records besides its weights (the weights after the last step). */
export interface LmRunRecord {
  preset: string;
  arch: LmArch;
  seed: number;
  config: LmConfig;
  train: LmTrainConfig;
  task: LmTaskConfig;
  steps: number;
  seconds: number;
  /** scores of the final weights on the run's evaluation set (lmTrain.lmEvalSamples) */
  loss: number;
  induction_accuracy: number;
  first_copy_accuracy: number;
  history: LmEpochRecord[];
}

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

/** The LM runs of both architectures (keys "mha", "iha"), training the missing ones first (IHA first). */
export async function ensureLmRuns(preset = selectedLmPreset(), seed = LM_SEED): Promise<Map<LmArch, LmRun>> {
  makeLmConfig(preset, "mha"); // validates the preset before anything trains
  const runs = [...LM_ARCHS].reverse().map((arch) => ({arch, dir: lmRunDir(preset, arch, seed)}));
  const jobs = runs.map(({arch, dir}) => ({
    args: ["lm", preset.name, arch, String(seed)],
    label: `the ${arch} LM (seed ${seed}, ${preset.name})`,
    dir
  }));
  await trainMissing(jobs, preset.name);
  return new Map(LM_ARCHS.map((arch) => [arch, loadLmRun(runs.find((r) => r.arch === arch)!.dir)]));
}
