// What a training run leaves in its cache folder (the file names; the record beside the weights is its
// family's, src/model/family.ts), how it is read back, and what it reports while it trains. Kept apart from
// runs.ts and trainQueue.ts so that the training and evaluation workers depend on these definitions only,
// not on how runs are scheduled (every file a worker imports is part of its product's cache key).
import {readFileSync} from "node:fs";
import {join} from "node:path";
import type {RelationRunRecord} from "../model/family.js";
import type {Weights} from "../model/params.js";
import {decodeSafetensors} from "../model/safetensors.js";

export const RUN_FILE = "run.json";
export const WEIGHTS_FILE = "weights.safetensors";

/** What a worker sends after each epoch. */
export interface EpochReport {
  epoch: number;
  /** the most epochs the run can take (it may stop earlier) */
  max_epochs: number;
  seconds: number;
}

/** Called by a worker after each epoch; does nothing when the worker was not started by trainQueue.ts. */
export function reportEpoch(report: EpochReport): void {
  process.send?.(report);
}

/**
 * A trained run: its record and the weights it keeps (a relation run's best epoch, an LM's last step). The
 * record type defaults to the relation family's, the one most loaders read.
 */
export interface Run<R = RelationRunRecord> {
  record: R;
  weights: Weights;
}

/** The run in the cache folder `dir`. */
export function loadRun<R>(dir: string): Run<R> {
  const record = JSON.parse(readFileSync(join(dir, RUN_FILE), "utf-8")) as R;
  const {tensors} = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)));
  const weights: Weights = Object.fromEntries(Object.entries(tensors).map(([name, {data}]) => [name, data]));
  return {record, weights};
}
