// Parameter names, shapes and seeded initialisation (docs/model.md lists every entry).
// Shared parameters (same for MHA, TH and IHA) are drawn first from one stream, mixing parameters
// afterwards from a second stream, so one seed gives identical shared weights for all three models.
import * as tf from "@tensorflow/tfjs";
import {INIT, validateConfig, type ModelConfig} from "./config.js";
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

/** Every parameter of a model in canonical (= initialisation) order. */
export function paramSpecs(cfg: ModelConfig): ParamSpec[] {
  validateConfig(cfg);
  const {n_layers: L, n_heads: H, d_model: D, d_head: d, d_mlp: F, n_pseudo: P, m} = cfg;
  const shared: ParamSpec[] = [];
  const mixing: ParamSpec[] = [];
  const add = (list: ParamSpec[], name: string, shape: number[], init: Init) =>
    list.push({name, shape, shared: list === shared, init});
  const normalStd = (std: number): Init => ({kind: "normal", std});
  const zeros: Init = {kind: "const", value: 0};
  const ones: Init = {kind: "const", value: 1};

  add(shared, "embed.W_bit", [2, D], normalStd(INIT.embed_std));
  add(shared, "embed.W_row", [m, D], normalStd(INIT.embed_std));
  add(shared, "embed.W_col", [m, D], normalStd(INIT.embed_std));
  for (let l = 0; l < L; l++) {
    const b = layerPrefix(l);
    add(shared, `${b}.ln1.w`, [D], ones);
    add(shared, `${b}.ln1.b`, [D], zeros);
    add(shared, `${b}.attn.W_Q`, [H, D, d], normalStd(1 / Math.sqrt(D)));
    add(shared, `${b}.attn.b_Q`, [H, d], zeros);
    add(shared, `${b}.attn.W_K`, [H, D, d], normalStd(1 / Math.sqrt(D)));
    add(shared, `${b}.attn.W_V`, [H, D, d], normalStd(1 / Math.sqrt(D)));
    add(shared, `${b}.attn.b_V`, [H, d], zeros);
    add(shared, `${b}.attn.W_O`, [H, d, D], normalStd(1 / Math.sqrt(H * d)));
    add(shared, `${b}.attn.b_O`, [D], zeros);
    add(shared, `${b}.ln2.w`, [D], ones);
    add(shared, `${b}.ln2.b`, [D], zeros);
    add(shared, `${b}.mlp.W_in`, [D, F], normalStd(1 / Math.sqrt(D)));
    add(shared, `${b}.mlp.b_in`, [F], zeros);
    add(shared, `${b}.mlp.W_out`, [F, D], normalStd(1 / Math.sqrt(F)));
    add(shared, `${b}.mlp.b_out`, [D], zeros);
    if (cfg.arch === "talking_heads") {
      add(mixing, `${b}.attn.P_l`, [H, H], {kind: "eye_normal", std: INIT.th_mix_std});
      add(mixing, `${b}.attn.P_w`, [H, H], {kind: "eye_normal", std: INIT.th_mix_std});
    } else if (cfg.arch === "iha") {
      const alpha: Init = {kind: "alpha", std: INIT.iha_alpha_std};
      add(mixing, `${b}.attn.alpha_Q`, [H, H, P], alpha);
      add(mixing, `${b}.attn.alpha_K`, [H, H, P], alpha);
      add(mixing, `${b}.attn.alpha_V`, [H, H, P], alpha);
      add(mixing, `${b}.attn.R`, [H, H * P], {kind: "collapse", std: INIT.iha_collapse_rel_std / P});
    }
  }
  add(shared, "ln_final.w", [D], ones);
  add(shared, "ln_final.b", [D], zeros);
  add(shared, "unembed.W_U", [D, 1], normalStd(1 / Math.sqrt(D)));
  add(shared, "unembed.b_U", [1], zeros);
  return [...shared, ...mixing];
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
export function initWeights(cfg: ModelConfig, seed: number): Weights {
  const sharedRng = mulberry32(deriveSeed(seed, "init"));
  const mixRng = mulberry32(deriveSeed(seed, "init_mix"));
  const weights: Weights = {};
  for (const spec of paramSpecs(cfg)) weights[spec.name] = draw(spec, spec.shared ? sharedRng : mixRng);
  return weights;
}

/** Trainable tf.Variables for a freshly initialised model (validates the config first). */
export function initParams(cfg: ModelConfig, seed: number): Params {
  return weightsToParams(initWeights(cfg, seed), cfg);
}

/** Variables from plain weights; throws if a name is missing or a length is wrong. */
export function weightsToParams(weights: Weights, cfg: ModelConfig): Params {
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
export function countParams(cfg: ModelConfig): number {
  return paramSpecs(cfg).reduce((acc, s) => acc + size(s.shape), 0);
}

/** Shape of a named parameter, for consumers holding plain Weights. */
export function paramShape(cfg: ModelConfig, name: string): number[] {
  const spec = paramSpecs(cfg).find((s) => s.name === name);
  if (!spec) throw new Error(`no parameter named ${name} in a ${cfg.arch} model`);
  return spec.shape;
}
