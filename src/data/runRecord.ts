// What a training run leaves in its cache folder (the file names; the record beside the weights is its
// family's, src/model/family.ts) and what it reports while it trains. Kept apart from runs.ts and
// trainQueue.ts so that the training worker depends on these definitions only, not on how runs are
// scheduled (every file the worker imports is part of a trained model's cache key).
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
