// Matrix-product FLOPs of training, per step and per epoch, for both model families: what the benchmark
// reports as a share of the machine's matmul rate, and what the training queue uses to estimate how long
// models it has not started yet will take (docs/benchmarks.md, "FLOPs per training step").
// Counted: matrix products only, 2 FLOPs per multiply-add. A product whose two operands both need
// gradients costs 3× its forward FLOPs in a training step (forward, dA, dB); one with a constant operand
// (one-hot embeddings) 2×; an evaluation pass 1×. Softmax, LayerNorm, element-wise ops and Adam are not
// counted.
import type {Preset, ModelConfig} from "./config.js";
import type {LmConfig, LmPreset} from "./lm/config.js";

/** 2·M·K·N: one [M,K]·[K,N] product. */
export const mm = (M: number, K: number, N: number) => 2 * M * K * N;

/** Products of B·H attention cores over S positions of width d (scores and weighted sum), forward only. */
function core(B: number, H: number, S: number, d: number): number {
  return B * H * (mm(S, d, S) + mm(S, S, d));
}

/** IHA's α mixes (three) and R collapse, forward only, over B·N tokens of H heads, width d. */
function ihaMixes(B: number, N: number, H: number, d: number, P: number): number {
  return 3 * mm(B * N * d, H, H * P) + mm(B * N * d, H * P, H);
}

/**
 * FLOPs of one relation-model training step on a batch of B (T = B·N tokens, one block):
 *   shared = 2·mm(T,2,D) + 2·2·mm(N,m,D) + 3·4·mm(T,D,D) + 3·(mm(T,D,F) + mm(T,F,D)) + 3·mm(T,D,1)
 *   MHA  = shared + 3·core(N);  TH = MHA + 3·2·mm(B·N², H, H);  IHA = shared + 3·(mixes + core(N·P))
 */
export function trainStepFlops(cfg: ModelConfig, B: number): number {
  const {d_model: D, n_heads: H, d_head: d, d_mlp: F, n_pseudo: P, m} = cfg;
  const N = m * m;
  const T = B * N;
  const shared = 2 * mm(T, 2, D) + 4 * mm(N, m, D) + 12 * mm(T, D, D) + 3 * (mm(T, D, F) + mm(T, F, D)) + 3 * mm(T, D, 1);
  if (cfg.arch === "mha") return shared + 3 * core(B, H, N, d);
  if (cfg.arch === "talking_heads") return shared + 3 * core(B, H, N, d) + 6 * mm(B * N * N, H, H);
  return shared + 3 * (ihaMixes(B, N, H, d, P) + core(B, H, N * P, d));
}

/** FLOPs of one LM training step on B sequences of N tokens (attention-only blocks, one-hot embed, unembed). */
export function lmTrainStepFlops(cfg: LmConfig, B: number, N: number): number {
  const {d_model: D, n_heads: H, d_head: d, n_pseudo: P, d_vocab: V, n_layers: L} = cfg;
  const T = B * N;
  const attention = 3 * mm(T, D, H * d) + mm(T, H * d, D) + (cfg.arch === "iha" ? ihaMixes(B, N, H, d, P) + core(B, H, N * P, d) : core(B, H, N, d));
  return 2 * mm(T, V, D) + 3 * mm(T, D, V) + 3 * L * attention;
}

/** FLOPs of one relation-model epoch: its training steps and the validation pass. */
export function epochFlops(preset: Preset, cfg: ModelConfig): number {
  const {batch_size: B, train_samples, val_samples} = preset.train;
  return Math.ceil(train_samples / B) * trainStepFlops(cfg, B) + (val_samples / B) * (trainStepFlops(cfg, B) / 3);
}

/** FLOPs of one LM epoch: its training steps and the evaluation pass. */
export function lmEpochFlops(preset: LmPreset, cfg: LmConfig): number {
  const {batch_size: B, steps_per_epoch, eval_samples} = preset.train;
  const N = preset.task.n_ctx;
  return steps_per_epoch * lmTrainStepFlops(cfg, B, N) + (eval_samples / B) * (lmTrainStepFlops(cfg, B, N) / 3);
}
