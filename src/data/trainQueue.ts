// Trains runs in worker processes from one queue, one per core at a time, longest first, and prints
// one estimate for the whole queue while it trains. Workers report each epoch over the IPC channel
// (runRecord.ts's `reportEpoch`); their own per-epoch lines go straight to stderr.
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {availableParallelism} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {RUN_FILE, type EpochReport} from "./runRecord.js";

const WORKER = fileURLToPath(new URL("./train-worker.ts", import.meta.url));
/** seconds between two whole-queue progress lines (one is also printed whenever a run finishes) */
const REPORT_EVERY_S = 60;

/** One run to train. */
export interface Job {
  /** the worker's arguments after the script name (family, preset, architecture, seed) */
  args: string[];
  /** how messages name it, e.g. "iha seed 1" */
  label: string;
  /** runs of one kind (family and architecture) cost about the same: estimates are shared within a kind */
  kind: string;
  /** rank in the queue: lower starts first (the costliest kinds first) */
  order: number;
  /** its cache folder; the run is missing until dir/run.json exists */
  dir: string;
}

interface State {
  job: Job;
  started?: number;
  last?: EpochReport;
  done?: number;
}

/**
 * Seconds the queue still needs on `cores` cores: each run's remaining epochs at its own pace, or, for a
 * run not started, at the pace and epoch count of its kind so far. A run is assumed to take all its
 * epochs until one of its kind has finished (then that one's epoch count is used), so early estimates
 * are upper bounds. Null while some kind has no run that has reported an epoch.
 */
export function secondsLeft(states: State[], cores: number): {seconds: number; bound: boolean} | null {
  const pace = new Map<string, number>(); // seconds per epoch, by kind
  const epochs = new Map<string, number>(); // epochs of a finished run, by kind
  for (const s of states) {
    if (s.last) pace.set(s.job.kind, s.last.seconds / s.last.epoch);
    if (s.done !== undefined && s.last) epochs.set(s.job.kind, s.last.epoch);
  }
  let total = 0;
  let bound = false;
  for (const s of states) {
    if (s.done !== undefined) continue;
    const perEpoch = pace.get(s.job.kind);
    if (perEpoch === undefined) return null;
    const max = s.last?.max_epochs ?? states.find((o) => o.job.kind === s.job.kind && o.last)!.last!.max_epochs;
    const expected = epochs.get(s.job.kind) ?? max;
    if (!epochs.has(s.job.kind)) bound = true;
    total += perEpoch * Math.max(0, expected - (s.last?.epoch ?? 0));
  }
  return {seconds: total / cores, bound};
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

function trainInWorker(state: State, onReport: () => void): Promise<void> {
  const {args, label, dir} = state.job;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args, dir], {stdio: ["ignore", "inherit", "inherit", "ipc"]});
    state.started = Date.now();
    child.on("message", (report: EpochReport) => {
      state.last = report;
      onReport();
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`training ${label} failed; see the message above`))));
  });
}

/** Trains the jobs whose folder has no finished run, costliest kinds first, at most one per core at a time. */
export async function trainMissing(jobs: Job[], presetName: string): Promise<void> {
  const missing = jobs.filter(({dir}) => !existsSync(join(dir, RUN_FILE))).sort((a, b) => a.order - b.order);
  if (missing.length === 0) return;
  const cores = Math.min(availableParallelism(), missing.length);
  console.error(
    `\nmixviz: training ${missing.length} model(s) on the "${presetName}" preset, ${cores} at a time (cached in .cache/models): ` +
      `${missing.map((j) => j.label).join(", ")}`
  );
  const states: State[] = missing.map((job) => ({job}));
  const t0 = Date.now();
  let lastReport = 0;
  const report = (force = false) => {
    if (!force && Date.now() - lastReport < REPORT_EVERY_S * 1000) return;
    lastReport = Date.now();
    const done = states.filter((s) => s.done !== undefined).length;
    const left = secondsLeft(states, cores);
    const estimate = left === null ? "estimate once every kind of model has run an epoch" : `about ${minutes(left.seconds)} left${left.bound ? " at most (runs may stop early)" : ""}`;
    console.error(`mixviz: ${done} of ${states.length} models trained, ${minutes((Date.now() - t0) / 1000)} elapsed, ${estimate}`);
  };
  const queue = [...states];
  const workers = Array.from({length: cores}, async () => {
    for (let state = queue.shift(); state; state = queue.shift()) {
      await trainInWorker(state, () => report());
      state.done = Date.now();
      report(true);
    }
  });
  await Promise.all(workers);
}
