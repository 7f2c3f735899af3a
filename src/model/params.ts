// Parameter names, shapes and seeded initialisation (docs/model.md lists every entry).
// Shared parameters (same for MHA, TH and IHA) are drawn first from one stream, mixing parameters
// afterwards from a second stream, so one seed gives identical shared weights for all three models.
import * as tf from "@tensorflow/tfjs";
import {INIT, validateConfig, type ModelConfig} from "./config.js";
import {isLmConfig, validateLmConfig, type AnyConfig, type LmConfig} from "./lm/config.js";
import {deriveSeed, mulberry32, normal, type Rng} from "./prng.js";

/** Trainable parameters keyed by TransformerLens-style name, in canonical order. */
export type Params = Record<string, tf.Variable>;
/** A plain copy of the parameters (row-major Float32Arrays), e.g. best-epoch weights. */
export type Weights = Record<string, Float32Array>;

/** How a parameter is initialised. */
type Init =
  | {kind: "normal"; std: number} // N(0, std²)
  | {kind: "const"; value: number}
  | {kind: "eye_normal"; std: number} // I + N(0, std²) on an [H, H] matrix
  | {kind: "alpha"; std: number} // 1(m = h) + N(0, std²) on [H, H, P]
  | {kind: "collapse"; std: number}; // 1(h = h')/P + N(0, std²) on [H, H*P]

export interface ParamSpec {
  name: string;
  shape: number[];
  /** true for parameters every architecture has (drawn from the "init" stream) */
  shared: boolean;
  init: Init;
}

const layerPrefix = (l: number) => `blocks.${l}`;
const normalStd = (std: number): Init => ({kind: "normal", std});
const zeros: Init = {kind: "const", value: 0};
const ones: Init = {kind: "const", value: 1};

/** Collects specs into the shared and the mixing list. */
class SpecList {
  shared: ParamSpec[] = [];
  mixing: ParamSpec[] = [];
  add(shared: boolean, name: string, shape: number[], init: Init): void {
    (shared ? this.shared : this.mixing).push({name, shape, shared, init});
  }
  all(): ParamSpec[] {
    return [...this.shared, ...this.mixing];
  }
}

/** ln1 and the attention parameters of layer l (both families), mixing parameters to the mixing list. */
function addAttention(list: SpecList, cfg: AnyConfig, l: number): void {
  const {n_heads: H, d_model: D, d_head: d, n_pseudo: P} = cfg;
  const b = layerPrefix(l);
  list.add(true, `${b}.ln1.w`, [D], ones);
  list.add(true, `${b}.ln1.b`, [D], zeros);
  list.add(true, `${b}.attn.W_Q`, [H, D, d], normalStd(1 / Math.sqrt(D)));
  list.add(true, `${b}.attn.b_Q`, [H, d], zeros);
  list.add(true, `${b}.attn.W_K`, [H, D, d], normalStd(1 / Math.sqrt(D)));
  list.add(true, `${b}.attn.W_V`, [H, D, d], normalStd(1 / Math.sqrt(D)));
  list.add(true, `${b}.attn.b_V`, [H, d], zeros);
  list.add(true, `${b}.attn.W_O`, [H, d, D], normalStd(1 / Math.sqrt(H * d)));
  list.add(true, `${b}.attn.b_O`, [D], zeros);
  if (cfg.arch === "talking_heads") {
    list.add(false, `${b}.attn.P_l`, [H, H], {kind: "eye_normal", std: INIT.th_mix_std});
    list.add(false, `${b}.attn.P_w`, [H, H], {kind: "eye_normal", std: INIT.th_mix_std});
  } else if (cfg.arch === "iha") {
    const alpha: Init = {kind: "alpha", std: INIT.iha_alpha_std};
    list.add(false, `${b}.attn.alpha_Q`, [H, H, P], alpha);
    list.add(false, `${b}.attn.alpha_K`, [H, H, P], alpha);
    list.add(false, `${b}.attn.alpha_V`, [H, H, P], alpha);
    list.add(false, `${b}.attn.R`, [H, H * P], {kind: "collapse", std: INIT.iha_collapse_rel_std / P});
  }
}

/** The relation classifier's parameters in canonical (= initialisation) order. */
function relationSpecs(cfg: ModelConfig): ParamSpec[] {
  validateConfig(cfg);
  const {n_layers: L, d_model: D, d_mlp: F, m} = cfg;
  const list = new SpecList();
  list.add(true, "embed.W_bit", [2, D], normalStd(INIT.embed_std));
  list.add(true, "embed.W_row", [m, D], normalStd(INIT.embed_std));
  list.add(true, "embed.W_col", [m, D], normalStd(INIT.embed_std));
  for (let l = 0; l < L; l++) {
    const b = layerPrefix(l);
    addAttention(list, cfg, l);
    list.add(true, `${b}.ln2.w`, [D], ones);
    list.add(true, `${b}.ln2.b`, [D], zeros);
    list.add(true, `${b}.mlp.W_in`, [D, F], normalStd(1 / Math.sqrt(D)));
    list.add(true, `${b}.mlp.b_in`, [F], zeros);
    list.add(true, `${b}.mlp.W_out`, [F, D], normalStd(1 / Math.sqrt(F)));
    list.add(true, `${b}.mlp.b_out`, [D], zeros);
  }
  list.add(true, "ln_final.w", [D], ones);
  list.add(true, "ln_final.b", [D], zeros);
  list.add(true, "unembed.W_U", [D, 1], normalStd(1 / Math.sqrt(D)));
  list.add(true, "unembed.b_U", [1], zeros);
  return list.all();
}

