// The second model family: a small attention-only causal language model (TransformerLens `attn_only: true`)
// trained on sequences with a repeated random segment, in an MHA and an IHA variant. Config shape,
// presets (the same MIXVIZ_PROFILE names as the relation models) and validation. Browser-safe.
import type {ModelConfig, SharedShape} from "../config.js";

/** The LM's attention architectures (Talking Heads is left out of this family). */
export type LmArch = "mha" | "iha";
export const LM_ARCHS: readonly LmArch[] = ["mha", "iha"];

/** One LM. Field names follow TransformerLens's HookedTransformerConfig. */
export interface LmConfig extends SharedShape {
  /** tells an LM config from a relation-model config (see isLmConfig) */
  model: "lm";
  arch: LmArch;
  /** token ids 0 … d_vocab − 1; id 0 is BOS */
  d_vocab: number;
  /** most positions a sequence may have (rows of pos_embed.W_pos) */
  n_ctx: number;
  /** no MLPs: each block is x + attn(ln1(x)) */
  attn_only: true;
  attention_dir: "causal";
}

/** Either model family's config: what the shared code (params, effective maps, ablation) accepts. */
export type AnyConfig = ModelConfig | LmConfig;

export function isLmConfig(cfg: AnyConfig): cfg is LmConfig {
  return (cfg as LmConfig).model === "lm";
}

/** The sequences the LM trains on (src/model/lm/task.ts). */
export interface LmTaskConfig {
  d_vocab: number;
  /** tokens per training sequence (BOS included); ≤ the model's n_ctx */
  n_ctx: number;
  /** the repeated segment's length is drawn uniformly from [min_length, max_length] */
  min_length: number;
  max_length: number;
}

/** Adam (TF.js defaults besides lr) on fresh seeded batches; an "epoch" is steps_per_epoch steps plus an evaluation. */
export interface LmTrainConfig {
  lr: number;
  batch_size: number;
  steps_per_epoch: number;
  epochs: number;
  /** sequences of the fixed evaluation set (deriveSeed(seed, "lm/eval")) */
  eval_samples: number;
  eval_batch_size: number;
}

export type LmShape = Omit<LmConfig, "model" | "arch" | "d_vocab" | "n_ctx" | "attn_only" | "attention_dir">;

export interface LmPreset {
  name: string;
  model: LmShape;
  train: LmTrainConfig;
  task: LmTaskConfig;
}

/** Tests and CI: seconds to train, same head count as the site's colours (8). */
export const LM_TINY: LmPreset = {
  name: "tiny",
  model: {n_layers: 2, n_heads: 8, d_model: 16, d_head: 2, n_pseudo: 2},
  train: {lr: 1e-2, batch_size: 16, steps_per_epoch: 10, epochs: 3, eval_samples: 32, eval_batch_size: 32},
  task: {d_vocab: 12, n_ctx: 12, min_length: 2, max_length: 4},
};

/**
 * The build's LM: previous-token heads in layer 0 and induction heads in layer 1 (docs/model.md, "Language
 * model"). d_head 16 with 8 heads (H·d = 128 ≠ d_model, as TransformerLens allows): at d_head 8 a head's
 * rank-8 OV circuit copies a 23-token vocabulary poorly and induction accuracy crawled (≈ 33 % after 700
 * steps vs 41 % at d_head 16, which then jumped to 77 % at step 900). A dense task (segments of 6–12 tokens
 * in 25 positions) gives many induction targets per sequence.
 */
export const LM_FULL: LmPreset = {
  name: "full",
  model: {n_layers: 2, n_heads: 8, d_model: 64, d_head: 16, n_pseudo: 2},
  train: {lr: 3e-3, batch_size: 32, steps_per_epoch: 100, epochs: 15, eval_samples: 256, eval_batch_size: 128},
  task: {d_vocab: 24, n_ctx: 25, min_length: 6, max_length: 12},
};

