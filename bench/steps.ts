// Bench helpers: time training steps of the real model (src/model) on the current TF.js backend, and
// record the losses of the first few steps (used to check that a speed change kept the maths).
import * as tf from "@tensorflow/tfjs";
import {FULL, makeConfig, type ModelConfig} from "../src/model/config.js";
import {disposeParams, initParams} from "../src/model/params.js";
import {toArrays, trainBatches} from "../src/model/task.js";
import {makeTrainer} from "../src/model/train.js";
import {useAttentionKernel} from "../src/data/kernels.js";
import type {Arch} from "../src/model/vocabulary.js";

/** One benchmarked model: a label, the config, and how many steps to warm up / time. */
export interface StepCase {
  label: string;
  cfg: ModelConfig;
}

/** The four cases of the bench: MHA, TH, IHA at the full preset's P, and IHA at P = 4. */
export function benchCases(): StepCase[] {
  const arches: Arch[] = ["mha", "talking_heads", "iha"];
  const cases = arches.map((arch) => ({
    label: arch === "iha" ? `iha P=${FULL.model.n_pseudo}` : arch,
    cfg: makeConfig(FULL, arch),
  }));
  if (FULL.model.n_pseudo !== 4) cases.push({label: "iha P=4", cfg: makeConfig(FULL, "iha", {n_pseudo: 4})});
  return cases;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface StepTiming {
  /** per-step wall-clock milliseconds of the timed steps (after warm-up) */
  ms: number[];
  /** loss of every step, warm-up included, in order */
  losses: number[];
}

/**
 * Trains `cfg` from the seeded init on the full preset's first epoch batches for warmup + timed steps
 * (batch = FULL.train.batch_size) and returns the time of each timed step and every loss.
 * A step is forward + backward + Adam update + reading the loss back (what train.ts does).
 */
export function timeSteps(cfg: ModelConfig, warmup: number, timed: number, seed = 0): StepTiming {
  const B = FULL.train.batch_size;
  const N = cfg.m * cfg.m;
  const total = warmup + timed;
  const {bits, labels} = toArrays(trainBatches(seed, 1, B * total, FULL.task));
  const params = initParams(cfg, seed);
  const trainer = makeTrainer(params, cfg, FULL.train.lr);
  const ms: number[] = [];
  const losses: number[] = [];
  try {
    for (let s = 0; s < total; s++) {
      const lo = s * B * N;
      const t0 = performance.now();
      losses.push(trainer.step(bits.subarray(lo, lo + B * N), labels.subarray(lo, lo + B * N)));
      const dt = performance.now() - t0;
      if (s >= warmup) ms.push(dt);
    }
  } finally {
    trainer.dispose();
    disposeParams(params);
  }
  return {ms, losses};
}

/** Sets the wasm backend (single-threaded in Node) and installs the fused attention kernel, as training does. */
export async function useWasm(): Promise<void> {
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
  await useAttentionKernel();
}
