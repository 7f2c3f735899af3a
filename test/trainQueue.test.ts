// The training queue's estimate, the FLOP counts it rests on, and what a trained model's cache key covers.
import {describe, expect, it} from "vitest";
import {trainingSources} from "../src/data/runs.js";
import {secondsLeft, type Job, type State, type TaskState} from "../src/data/trainQueue.js";
import {FULL, makeConfig} from "../src/model/config.js";
import {epochFlops, trainStepFlops} from "../src/model/cost.js";

function job(kind: string, flops: number, max = 10): Job {
  return {args: [], label: kind, kind, flops_per_epoch: flops, max_epochs: max, order: 0, dir: `/nowhere/${kind}`};
}

describe("FLOP counts", () => {
  it("give the full preset's documented step FLOPs (docs/benchmarks.md)", () => {
    const gflop = (arch: "mha" | "talking_heads" | "iha", P?: number) => trainStepFlops(makeConfig(FULL, arch, P ? {n_pseudo: P} : {}), FULL.train.batch_size) / 1e9;
    expect(gflop("mha")).toBeCloseTo(0.745, 3);
    expect(gflop("talking_heads")).toBeCloseTo(0.809, 3);
    expect(gflop("iha", 4)).toBeCloseTo(1.814, 3);
    expect(gflop("iha", 8)).toBeCloseTo(4.985, 3);
  });

  it("count an epoch as its training steps and a forward pass over the validation set", () => {
    const cfg = makeConfig(FULL, "mha");
    const step = trainStepFlops(cfg, FULL.train.batch_size);
    const steps = Math.ceil(FULL.train.train_samples / FULL.train.batch_size);
    expect(epochFlops(FULL, cfg)).toBeCloseTo(steps * step + (FULL.train.val_samples / FULL.train.batch_size) * (step / 3), 0);
  });
});

describe("secondsLeft", () => {
  it("has no estimate before the first epoch", () => {
    expect(secondsLeft([{job: job("a", 1)}, {job: job("b", 1)}], 2)).toBeNull();
  });

  it("runs each run's remaining epochs at its kind's pace, and an unstarted kind's at the mean rate per FLOP", () => {
    const states: State[] = [
      {job: job("a", 100), last: {epoch: 2, max_epochs: 10, seconds: 20}}, // 10 s an epoch: 80 s left
      {job: job("b", 300)}, // not started: 300 FLOPs an epoch at a's 0.1 s/FLOP → 30 s an epoch, 300 s left
    ];
    const left = secondsLeft(states, 2)!;
    expect(left.seconds).toBeCloseTo(300, 6); // the longest run is longer than (80 + 300) / 2
    expect(left.bound).toBe(true);
    states.push({job: job("a", 100)}, {job: job("a", 100)}, {job: job("a", 100)}); // three more a runs: 100 s each
    expect(secondsLeft(states, 2)!.seconds).toBeCloseTo((80 + 300 + 300) / 2, 6); // now the total sets it
  });

  it("uses the epoch count of a finished run of the same kind, and is no longer a bound when every kind has finished one", () => {
    const states: State[] = [
      {job: job("a", 100), last: {epoch: 4, max_epochs: 10, seconds: 40}, done: 1}, // stopped early at 4
      {job: job("a", 100), last: {epoch: 1, max_epochs: 10, seconds: 10}}, // 3 more epochs of 10 s
      {job: job("a", 100)}, // 4 epochs of 10 s
    ];
    const left = secondsLeft(states, 1)!;
    expect(left.seconds).toBeCloseTo(30 + 40, 6);
    expect(left.bound).toBe(false);
  });
});

describe("secondsLeft with follow-up tasks", () => {
  it("adds each task's time, as its kind's finished tasks took, less what it has run; counts the kinds not timed yet", () => {
    const training: State = {job: job("a", 100), last: {epoch: 2, max_epochs: 4, seconds: 20}}; // 2 more epochs: 20 s
    const states: State[] = [{job: job("a", 100), last: {epoch: 4, max_epochs: 4, seconds: 40}, done: 1}, training];
    const now = 1_000_000;
    const tasks: TaskState[] = [
      {kind: "a", seconds: 50},
      {kind: "a", seconds: 70}, // kind a's tasks take 60 s
      {kind: "a", started: now - 15_000}, // 45 s left
      {kind: "a", run: training}, // after its run's 20 s: 60 s
      {kind: "b"}, // no b task has finished: not estimated
    ];
    const left = secondsLeft(states, 2, tasks, now)!;
    expect(left.untimed).toBe(1);
    expect(left.bound).toBe(false);
    expect(left.seconds).toBeCloseTo(Math.max((20 + 45 + 60) / 2, 20 + 60), 6); // the run and its task: 80 s
    expect(secondsLeft(states, 1, tasks, now)!.seconds).toBeCloseTo(20 + 45 + 60, 6); // one core: the total
    expect(secondsLeft(states, 2, [], now)!).toEqual({seconds: 20, bound: false, untimed: 0});
  });
});

describe("a trained model's cache key", () => {
  it("covers the worker, what it imports and the kernel source, and not metrics, loaders or scheduling", () => {
    const files = trainingSources().map((f) => f.replace(/^.*\/src\//, "src/"));
    for (const f of ["src/data/train-worker.ts", "src/model/train.ts", "src/model/iha.ts", "src/model/attention.ts", "src/model/f1.ts", "src/model/kernels/attention.as.ts"]) {
      expect(files).toContain(f);
    }
    for (const f of ["src/model/metrics.ts", "src/model/effective.ts", "src/data/runs.ts", "src/data/trainQueue.ts", "src/data/evaluation.ts"]) {
      expect(files).not.toContain(f);
    }
  });
});
