// knockout.arrow: for every IHA model, what removing one source head does to every output head. Source head
// m is knocked out of every pseudo-query, key and value (ablation.ablateSourceHead) and each output head's
// raw and effective maps are compared with the intact model's: the mean over inputs and queries of the
// total-variation distance between the two rows (0 = unchanged, 1 = nothing in common). In MHA this grid
// would be diagonal (a head only changes itself); IHA spreads one head's removal over the heads it feeds.
import {ablateSourceHead} from "../model/ablation.js";
import {headLabel} from "../model/config.js";
import type {AnyConfig} from "../model/lm/config.js";
import type {MapKind} from "../model/vocabulary.js";
import {totalVariation} from "../model/metrics.js";
import type {Weights} from "../model/params.js";
import {arrowTable} from "./arrow.js";
import {batchMaps, type Batch} from "./maps.js";

/** Runs the model with `weights` over the inputs, batch by batch (maps.forEachBatch). */
export type ForEachBatch = (weights: Weights, visit: (batch: Batch) => void) => void;

const KINDS: readonly MapKind[] = ["raw", "effective"];
/** Relation-model inputs per knockout (the first showcase samples); the LM uses its whole showcase set. */
export const KNOCKOUT_INPUTS = 8;

/** One row of the table. */
export interface KnockoutRow {
  model: string;
  layer: number;
  source_head: number;
  output_head: number;
  map: MapKind;
  change: number;
}

/** maps.get(kind)[layer] = every input's per-head maps [S,H,N,N], concatenated. */
function collectMaps(cfg: AnyConfig, weights: Weights, forEach: ForEachBatch): Map<MapKind, Float32Array[][]> {
  const out = new Map<MapKind, Float32Array[][]>(KINDS.map((k) => [k, Array.from({length: cfg.n_layers}, () => [])]));
  forEach(weights, (batch) => {
    for (let layer = 0; layer < cfg.n_layers; layer++) {
      for (const [kind, maps] of batchMaps(batch, cfg, layer, KINDS)) out.get(kind)![layer].push(maps.data);
    }
  });
  return out;
}

export function knockoutRows(model: string, cfg: AnyConfig, weights: Weights, n: number, forEach: ForEachBatch): KnockoutRow[] {
  if (cfg.arch !== "iha") throw new Error(`source-head knockouts need an IHA model, not ${cfg.arch}`);
  const H = cfg.n_heads;
  const base = collectMaps(cfg, weights, forEach);
  const rows: KnockoutRow[] = [];
  for (let layer = 0; layer < cfg.n_layers; layer++) {
    for (let source = 0; source < H; source++) {
      const knocked = collectMaps(cfg, ablateSourceHead(weights, cfg, layer, source), forEach);
      for (const kind of KINDS) {
        for (let output = 0; output < H; output++) {
          rows.push({model, layer, source_head: source, output_head: output, map: kind, change: rowChange(base.get(kind)![layer], knocked.get(kind)![layer], H, n, output)});
        }
      }
      console.error(`mixviz: knockout ${model} ${headLabel(layer, source)} done`);
    }
  }
  return rows;
}

/** Mean over inputs and queries of the total-variation distance between head h's rows in a and b. */
export function rowChange(a: readonly Float32Array[], b: readonly Float32Array[], H: number, n: number, h: number): number {
  let sum = 0;
  let count = 0;
  a.forEach((chunk, c) => {
    const other = b[c];
    const inputs = chunk.length / (H * n * n);
    for (let s = 0; s < inputs; s++) {
      for (let q = 0; q < n; q++) {
        const offset = ((s * H + h) * n + q) * n;
        sum += totalVariation(chunk.subarray(offset, offset + n), other.subarray(offset, offset + n)); // [n] rows
        count++;
      }
    }
  });
  return count ? sum / count : 0;
}

export function knockoutTable(rows: readonly KnockoutRow[]): Uint8Array {
  return arrowTable({
    model: rows.map((r) => r.model),
    layer: Int8Array.from(rows, (r) => r.layer),
    source_head: Int8Array.from(rows, (r) => r.source_head),
    output_head: Int8Array.from(rows, (r) => r.output_head),
    map: rows.map((r) => r.map),
    change: Float32Array.from(rows, (r) => r.change)
  });
}
