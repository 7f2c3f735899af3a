// heads.arrow: per architecture, layer and head of the seed-0 runs, the head-pattern scores
// (metrics.headPatternScores) of every map kind averaged over the showcase set, and what zero-ablating the
// head does to test F1 (ablation.ablateHead; for IHA also ablation.ablateSourceHead, all of Q, K, V), read
// from the run's evaluation (evaluation.ts).
import {headLabel, type Preset} from "../model/config.js";
import {RELATION} from "../model/family.js";
import {headMap} from "../model/effective.js";
import {headPatternScores, type HeadPatternScores} from "../model/metrics.js";
import {arrowTable, nullableFloat32} from "./arrow.js";
import {headIndexColumns} from "./tables.js";
import type {RunEvaluation} from "./evaluation.js";
import {batchMaps, forEachBatch} from "./maps.js";
import type {Run} from "./runs.js";
import {showcaseSamples, VIEW_SEED} from "./showcase.js";
import {ARCHS, MAP_KIND_FILE_NAMES, mapKindsFor} from "../model/vocabulary.js";

/** The scores written, as column name → field of HeadPatternScores. */
export const SCORE_COLUMNS = {
  previous_token: "previous_token",
  first_token: "first_token",
  current_token: "current_token",
  same_row: "row",
  same_column: "column"
} as const satisfies Record<string, keyof HeadPatternScores>;

interface HeadRow {
  arch: string;
  layer: number;
  head: number;
  map: string;
  scores: Record<keyof typeof SCORE_COLUMNS, number>;
  test_f1: number;
  ablated_f1: number;
  /** NaN → null for MHA and TH */
  source_ablated_f1: number;
}

/** `evaluations` holds at least the seed-0 run of every architecture, keyed "arch/seed" (runs.ensureEvaluations). */
export function headsTable(runs: Map<string, Run>, evaluations: Map<string, RunEvaluation>, preset: Preset): Uint8Array {
  const samples = showcaseSamples(preset);
  const {m} = preset.task;
  const rows: HeadRow[] = [];
  for (const arch of ARCHS) {
    const run = runs.get(`${arch}/${VIEW_SEED}`);
    if (!run) throw new Error(`no trained ${arch} run for seed ${VIEW_SEED}`);
    const evaluation = evaluations.get(`${arch}/${VIEW_SEED}`);
    if (!evaluation) throw new Error(`no evaluation of the ${arch} run of seed ${VIEW_SEED}`);
    const {record, weights} = run;
    const cfg = record.config;
    const {n_layers: L, n_heads: H} = cfg;
    const kinds = mapKindsFor(arch);
    // sums[layer][kind][head][column], over the showcase samples
    const sums = Array.from({length: L}, () => new Map(kinds.map((k) => [k, Array.from({length: H}, () => new Float64Array(5))])));
    const columns = Object.entries(SCORE_COLUMNS);
    forEachBatch(RELATION, weights, cfg, samples, preset.train.eval_batch_size, (batch) => {
      for (let layer = 0; layer < L; layer++) {
        for (const [kind, maps] of batchMaps(batch, cfg, layer, kinds)) {
          for (let b = 0; b < batch.size; b++) {
            for (let h = 0; h < H; h++) {
              const scores = headPatternScores(headMap(maps, b, h), m);
              columns.forEach(([, field], c) => (sums[layer].get(kind)![h][c] += scores[field]!));
            }
          }
        }
      }
    });
    for (let layer = 0; layer < L; layer++) {
      for (let h = 0; h < H; h++) {
        const ablated_f1 = evaluation.ablated_f1[layer * H + h];
        const source_ablated_f1 = arch === "iha" ? evaluation.source_ablated_f1![layer * H + h] : NaN;
        console.error(`mixviz: heads ${arch} ${headLabel(layer, h)}: ablated F1 ${ablated_f1.toFixed(4)}`);
        for (const kind of kinds) {
          const sum = sums[layer].get(kind)![h];
          const scores = Object.fromEntries(columns.map(([column], c) => [column, sum[c] / samples.length]));
          rows.push({
            arch,
            layer,
            head: h,
            map: MAP_KIND_FILE_NAMES[kind],
            scores: scores as HeadRow["scores"],
            test_f1: record.test_f1,
            ablated_f1,
            source_ablated_f1
          });
        }
      }
    }
  }
  const score = (column: keyof typeof SCORE_COLUMNS) => Float32Array.from(rows, (r) => r.scores[column]);
  return arrowTable({
    ...headIndexColumns(rows),
    ...Object.fromEntries(Object.keys(SCORE_COLUMNS).map((c) => [c, score(c as keyof typeof SCORE_COLUMNS)])),
    test_f1: Float32Array.from(rows, (r) => r.test_f1),
    ablated_f1: Float32Array.from(rows, (r) => r.ablated_f1),
    source_ablated_f1: nullableFloat32(Float32Array.from(rows, (r) => r.source_ablated_f1))
  });
}
