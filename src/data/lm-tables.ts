// The LM's tidy tables: lm-attention.parquet (causal per-head maps of the showcase set) and lm-heads.arrow
// (head-type scores on raw and effective maps, and what zero-ablating each head does to induction accuracy).
import {headLabel} from "../model/config.js";
import {ablateHead, ablateSourceHead} from "../model/ablation.js";
import {LM, type LmTypes} from "../model/family.js";
import {headMap} from "../model/effective.js";
import {LM_ARCHS, type LmArch, type LmConfig, type LmPreset} from "../model/lm/config.js";
import {evaluateLm, lmEvalSamples} from "../model/lm/train.js";
import {
  currentTokenScore,
  duplicateTokenScore,
  firstTokenScore,
  inductionScore,
  previousTokenScore,
  type SquareMap
} from "../model/metrics.js";
import type {Weights} from "../model/params.js";
import {arrowTable, nullableFloat32} from "./arrow.js";
import {headIndexColumns} from "./tables.js";
import {batchMaps, forEachBatch} from "./maps.js";
import {parquetTable} from "./parquet.js";
import {runOf, type Runs} from "./runs.js";
import {lmRepeatedSequences, lmShowcaseSamples, VIEW_SEED} from "./showcase.js";

/** The two map kinds of the LM tables. */
export const LM_MAP_KINDS = ["raw", "effective"] as const;

/**
 * lm-attention.parquet: one row per (arch, sample, layer, head, query, key ≤ query) of the LM showcase set:
 * pattern (raw hook_pattern; IHA: the token reduction T_h) and effective (the norm-based effective map).
 * One row group per (arch, sample, layer).
 */
export function lmAttentionTable(runs: Runs<LmTypes>, preset: LmPreset): Uint8Array {
  const samples = lmShowcaseSamples(preset);
  const sequences = samples.map((s) => s.tokens);
  const {n_layers: L, n_heads: H} = preset.model;
  const N = preset.task.n_ctx;
  const S = samples.length;
  const perMap = (N * (N + 1)) / 2; // keys 0 … q for every query q
  const rows = LM_ARCHS.length * S * L * H * perMap;
  const arch: string[] = new Array(rows);
  const sample = new Int8Array(rows);
  const layer = new Int8Array(rows);
  const head = new Int8Array(rows);
  const query = new Int16Array(rows);
  const key = new Int16Array(rows);
  const pattern = new Float32Array(rows);
  const effective = new Float32Array(rows);
  LM_ARCHS.forEach((name, a) => {
    const {record, weights} = runOf(runs, name, VIEW_SEED);
    arch.fill(name, a * S * L * H * perMap, (a + 1) * S * L * H * perMap);
    forEachBatch(LM, weights, record.config, sequences, preset.train.eval_batch_size, (batch) => {
      for (let l = 0; l < L; l++) {
        const maps = batchMaps(batch, record.config, l, LM_MAP_KINDS);
        const raw = maps.get("raw")!.data;
        const eff = maps.get("effective")!.data;
        for (let b = 0; b < batch.size; b++) {
          const s = batch.start + b;
          for (let h = 0; h < H; h++) {
            let row = (((a * S + s) * L + l) * H + h) * perMap; // first row of this map
            const from = (b * H + h) * N * N; // HeadMaps offset of this map
            for (let q = 0; q < N; q++) {
              for (let k = 0; k <= q; k++, row++) {
                sample[row] = s;
                layer[row] = l;
                head[row] = h;
                query[row] = q;
                key[row] = k;
                pattern[row] = raw[from + q * N + k];
                effective[row] = eff[from + q * N + k];
              }
            }
          }
        }
      }
    });
  });
  return parquetTable({arch, sample, layer, head_index: head, query_pos: query, key_pos: key, pattern, effective}, ["arch", "sample", "layer"]);
}

/** The score columns of lm-heads.arrow, in order. */
export const LM_SCORE_COLUMNS = ["previous_token", "first_token", "current_token", "duplicate_token", "induction"] as const;
export type ScoreColumn = (typeof LM_SCORE_COLUMNS)[number];

/**
 * Head-pattern scores of one LM keyed "layer/kind/head": positional scores as means over the showcase set,
 * duplicate-token and induction scores as means over lmRepeatedSequences.
 */
