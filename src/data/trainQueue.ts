// Trains runs in worker processes from one queue, one per core at a time, longest first, and prints
// one estimate for the whole queue (runs and follow-up tasks) while it trains. Workers report each epoch over the IPC channel
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

/** A follow-up task in the queue: its run's kind, that run's state while it trains, when it started and how long it took. */
export interface TaskState {
  kind: string;
  run?: State;
  started?: number;
  seconds?: number;
}

/**
 * Seconds the queue still needs on `cores` cores. A run's epochs take as long as its kind's so far
 * (seconds per FLOP of the kind's latest report), or, for a kind not started yet, as long as its FLOPs at
 * the mean rate of the kinds that have reported. A run is assumed to take all its epochs until one of its
 * kind has finished (then that one's epoch count is used), so early estimates are upper bounds (`bound`).
 * A follow-up task takes as long as the finished ones of its kind took on average, less the time it has
 * run; the tasks of a kind none of which has finished are not estimated but counted (`untimed`). The queue
 * cannot finish before its longest remaining run and that run's task, nor before the total work shared over
 * the cores. Null until some run has reported an epoch.
 */
export function secondsLeft(
  states: State[],
  cores: number,
  tasks: TaskState[] = [],
  now = Date.now(),
): {seconds: number; bound: boolean; untimed: number} | null {
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
  const runLeft = new Map<State, number>();
  for (const s of states) {
    if (s.done !== undefined) continue;
    const expected = epochs.get(s.job.kind) ?? s.job.max_epochs;
    if (!epochs.has(s.job.kind)) bound = true;
    const left = (rate.get(s.job.kind) ?? meanRate) * s.job.flops_per_epoch * Math.max(0, expected - (s.last?.epoch ?? 0));
    runLeft.set(s, left);
    total += left;
    longest = Math.max(longest, left);
  }
  const took = new Map<string, number[]>(); // seconds of the finished tasks, by kind
  for (const t of tasks) if (t.seconds !== undefined) took.set(t.kind, [...(took.get(t.kind) ?? []), t.seconds]);
  let untimed = 0;
  for (const t of tasks) {
    if (t.seconds !== undefined) continue;
    const times = took.get(t.kind);
    if (!times) {
      untimed++;
      continue;
    }
    const expected = times.reduce((a, b) => a + b, 0) / times.length;
    const left = Math.max(0, expected - (t.started !== undefined ? (now - t.started) / 1000 : 0));
    total += left;
    longest = Math.max(longest, left + (t.run ? (runLeft.get(t.run) ?? 0) : 0));
  }
  return {seconds: Math.max(total / cores, longest), bound, untimed};
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
  const taskStates = new Map<Task, TaskState>(
    byCost.filter((j) => j.then && followUps.includes(j.then)).map((j) => [j.then!, {kind: j.kind, run: states.find((s) => s.job === j)}]),
  );
  const t0 = Date.now();
  let lastReport = 0;
  const report = (force = false) => {
    if (states.length === 0 || (!force && Date.now() - lastReport < REPORT_EVERY_S * 1000)) return;
    lastReport = Date.now();
    const done = states.filter((s) => s.done !== undefined).length;
    const left = secondsLeft(states, cores, [...taskStates.values()]);
    const untimed = left?.untimed ? `, and ${left.untimed} task(s) of kinds not timed yet` : "";
    const estimate = left === null ? "estimate after the first epoch" : `about ${minutes(left.seconds)} left${left.bound ? " at most (runs may stop early)" : ""}${untimed}`;
    console.error(`mixviz: ${done} of ${states.length} models trained, ${minutes((Date.now() - t0) / 1000)} elapsed, ${estimate}`);
  };
  const training = [...states];
  // follow-ups of runs that already exist are ready now; the others join when their run is trained
  const ready: Task[] = followUps.filter((task) => !missing.some((j) => j.then === task));
  let finished = 0;
  const runTask = async (task: Task) => {
    const started = Date.now();
    const state = taskStates.get(task);
    if (state) state.started = started;
    await runWorker(task.script, task.args, task.label);
    if (state) state.seconds = (Date.now() - started) / 1000;
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
