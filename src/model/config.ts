// Model and training configuration: TransformerLens field names, named presets, validation.
// Every hyperparameter of the project lives here; nothing else in src/model hard-codes one.
import {DEFAULT_TASK, validateTask, type TaskConfig} from "./task.js";
import {ARCHS, type Arch} from "./vocabulary.js";

/**
 * The fields both model families' configs share (TransformerLens names): all that the attention layers and
 * the per-head maps read, so the shared code takes either family's config through this type.
 */
export interface SharedShape {
  arch: Arch;
  n_layers: number;
  n_heads: number;
  d_model: number;
  /** per-head width */
  d_head: number;
  /** P, pseudo-tokens per token and head (IHA only; ignored, but still validated, for the others) */
  n_pseudo: number;
}

/** The shape of one relation model. Field names follow TransformerLens's HookedTransformerConfig. */
export interface ModelConfig extends SharedShape {
  /** d_head * n_heads must equal d_model */
  d_head: number;
  d_mlp: number;
  /** entities of the relation task: the sequence has m*m tokens */
  m: number;
}

/** Optimiser, data volume and stopping rule. */
export interface TrainConfig {
  /** Adam learning rate (β1 0.9, β2 0.999, ε 1e-7: TF.js's tf.train.adam defaults on a float32 backend) */
  lr: number;
  batch_size: number;
  /** fresh training samples drawn per epoch; the remainder after whole batches is dropped */
  train_samples: number;
  val_samples: number;
  test_samples: number;
  /** stop after this many epochs without a new maximum of validation F1 */
  patience: number;
  max_epochs: number;
  /** batch size for validation / prediction passes (no gradients, so it can be larger) */
  eval_batch_size: number;
}

/** Model sizes without the architecture (the preset serves all three). */
export type ModelShape = Omit<ModelConfig, "arch" | "m">;

export interface Preset {
  name: string;
  model: ModelShape;
  train: TrainConfig;
  task: TaskConfig;
}

/** LayerNorm epsilon (PyTorch's nn.LayerNorm default), inside the square root: (x−μ)/√(σ²+ε). */
export const LN_EPS = 1e-5;

/** Initialisation constants (docs/model.md, "Initialisation"). */
export const INIT = {
  /** std of embed.W_bit, embed.W_row, embed.W_col */
  embed_std: 1,
  /** std of TH's P_l, P_w around the identity */
  th_mix_std: 0.01,
  /** std of IHA's α around 1(m = h) */
  iha_alpha_std: 0.1,
  /** std of IHA's R around 1(h = h')/P is this value divided by P */
  iha_collapse_rel_std: 0.1,
} as const;

/** Tests and the CI browser build: shaped like the real model (8 heads) but tiny and fast. */
export const TINY: Preset = {
  name: "tiny",
  model: {n_layers: 1, n_heads: 8, d_model: 16, d_head: 2, d_mlp: 32, n_pseudo: 2},
  train: {
    lr: 5e-3,
    batch_size: 16,
    train_samples: 160,
    val_samples: 64,
    test_samples: 64,
    patience: 3,
    max_epochs: 4,
    eval_batch_size: 64,
  },
  task: DEFAULT_TASK,
};

/** The setting of the IHA paper's relation-composition study: 1 layer, d_model 64, 8 heads, IHA with P = 8. */
export const FULL: Preset = {
  name: "full",
  model: {n_layers: 1, n_heads: 8, d_model: 64, d_head: 8, d_mlp: 256, n_pseudo: 8},
  train: {
    lr: 2e-3, // measured to converge on a CPU budget; the reference study used 1e-4
    batch_size: 64,
    train_samples: 4000,
    val_samples: 1000,
    test_samples: 1000,
    patience: 10,
    max_epochs: 60,
    eval_batch_size: 100,
  },
  task: DEFAULT_TASK,
};

export const PRESETS = {tiny: TINY, full: FULL} as const;
export type PresetName = keyof typeof PRESETS;

/** The model config of a preset for one architecture (optionally with overrides), validated. */
export function makeConfig(preset: Preset, arch: Arch, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const cfg: ModelConfig = {arch, ...preset.model, m: preset.task.m, ...overrides};
  validateConfig(cfg);
  return cfg;
}

/** Number of tokens of a model's sequence (m*m cells). */
export function seqLen(cfg: ModelConfig): number {
  return cfg.m * cfg.m;
}

/** Layer label in TransformerLens style: layer 0 → "L0". */
export function layerLabel(layer: number): string {
  return `L${layer}`;
}

/** Head label in TransformerLens style: layer 0, head 3 → "L0H3". */
export function headLabel(layer: number, head: number): string {
  return `${layerLabel(layer)}H${head}`;
}

function requireInt(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`config.${field} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Throws an Error naming the offending field when a model config cannot be built. */
export function validateConfig(cfg: ModelConfig): void {
  if (!ARCHS.includes(cfg.arch)) {
    throw new Error(`config.arch must be one of ${ARCHS.join(", ")}, got ${String(cfg.arch)}`);
  }
  requireInt(cfg.n_layers, "n_layers", 1);
  requireInt(cfg.n_heads, "n_heads", 1);
  requireInt(cfg.d_model, "d_model", 1);
  requireInt(cfg.d_head, "d_head", 1);
  requireInt(cfg.d_mlp, "d_mlp", 1);
  requireInt(cfg.n_pseudo, "n_pseudo", 1);
  requireInt(cfg.m, "m", 2);
  if (cfg.d_model % cfg.n_heads !== 0) {
    throw new Error(`config.d_model (${cfg.d_model}) must be divisible by config.n_heads (${cfg.n_heads})`);
  }
  if (cfg.d_head * cfg.n_heads !== cfg.d_model) {
    throw new Error(
      `config.d_head * config.n_heads must equal config.d_model, got ${cfg.d_head} * ${cfg.n_heads} ≠ ${cfg.d_model}`,
    );
  }
}

/** Throws an Error naming the offending field when a training config is unusable. */
export function validateTrainConfig(t: TrainConfig): void {
  if (!(t.lr > 0) || !Number.isFinite(t.lr)) throw new Error(`train.lr must be a positive number, got ${t.lr}`);
  const ints: [keyof TrainConfig, number][] = [
    ["batch_size", 1],
    ["train_samples", 1],
    ["val_samples", 1],
    ["test_samples", 0],
    ["patience", 1],
    ["max_epochs", 1],
    ["eval_batch_size", 1],
  ];
  for (const [field, min] of ints) {
    const v = t[field];
    if (!Number.isInteger(v) || v < min) throw new Error(`train.${field} must be an integer ≥ ${min}, got ${v}`);
  }
  if (t.train_samples < t.batch_size) {
    throw new Error(`train.train_samples (${t.train_samples}) must be ≥ train.batch_size (${t.batch_size})`);
  }
}

/** Validates a whole preset (model shape for every architecture, training and task). */
export function validatePreset(preset: Preset): void {
  validateTask(preset.task);
  validateTrainConfig(preset.train);
  for (const arch of ARCHS) makeConfig(preset, arch);
}
