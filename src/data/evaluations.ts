// Each relation run's evaluation (evaluation.ts: the metrics of metrics.json and the test F1 with each head
// ablated, which heads.arrow reads too), computed once per run by eval-worker.ts in the training queue and
// kept in .cache/evaluations beside the runs. A file's name is its run's folder name and a digest of every
// source the evaluation worker depends on, so changed metrics code re-evaluates and changed pages do not.
// Files are V8-serialised (NaN, which JSON cannot hold, survives) and written atomically.
import {createHash} from "node:crypto";
import {mkdirSync, readFileSync, renameSync, writeFileSync} from "node:fs";
import {basename, dirname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {deserialize, serialize} from "node:v8";
import {importClosure} from "./importClosure.js";
import {KERNEL_SOURCE} from "./kernels.js";

export const EVALUATION_DIR = ".cache/evaluations";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./eval-worker.ts", import.meta.url));

/** The files an evaluation depends on: the evaluation worker, everything it imports, and the attention kernel's source. */
export function evaluationSources(): string[] {
  return [...importClosure(WORKER), KERNEL_SOURCE].sort();
}

let key: string | null = null;

/** A digest of the evaluation sources, computed once per process. */
function evaluationKey(): string {
  if (key) return key;
  const hash = createHash("sha256");
  for (const file of evaluationSources()) hash.update(relative(ROOT, file)).update(readFileSync(file));
  key = hash.digest("hex").slice(0, 16);
  return key;
}

/** The evaluation file of the run in `runDir` (a runs.ts runDir). */
export function evaluationFile(runDir: string): string {
  return join(EVALUATION_DIR, `${basename(runDir)}-${evaluationKey()}.v8`);
}

/** Writes a value to `file` all at once (a temporary sibling renamed into place). */
export function writeEvaluation(file: string, value: unknown): void {
  mkdirSync(dirname(file), {recursive: true});
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, serialize(value));
  renameSync(partial, file);
}

/** Reads what writeEvaluation wrote. */
export function readEvaluation<T>(file: string): T {
  return deserialize(readFileSync(file)) as T;
}
