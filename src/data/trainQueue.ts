// Trains runs in worker processes from one queue, one per core at a time, longest first, and prints
// one estimate for the whole queue while it trains. Workers report each epoch over the IPC channel
// (runRecord.ts's `reportEpoch`); their own per-epoch lines go straight to stderr. A run may carry a
// follow-up task (its evaluation, evaluations.ts) that joins the same queue once the run exists, so it
// runs on a core that training would otherwise leave idle.
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
  /** work on the trained run, queued once the run exists; skipped when its output already exists */
  then?: Task;
}

/** A follow-up task: one worker process that writes one file. */
export interface Task {
  /** how messages name it, e.g. "evaluation of iha seed 1" */
  label: string;
  /** the worker script */
  script: string;
  /** the worker's arguments after the script name */
  args: string[];
  /** the file it writes; the task is done once it exists */
  output: string;
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

function runWorker(script: string, args: string[], what: string, onReport?: (report: EpochReport) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {stdio: ["ignore", "inherit", "inherit", "ipc"]});
    if (onReport) child.on("message", onReport);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed; see the message above`))));
  });
}

function trainInWorker(state: State, onReport: () => void): Promise<void> {
  const {args, label, dir} = state.job;
  state.started = Date.now();
  return runWorker(WORKER, [...args, dir], `training ${label}`, (report) => {
    state.last = report;
    onReport();
  });
}

/**
 * Trains the jobs whose folder has no finished run, costliest kinds first, at most one per core at a time,
 * and runs each job's follow-up task whose output is missing as soon as its run exists. Training goes first
 * (the long runs decide when the queue ends); a core with no training left takes the ready follow-ups.
 */
export async function trainMissing(jobs: Job[], presetName: string): Promise<void> {
  const byCost = [...jobs].sort((a, b) => a.order - b.order);
  const missing = byCost.filter(({dir}) => !existsSync(join(dir, RUN_FILE)));
  const followUps = byCost.filter((j) => j.then && !existsSync(j.then.output)).map((j) => j.then!); // the costliest kinds' first
  if (missing.length === 0 && followUps.length === 0) return;
  const cores = Math.min(availableParallelism(), missing.length + followUps.length);
  if (missing.length > 0) {
    console.error(
      `\nmixviz: training ${missing.length} model(s) on the "${presetName}" preset, ${cores} at a time (cached in .cache/models): ` +
        `${missing.map((j) => j.label).join(", ")}`
    );
  }
  if (followUps.length > 0) {
    const tasks = `${followUps.length} task(s) on the trained runs`;
    const head = missing.length > 0 ? `mixviz: then ${tasks}` : `\nmixviz: ${tasks}, ${cores} at a time`;
    console.error(`${head}: ${followUps.map((t) => t.label).join(", ")}`);
  }
  const states: State[] = missing.map((job) => ({job}));
  const t0 = Date.now();
  let lastReport = 0;
  const report = (force = false) => {
    if (states.length === 0 || (!force && Date.now() - lastReport < REPORT_EVERY_S * 1000)) return;
    lastReport = Date.now();
    const done = states.filter((s) => s.done !== undefined).length;
    const left = secondsLeft(states, cores);
    const estimate = left === null ? "estimate after the first epoch" : `about ${minutes(left.seconds)} left${left.bound ? " at most (runs may stop early)" : ""}`;
    console.error(`mixviz: ${done} of ${states.length} models trained, ${minutes((Date.now() - t0) / 1000)} elapsed, ${estimate}`);
  };
  const training = [...states];
  // follow-ups of runs that already exist are ready now; the others join when their run is trained
  const ready: Task[] = followUps.filter((task) => !missing.some((j) => j.then === task));
  let finished = 0;
  const runTask = async (task: Task) => {
    const started = Date.now();
    await runWorker(task.script, task.args, task.label);
    finished++;
    console.error(`mixviz: ${task.label} done in ${Math.round((Date.now() - started) / 1000)} s (${finished} of ${followUps.length} tasks)`);
  };
  // each worker loop ends when nothing is queued and no running job can still add a follow-up
  let trainingNow = 0;
  const wakers: (() => void)[] = [];
  const wake = () => wakers.splice(0).forEach((w) => w());
  const workers = Array.from({length: cores}, async () => {
    for (;;) {
      const state = training.shift();
      if (state) {
        trainingNow++;
        try {
          await trainInWorker(state, () => report());
          state.done = Date.now();
          report(true);
          if (state.job.then && followUps.includes(state.job.then)) ready.push(state.job.then);
        } finally {
          trainingNow--;
          wake();
        }
        continue;
      }
      const task = ready.shift();
      if (task) {
        await runTask(task);
        continue;
      }
      if (trainingNow === 0) return;
      await new Promise<void>((resolve) => wakers.push(resolve)); // a run in training may bring a follow-up
    }
  });
  await Promise.all(workers);
}
