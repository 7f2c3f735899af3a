// What a training run leaves in its cache folder (the file names and the record beside the weights) and
// what it reports while it trains. Kept apart from runs.ts and trainQueue.ts so that the training worker
// depends on these definitions only, not on how runs are scheduled (every file the worker imports is part
// of a trained model's cache key).
import type {ModelConfig, TrainConfig} from "../model/config.js";
import type {LmArch, LmConfig, LmTaskConfig, LmTrainConfig} from "../model/lmConfig.js";
import type {LmEpochRecord} from "../model/lmTrain.js";
import type {TaskConfig} from "../model/task.js";
import type {EpochRecord} from "../model/train.js";
import type {Arch} from "../model/vocabulary.js";

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