export function lmHeadScores(weights: Weights, cfg: LmConfig, preset: LmPreset): Map<string, Record<ScoreColumn, number>> {
  const {n_layers: L, n_heads: H} = cfg;
  const sums = new Map<string, Record<ScoreColumn, number>>();
  const at = (l: number, kind: string, h: number) => {
    const id = `${l}/${kind}/${h}`;
    if (!sums.has(id)) sums.set(id, Object.fromEntries(LM_SCORE_COLUMNS.map((c) => [c, 0])) as Record<ScoreColumn, number>);
    return sums.get(id)!;
  };
  const visitMaps = (sequences: Int32Array[], add: (sum: Record<ScoreColumn, number>, map: SquareMap, tokens: Int32Array) => void) =>
    forEachBatch(LM, weights, cfg, sequences, preset.train.eval_batch_size, (batch) => {
      for (let l = 0; l < L; l++) {
        for (const [kind, maps] of batchMaps(batch, cfg, l, LM_MAP_KINDS)) {
          for (let b = 0; b < batch.size; b++) {
            for (let h = 0; h < H; h++) add(at(l, kind, h), headMap(maps, b, h), sequences[batch.start + b]);
          }
        }
      }
    });
  const showcase = lmShowcaseSamples(preset).map((s) => s.tokens);
  visitMaps(showcase, (sum, map) => {
    sum.previous_token += previousTokenScore(map) / showcase.length;
    sum.first_token += firstTokenScore(map) / showcase.length;
    sum.current_token += currentTokenScore(map) / showcase.length;
  });
  const repeated = lmRepeatedSequences(preset);
  visitMaps(repeated, (sum, map, tokens) => {
    sum.duplicate_token += duplicateTokenScore(map, tokens, {causal: true}) / repeated.length;
    sum.induction += inductionScore(map, tokens, {causal: true}) / repeated.length;
  });
  return sums;
}

interface LmHeadRow {
  arch: string;
  layer: number;
  head: number;
  map: string;
  scores: Record<ScoreColumn, number>;
  induction_accuracy: number;
  ablated: number;
  /** NaN → null for MHA */
  source_ablated: number;
}

/**
 * lm-heads.arrow: per LM architecture, layer, head and map kind (raw, effective): previous/first/current-token
 * scores (means over the showcase set), duplicate-token and induction scores (causal, means over
 * lmRepeatedSequences), the model's induction accuracy on its evaluation set, and that accuracy with the head
 * zero-ablated (ablateHead) and, for IHA, with the source head removed (ablateSourceHead, all of Q, K, V).
 */
export function lmHeadsTable(runs: Runs<LmTypes>, preset: LmPreset): Uint8Array {
  const rows: LmHeadRow[] = [];
  const evalSet = lmEvalSamples(VIEW_SEED, preset.train.eval_samples, preset.task);
  for (const arch of LM_ARCHS) {
    const {record, weights} = runOf(runs, arch, VIEW_SEED);
    const cfg = record.config;
    const accuracy = (w: Weights) => evaluateLm(w, cfg, evalSet, preset.train.eval_batch_size).induction_accuracy;
    const base = accuracy(weights);
    const sums = lmHeadScores(weights, cfg, preset);
    for (let layer = 0; layer < cfg.n_layers; layer++) {
      for (let h = 0; h < cfg.n_heads; h++) {
        const ablated = accuracy(ablateHead(weights, cfg, layer, h));
        const source_ablated = arch === "iha" ? accuracy(ablateSourceHead(weights, cfg, layer, h)) : NaN;
        console.error(`mixviz: lm-heads ${arch} ${headLabel(layer, h)}: induction accuracy ${base.toFixed(4)} → ${ablated.toFixed(4)} ablated`);
        for (const map of LM_MAP_KINDS) {
          rows.push({arch, layer, head: h, map, scores: sums.get(`${layer}/${map}/${h}`)!, induction_accuracy: base, ablated, source_ablated});
        }
      }
    }
  }
  return arrowTable({
    ...headIndexColumns(rows),
    ...Object.fromEntries(LM_SCORE_COLUMNS.map((c) => [c, Float32Array.from(rows, (r) => r.scores[c])])),
    induction_accuracy: Float32Array.from(rows, (r) => r.induction_accuracy),
    ablated_induction_accuracy: Float32Array.from(rows, (r) => r.ablated),
    source_ablated_induction_accuracy: nullableFloat32(Float32Array.from(rows, (r) => r.source_ablated))
  });
}
