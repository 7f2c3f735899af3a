// Run evaluations (src/data/evaluations.ts): what their cache key covers, how their files keep values, and
// how the training queue runs them (trainQueue.ts follow-up tasks).
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {evaluationFile, evaluationSources, readEvaluation, writeEvaluation} from "../src/data/evaluations.js";
import {evaluationTask, RUN_FILE, runDir} from "../src/data/runs.js";
import {trainMissing, type Job, type Task} from "../src/data/trainQueue.js";
import {TINY} from "../src/model/config.js";
import {RELATION} from "../src/model/family.js";

const scratch = mkdtempSync(join(tmpdir(), "mixviz-evaluations-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

describe("a run evaluation's cache key", () => {
  it("covers the evaluation worker, the metrics and maps it computes with, and the kernel, and no page, view or scheduling", () => {
    const files = evaluationSources().map((f) => f.replace(/^.*\/src\//, "src/"));
    for (const f of ["src/data/eval-worker.ts", "src/data/evaluation.ts", "src/model/metrics.ts", "src/model/effective.ts", "src/model/ablation.ts", "src/model/keyEffects.ts", "src/data/wasmSlice.ts", "src/model/kernels/attention.as.ts"]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^src\/(pages|components|upload|sources)\//.test(f) || f.endsWith(".md"))).toEqual([]);
    // nor how runs are found and scheduled: a change to the queue or the loaders' run lookup re-evaluates nothing
    expect(files.filter((f) => ["src/data/runs.ts", "src/data/trainQueue.ts"].includes(f))).toEqual([]);
  });

  it("names one file per run, beside nothing else", () => {
    const dir = runDir(RELATION, TINY, "iha", 1);
    expect(evaluationFile(dir)).toMatch(new RegExp(`^\\.cache/evaluations/${dir.split("/").at(-1)}-[0-9a-f]{16}\\.v8$`));
    expect(evaluationFile(runDir(RELATION, TINY, "iha", 2))).not.toBe(evaluationFile(dir));
    const task = evaluationTask("tiny", "iha", 1, dir);
    expect(task.output).toBe(evaluationFile(dir));
    expect(task.args).toEqual(["tiny", "iha", "1", dir, task.output]);
  });
});

describe("an evaluation file", () => {
  it("gives back exactly what was written, NaN, −0 and nested arrays included", () => {
    const file = join(scratch, "sub", "value.v8");
    const value = {metrics: {alignment_r: NaN, zero: -0, per_head: [0.1, 1 / 3, NaN]}, ablated_f1: [0.5, 0.25]};
    writeEvaluation(file, value);
    const back = readEvaluation<typeof value>(file);
    expect(back).toEqual(value);
    expect(Object.is(back.metrics.zero, -0)).toBe(true);
    expect(Number.isNaN(back.metrics.alignment_r)).toBe(true);
  });
});

describe("the training queue's follow-up tasks", () => {
  /** A worker that appends its name to a log and writes its output file. */
  const script = join(scratch, "task.ts");
  writeFileSync(script, `import {appendFileSync, writeFileSync} from "node:fs";\nconst [log, name, output] = process.argv.slice(2);\nappendFileSync(log, name + "\\n");\nwriteFileSync(output, name);\n`);

  function trainedJob(name: string, order: number, then: Task): Job {
    const dir = join(scratch, "runs", name);
    mkdirSync(dir, {recursive: true});
    writeFileSync(join(dir, RUN_FILE), "{}"); // already trained: only its follow-up may run
    return {args: [], label: name, kind: name, flops_per_epoch: 1, max_epochs: 1, order, dir, then};
  }

  it("runs the follow-ups whose output is missing, the costliest kinds' first, and skips the others", async () => {
    const log = join(scratch, "log");
    const task = (name: string): Task => ({label: `task ${name}`, script, args: [log, name, join(scratch, `${name}.out`)], output: join(scratch, `${name}.out`)});
    const done = task("done");
    writeFileSync(done.output, "before");
    const jobs = [trainedJob("cheap", 3, task("cheap")), trainedJob("done", 0, done), trainedJob("costly", 0, task("costly")), trainedJob("middle", 1, task("middle"))];
    await trainMissing(jobs, "tiny");
    for (const name of ["cheap", "costly", "middle"]) expect(readFileSync(join(scratch, `${name}.out`), "utf-8")).toBe(name);
    expect(readFileSync(done.output, "utf-8")).toBe("before");
    const order = readFileSync(log, "utf-8").trim().split("\n");
    expect([...order].sort()).toEqual(["cheap", "costly", "middle"]);
    // the cheapest starts only once a costlier one has finished (one or two cores)
    expect(order.indexOf("cheap")).toBeGreaterThan(0);
  });

  it("fails with the task's name when its worker fails", async () => {
    const bad: Task = {label: "task broken", script: join(scratch, "missing-script.ts"), args: [], output: join(scratch, "broken.out")};
    await expect(trainMissing([trainedJob("broken", 0, bad)], "tiny")).rejects.toThrow(/task broken failed/);
    expect(existsSync(bad.output)).toBe(false);
  });
});
