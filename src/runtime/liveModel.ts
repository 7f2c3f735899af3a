// The playground's live relation model: trained weights (runtime/weights.ts), counterfactual edits applied to a
// copy of them, and one forward pass per edit that returns the per-cell logits and the raw and effective
// per-head maps. Every formula is the build's own (src/model); this file only moves arrays between them.
// Runs in the browser (TensorFlow.js on the wasm backend) and in Node alike.
import * as tf from "@tensorflow/tfjs";
import {ablateHead, ablateSourceHead, copyWeights, zeroCollapseRow} from "../model/ablation.js";
import type {ModelConfig} from "../model/config.js";
import {entryIndex, type MixMatrix} from "../model/mixing.js";
import {disposeCache, runWithCache} from "../model/model.js";
import {disposeParams, weightsToParams, type Params, type Weights} from "../model/params.js";
import type {HeadMap} from "../components/headStack.js";
import {layerMaps} from "./cachedMaps.js";
import type {TrainedModel} from "./weights.js";

/** One counterfactual change to the trained weights. */
export type Edit =
  /** one mixing entry set to `value` (MixingRow convention: P[g,h], α[m,h,p], R[h, h'P+p]) */
  | {kind: "entry"; layer: number; matrix: MixMatrix; source: number; target: number; pseudo: number; value: number}
  /** IHA: row `target` of R zeroed (collapsed output head `target` reads no pseudo-output) */
  | {kind: "r_row"; layer: number; target: number}
  /** output head knocked out: W_O[head] = 0 (ablation.ablateHead) */
  | {kind: "head"; layer: number; head: number}
  /** IHA: source head knocked out of every pseudo-query, key and value (ablation.ablateSourceHead) */
  | {kind: "source"; layer: number; head: number};

/** Flat index of a mixing entry in its parameter's array, for a model config (mixing.entryIndex). */
export function configEntryIndex(cfg: ModelConfig, matrix: MixMatrix, source: number, target: number, pseudo: number): number {
  return entryIndex(matrix, cfg.n_heads, cfg.n_pseudo, source, target, pseudo);
}

const param = (layer: number, name: string) => `blocks.${layer}.attn.${name}`;

/** The trained weights with every edit applied in order (fresh arrays; `trained` is left alone). */
export function applyEdits(trained: Weights, cfg: ModelConfig, edits: readonly Edit[]): Weights {
  let weights = copyWeights(trained);
  for (const edit of edits) {
    if (edit.kind === "head") weights = ablateHead(weights, cfg, edit.layer, edit.head);
    else if (edit.kind === "source") weights = ablateSourceHead(weights, cfg, edit.layer, edit.head);
    else if (edit.kind === "r_row") weights = zeroCollapseRow(weights, cfg, edit.layer, edit.target);
    else weights[param(edit.layer, edit.matrix)][configEntryIndex(cfg, edit.matrix, edit.source, edit.target, edit.pseudo)] = edit.value;
  }
  return weights;
}

/** What one forward pass shows: logits and 0/1 predictions per cell, maps per layer as stack[h][q][k]. */
export interface Forward {
  logits: Float32Array;
  predictions: Uint8Array;
  raw: HeadMap[][];
  effective: HeadMap[][];
}

/** A model whose parameters can be swapped for edited ones. */
export class LiveModel {
  readonly cfg: ModelConfig;
  readonly trained: Weights;
  private params: Params;
  private current: Weights;

  constructor({cfg, weights}: TrainedModel<ModelConfig>) {
    this.cfg = cfg;
    this.trained = weights;
    this.current = weights;
    this.params = weightsToParams(weights, cfg);
  }

  /** The weights the model runs with now. */
  get weights(): Weights {
    return this.current;
  }

  /** Runs with the trained weights and `edits` from now on. */
  setEdits(edits: readonly Edit[]): void {
    const next = applyEdits(this.trained, this.cfg, edits);
    disposeParams(this.params);
    this.params = weightsToParams(next, this.cfg);
    this.current = next;
  }

  /** One sample through the model (relation bits, row-major m·m). */
  run(relation: ArrayLike<number>): Forward {
    const {cfg} = this;
    const {logits, cache} = runWithCache(this.params, cfg, Int32Array.from(relation));
    try {
      const {raw, effective} = layerMaps(cache, this.params, cfg);
      const values = Float32Array.from(logits.dataSync()); // [N]
      return {logits: values, predictions: Uint8Array.from(values, (x) => (x > 0 ? 1 : 0)), raw, effective};
    } finally {
      logits.dispose();
      disposeCache(cache);
    }
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
