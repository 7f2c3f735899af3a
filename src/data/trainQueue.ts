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
  /** matrix-product FLOPs of one epoch (src/model/cost.ts), to estimate runs of kinds not yet started */
  flops_per_epoch: number;
  /** the most epochs it can take (it may stop earlier) */
  max_epochs: number;
  /** rank in the queue: lower starts first (the costliest kinds first) */
  order: number;
  /** its cache folder; the run is missing until dir/run.json exists */
  dir: string;
}

export interface State {
  job: Job;
  started?: number;
  last?: EpochReport;
  done?: number;
}

/**
 * Seconds the queue still needs on `cores` cores. A run's epochs take as long as its kind's so far
 * (seconds per FLOP of the kind's latest report), or, for a kind not started yet, as long as its FLOPs at
 * the mean rate of the kinds that have reported. A run is assumed to take all its epochs until one of its
 * kind has finished (then that one's epoch count is used), so early estimates are upper bounds (`bound`).
 * The queue cannot finish before its longest remaining run, nor before the total work shared over the
 * cores. Null until some run has reported an epoch.
 */
export function secondsLeft(states: State[], cores: number): {seconds: number; bound: boolean} | null {
  const rate = new Map<string, number>(); // seconds per FLOP, by kind
  const epochs = new Map<string, number>(); // epochs of a finished run, by kind
  for (const s of states) {
    if (s.last) rate.set(s.job.kind, s.last.seconds / (s.last.epoch * s.job.flops_per_epoch));
    if (s.done !== undefined && s.last) epochs.set(s.job.kind, s.last.epoch);
  }
  if (rate.size === 0) return null;
  const meanRate = [...rate.values()].reduce((a, b) => a + b, 0) / rate.size;
  let total = 0;
  let longest = 0;
  let bound = false;
  for (const s of states) {
    if (s.done !== undefined) continue;
    const expected = epochs.get(s.job.kind) ?? s.job.max_epochs;
    if (!epochs.has(s.job.kind)) bound = true;
    const left = (rate.get(s.job.kind) ?? meanRate) * s.job.flops_per_epoch * Math.max(0, expected - (s.last?.epoch ?? 0));
    total += left;
    longest = Math.max(longest, left);
  }
  return {seconds: Math.max(total / cores, longest), bound};
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
    const estimate = left === null ? "estimate after the first epoch" : `about ${minutes(left.seconds)} left${left.bound ? " at most (runs may stop early)" : ""}`;
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
