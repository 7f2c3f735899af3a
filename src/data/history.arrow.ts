// Training curves: one row per architecture, seed and epoch.
import {arrowTable} from "./arrow.js";
import {ensureRuns} from "./runs.js";
import {emit} from "./stdout.js";

const runs = [...(await ensureRuns()).values()].map((run) => run.record);
const rows = runs.flatMap((run) => run.history.map((epoch) => ({run, epoch})));

await emit(
  arrowTable({
    arch: rows.map(({run}) => run.arch),
    seed: Int32Array.from(rows, ({run}) => run.seed),
    epoch: Int32Array.from(rows, ({epoch}) => epoch.epoch),
    train_loss: Float32Array.from(rows, ({epoch}) => epoch.train_loss),
    val_loss: Float32Array.from(rows, ({epoch}) => epoch.val_loss),
    val_f1: Float32Array.from(rows, ({epoch}) => epoch.val_f1)
  })
);
