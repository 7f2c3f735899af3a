// The tidy tables of the showcase set and the training runs: per-head maps (attention.parquet), IHA's pseudo
// pattern blocks (pseudo-blocks.parquet), mixing parameters per epoch (mixing.arrow) and training curves
// (history.arrow). Each builder returns the file's bytes: Parquet with one row group per slice a view draws
// for the large tensors, Arrow IPC streams for the small tables.
import {headLabel, type Preset} from "../model/config.js";
import {RELATION} from "../model/family.js";
import type {HeadMaps} from "../model/effective.js";
import {mixingRows} from "../model/mixing.js";
import type {Weights} from "../model/params.js";
import {arrowTable, nullableFloat32} from "./arrow.js";
import {parquetTable} from "./parquet.js";
import {batchMaps, forEachBatch} from "./maps.js";
import {runOf, type Run} from "./runs.js";
import {pseudoBlockSamples, showcaseSamples, VIEW_SEED} from "./showcase.js";
import {ARCHS} from "../model/vocabulary.js";

/** The first columns of a head table (heads.arrow, lm-heads.arrow): arch, layer, head_index, head ("L0H3"), map. */
export function headIndexColumns(rows: readonly {arch: string; layer: number; head: number; map: string}[]) {
  return {
    arch: rows.map((r) => r.arch),
    layer: Int8Array.from(rows, (r) => r.layer),
    head_index: Int8Array.from(rows, (r) => r.head),
    head: rows.map((r) => headLabel(r.layer, r.head)),
    map: rows.map((r) => r.map)
  };
}

/** The smallest signed integer array that holds 0 … max. */
export function indexArray(length: number, max: number): Int8Array | Int16Array | Int32Array {
  if (max <= 0x7f) return new Int8Array(length);
  if (max <= 0x7fff) return new Int16Array(length);
  return new Int32Array(length);
}

/**
 * attention.parquet: one row per (arch, sample, layer, head, query, key) of the showcase set, seed-0 runs:
 * pattern (raw hook_pattern), effective, and naive (IHA's sliced pseudo pattern; null for MHA and TH).
 * One row group per (arch, sample, layer).
 */
export function attentionTable(runs: Map<string, Run>, preset: Preset): Uint8Array {
  const samples = showcaseSamples(preset);
  const {n_layers: L, n_heads: H} = preset.model;
  const N = preset.task.m * preset.task.m;
  const S = samples.length;
  const perArch = S * L * H * N * N;
  const rows = ARCHS.length * perArch;
  const arch: string[] = new Array(rows);
  const sample = indexArray(rows, S - 1);
  const layer = indexArray(rows, L - 1);
  const head = indexArray(rows, H - 1);
  const query = indexArray(rows, N - 1);
  const key = indexArray(rows, N - 1);
  const pattern = new Float32Array(rows);
  const effective = new Float32Array(rows);
  const naive = new Float32Array(rows).fill(NaN);
  ARCHS.forEach((name, a) => {
    const {record, weights} = runOf(runs, name, VIEW_SEED);
    const cfg = record.config;
    const kinds = cfg.arch === "iha" ? (["raw", "effective", "naive"] as const) : (["raw", "effective"] as const);
    arch.fill(name, a * perArch, (a + 1) * perArch);
    forEachBatch(RELATION, weights, cfg, samples, preset.train.eval_batch_size, (batch) => {
      for (let l = 0; l < L; l++) {
        const maps = batchMaps(batch, cfg, l, kinds);
        for (let b = 0; b < batch.size; b++) {
          const s = batch.start + b;
          for (let h = 0; h < H; h++) {
            const to = a * perArch + ((s * L + l) * H + h) * N * N; // first row of this map
            const from = (b * H + h) * N * N; // HeadMaps offset of this map
            const copy = (target: Float32Array, source: HeadMaps | undefined) =>
              source && target.set(source.data.subarray(from, from + N * N), to);
            copy(pattern, maps.get("raw"));
            copy(effective, maps.get("effective"));
            copy(naive, maps.get("naive"));
            sample.fill(s, to, to + N * N);
            layer.fill(l, to, to + N * N);
            head.fill(h, to, to + N * N);
            for (let n = 0; n < N; n++) {
              query.fill(n, to + n * N, to + (n + 1) * N);
              for (let k = 0; k < N; k++) key[to + n * N + k] = k;
            }
          }
        }
      }
    });
  });
  return parquetTable({
    arch,
    sample,
    layer,
    head_index: head,
    query_pos: query,
    key_pos: key,
    pattern,
    effective,
    naive: nullableFloat32(naive)
  }, ["arch", "sample", "layer"]);
}

/**
 * pseudo-blocks.parquet: IHA's pseudo pattern Ā_h[(n,p),(n',q)] (hook_pseudo_pattern, virtual index n·P + p)
 * for the first pseudoBlockSamples(…) showcase samples of the seed-0 IHA run. One row group per (sample, layer, head).
 */