export const LM_PRESETS = {tiny: LM_TINY, full: LM_FULL} as const;

/** The LM config of a preset for one architecture (optionally with overrides), validated. */
export function makeLmConfig(preset: LmPreset, arch: LmArch, overrides: Partial<LmConfig> = {}): LmConfig {
  const cfg: LmConfig = {
    model: "lm",
    arch,
    ...preset.model,
    d_vocab: preset.task.d_vocab,
    n_ctx: preset.task.n_ctx,
    attn_only: true,
    attention_dir: "causal",
    ...overrides,
  };
  validateLmConfig(cfg);
  return cfg;
}

/** Throws an Error naming the offending field when an LM config cannot be built. */
export function validateLmConfig(cfg: LmConfig): void {
  if (!LM_ARCHS.includes(cfg.arch)) throw new Error(`config.arch must be one of ${LM_ARCHS.join(", ")}, got ${String(cfg.arch)}`);
  // d_head · n_heads may differ from d_model (as TransformerLens allows): W_O maps H·d back to D
  for (const field of ["n_layers", "n_heads", "d_model", "d_head", "n_pseudo"] as const) {
    if (!Number.isInteger(cfg[field]) || cfg[field] < 1) throw new Error(`config.${field} must be an integer ≥ 1, got ${cfg[field]}`);
  }
  if (!Number.isInteger(cfg.d_vocab) || cfg.d_vocab < 2) throw new Error(`config.d_vocab must be an integer ≥ 2, got ${cfg.d_vocab}`);
  if (!Number.isInteger(cfg.n_ctx) || cfg.n_ctx < 2) throw new Error(`config.n_ctx must be an integer ≥ 2, got ${cfg.n_ctx}`);
  if (cfg.attn_only !== true) throw new Error("config.attn_only must be true: the LM has no MLPs");
  if (cfg.attention_dir !== "causal") throw new Error(`config.attention_dir must be "causal", got ${String(cfg.attention_dir)}`);
}

/** Throws an Error naming the offending field when the LM task cannot produce a second copy. */
export function validateLmTask(task: LmTaskConfig): void {
  const {d_vocab, n_ctx, min_length, max_length} = task;
  if (!Number.isInteger(d_vocab) || d_vocab < 3) throw new Error(`task.d_vocab must be an integer ≥ 3, got ${d_vocab}`);
  if (!Number.isInteger(min_length) || min_length < 2) throw new Error(`task.min_length must be an integer ≥ 2, got ${min_length}`);
  if (!Number.isInteger(max_length) || max_length < min_length) {
    throw new Error(`task.max_length must be an integer ≥ task.min_length (${min_length}), got ${max_length}`);
  }
  if (max_length > d_vocab - 1) throw new Error(`task.max_length (${max_length}) must be ≤ d_vocab − 1 (${d_vocab - 1}): segment tokens are distinct`);
  if (!Number.isInteger(n_ctx) || n_ctx < 1 + 2 * max_length) {
    throw new Error(`task.n_ctx must be an integer ≥ 1 + 2·max_length = ${1 + 2 * max_length}, got ${n_ctx}`);
  }
}

/** Throws an Error naming the offending field when an LM training config is unusable. */
export function validateLmTrainConfig(t: LmTrainConfig): void {
  if (!(t.lr > 0) || !Number.isFinite(t.lr)) throw new Error(`train.lr must be a positive number, got ${t.lr}`);
  for (const field of ["batch_size", "steps_per_epoch", "epochs", "eval_samples", "eval_batch_size"] as const) {
    if (!Number.isInteger(t[field]) || t[field] < 1) throw new Error(`train.${field} must be an integer ≥ 1, got ${t[field]}`);
  }
}

export function validateLmPreset(preset: LmPreset): void {
  validateLmTask(preset.task);
  validateLmTrainConfig(preset.train);
  for (const arch of LM_ARCHS) makeLmConfig(preset, arch);
}