/** The attention-only LM's parameters (TransformerLens names) in canonical order. */
function lmSpecs(cfg: LmConfig): ParamSpec[] {
  validateLmConfig(cfg);
  const {n_layers: L, d_model: D, d_vocab: V, n_ctx} = cfg;
  const list = new SpecList();
  list.add(true, "embed.W_E", [V, D], normalStd(INIT.embed_std));
  list.add(true, "pos_embed.W_pos", [n_ctx, D], normalStd(INIT.embed_std));
  for (let l = 0; l < L; l++) addAttention(list, cfg, l);
  list.add(true, "ln_final.w", [D], ones);
  list.add(true, "ln_final.b", [D], zeros);
  list.add(true, "unembed.W_U", [D, V], normalStd(1 / Math.sqrt(D)));
  list.add(true, "unembed.b_U", [V], zeros);
  return list.all();
}

/** Every parameter of a model (relation classifier or LM) in canonical (= initialisation) order. */
export function paramSpecs(cfg: AnyConfig): ParamSpec[] {
  return isLmConfig(cfg) ? lmSpecs(cfg) : relationSpecs(cfg);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Fills a row-major array for one spec; random kinds draw exactly size(shape) normals in order. */
function draw(spec: ParamSpec, rng: Rng): Float32Array {
  const out = new Float32Array(size(spec.shape));
  const init = spec.init;
  if (init.kind === "const") return out.fill(init.value);
  for (let i = 0; i < out.length; i++) out[i] = init.std * normal(rng);
  if (init.kind === "eye_normal") {
    const [H] = spec.shape;
    for (let h = 0; h < H; h++) out[h * H + h] += 1; // P[h, h]
  } else if (init.kind === "alpha") {
    const [H, , P] = spec.shape;
    for (let h = 0; h < H; h++) for (let p = 0; p < P; p++) out[(h * H + h) * P + p] += 1; // α[m=h, h, p]
  } else if (init.kind === "collapse") {
    const [H, HP] = spec.shape;
    const P = HP / H;
    for (let h = 0; h < H; h++) for (let p = 0; p < P; p++) out[h * HP + h * P + p] += 1 / P; // R[h, (h, p)]
  }
  return out;
}

/**
 * Seeded initial weights as plain arrays. Shared parameters come from deriveSeed(seed, "init") in
 * canonical order, mixing parameters from deriveSeed(seed, "init_mix").
 */
export function initWeights(cfg: AnyConfig, seed: number): Weights {
  const sharedRng = mulberry32(deriveSeed(seed, "init"));
  const mixRng = mulberry32(deriveSeed(seed, "init_mix"));
  const weights: Weights = {};
  for (const spec of paramSpecs(cfg)) weights[spec.name] = draw(spec, spec.shared ? sharedRng : mixRng);
  return weights;
}

/** Trainable tf.Variables for a freshly initialised model (validates the config first). */
export function initParams(cfg: AnyConfig, seed: number): Params {
  return weightsToParams(initWeights(cfg, seed), cfg);
}

/** Variables from plain weights; throws if a name is missing or a length is wrong. */
export function weightsToParams(weights: Weights, cfg: AnyConfig): Params {
  const params: Params = {};
  for (const {name, shape} of paramSpecs(cfg)) {
    const data = weights[name];
    if (!data) throw new Error(`weights lack parameter ${name}`);
    if (data.length !== size(shape)) {
      throw new Error(`parameter ${name} has ${data.length} values, expected ${size(shape)} for shape [${shape}]`);
    }
    // Unnamed: TF.js variable names are global, and several models may live side by side.
    params[name] = tf.tidy(() => tf.variable(tf.tensor(data, shape, "float32"), true)); // shape
  }
  return params;
}

/** Plain copies of (some of) the parameters' current values. */
export function paramsToWeights(params: Params, names: string[] = Object.keys(params)): Weights {
  const weights: Weights = {};
  for (const name of names) {
    const v = params[name];
    if (!v) throw new Error(`no parameter named ${name}`);
    weights[name] = new Float32Array(v.dataSync());
  }
  return weights;
}

/** Frees every variable of a model. */
export function disposeParams(params: Params): void {
  for (const v of Object.values(params)) v.dispose();
}

/** Total number of scalar parameters of a config. */
export function countParams(cfg: AnyConfig): number {
  return paramSpecs(cfg).reduce((acc, s) => acc + size(s.shape), 0);
}

/** Shape of a named parameter, for consumers holding plain Weights. */
export function paramShape(cfg: AnyConfig, name: string): number[] {
  const spec = paramSpecs(cfg).find((s) => s.name === name);
  if (!spec) throw new Error(`no parameter named ${name} in a ${cfg.arch} model`);
  return spec.shape;
}