export function pseudoBlockTable(runs: Map<string, Run>, preset: Preset): Uint8Array {
  const {record, weights} = runOf(runs, "iha", VIEW_SEED);
  const cfg = record.config;
  const {n_layers: L, n_heads: H, n_pseudo: P} = cfg;
  const N = cfg.m * cfg.m;
  const NP = N * P;
  const S = pseudoBlockSamples(L, H, P, N);
  const samples = showcaseSamples(preset).slice(0, S);
  const rows = S * L * H * NP * NP;
  const sample = indexArray(rows, S - 1);
  const layer = indexArray(rows, L - 1);
  const head = indexArray(rows, H - 1);
  const pIndex = indexArray(rows, P - 1);
  const qIndex = indexArray(rows, P - 1);
  const query = indexArray(rows, N - 1);
  const key = indexArray(rows, N - 1);
  const pattern = new Float32Array(rows);
  forEachBatch(RELATION, weights, cfg, samples, preset.train.eval_batch_size, (batch) => {
    for (let l = 0; l < L; l++) {
      const name = `blocks.${l}.attn.hook_pseudo_pattern`;
      const pseudo = batch.cache[name];
      if (!pseudo) throw new Error(`the IHA cache lacks ${name}`);
      const data = pseudo.dataSync() as Float32Array; // [b,H,NP,NP], rows n·P + p, columns n'·P + q
      for (let b = 0; b < batch.size; b++) {
        const s = batch.start + b;
        for (let h = 0; h < H; h++) {
          const to = ((s * L + l) * H + h) * NP * NP;
          const from = (b * H + h) * NP * NP;
          pattern.set(data.subarray(from, from + NP * NP), to);
          sample.fill(s, to, to + NP * NP);
          layer.fill(l, to, to + NP * NP);
          head.fill(h, to, to + NP * NP);
          for (let v = 0; v < NP; v++) {
            const row = to + v * NP;
            query.fill(Math.floor(v / P), row, row + NP);
            pIndex.fill(v % P, row, row + NP);
            for (let w = 0; w < NP; w++) {
              key[row + w] = Math.floor(w / P);
              qIndex[row + w] = w % P;
            }
          }
        }
      }
    }
  });
  return parquetTable({sample, layer, head_index: head, p: pIndex, q: qIndex, query_pos: query, key_pos: key, pattern}, ["sample", "layer", "head_index"]);
}

/**
 * mixing.arrow: every raw mixing entry (mixing.ts mixingRows) of every run at every epoch (0 = init);
 * with `bestOnly`, at each run's kept (best) epoch only (mixing-best.arrow, what the essay draws).
 */
export function mixingTable(runs: Map<string, Run>, bestOnly = false): Uint8Array {
  const rows: {seed: number; epoch: number; is_best: number; row: ReturnType<typeof mixingRows>[number]}[] = [];
  for (const {record} of runs.values()) {
    for (const {epoch, weights} of record.mixing) {
      if (bestOnly && epoch !== record.best_epoch) continue;
      const plain: Weights = Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, Float32Array.from(v)]));
      const is_best = epoch === record.best_epoch ? 1 : 0;
      for (const row of mixingRows(plain, record.config)) rows.push({seed: record.seed, epoch, is_best, row});
    }
  }
  return arrowTable({
    arch: rows.map((r) => r.row.arch),
    seed: Int16Array.from(rows, (r) => r.seed),
    epoch: Int16Array.from(rows, (r) => r.epoch),
    is_best: Int8Array.from(rows, (r) => r.is_best),
    layer: Int8Array.from(rows, (r) => r.row.layer),
    matrix: rows.map((r) => r.row.matrix),
    source_head: Int8Array.from(rows, (r) => r.row.source_head),
    target_head: Int8Array.from(rows, (r) => r.row.target_head),
    pseudo: Int8Array.from(rows, (r) => r.row.pseudo),
    value: Float32Array.from(rows, (r) => r.row.value)
  });
}

/** history.arrow: one row per architecture, seed and epoch. */
export function historyTable(runs: Map<string, Run>): Uint8Array {
  const rows = [...runs.values()].flatMap(({record}) => record.history.map((epoch) => ({record, epoch})));
  return arrowTable({
    arch: rows.map(({record}) => record.arch),
    seed: Int32Array.from(rows, ({record}) => record.seed),
    epoch: Int32Array.from(rows, ({epoch}) => epoch.epoch),
    train_loss: Float32Array.from(rows, ({epoch}) => epoch.train_loss),
    val_loss: Float32Array.from(rows, ({epoch}) => epoch.val_loss),
    val_f1: Float32Array.from(rows, ({epoch}) => epoch.val_f1),
    seconds: Float32Array.from(rows, ({epoch}) => epoch.seconds),
    is_best: Int8Array.from(rows, ({record, epoch}) => (epoch.epoch === record.best_epoch ? 1 : 0))
  });
}
