// The small tables of the training runs (history.arrow, mixing.arrow, heads.arrow, lm-heads.arrow,
// knockout.arrow), read whole and reshaped with Arquero: the rows each figure draws. The pages make the tables with Framework's `aq`
// (`aq.fromArrow(bytes)`: its browser build; a bare import from a local module would bundle arquero's Node
// entry, which imports node:fs). Expressions are strings, which no bundler renames.
import type {ColumnTable} from "arquero";

export interface MixingRow {
  matrix: string;
  source_head: number;
  target_head: number;
  pseudo: number;
  value: number;
  epoch: number;
}

/** The mixing entries of one architecture's run at its best epoch, one layer. */
export function bestMixing(mixing: ColumnTable, where: {arch: string; seed: number; layer: number}): MixingRow[] {
  return mixing
    .params(where)
    .filter("(d, $) => d.arch === $.arch && d.seed === $.seed && d.is_best === 1 && d.layer === $.layer")
    .select("matrix", "source_head", "target_head", "pseudo", "value", "epoch")
    .objects() as MixingRow[];
}

export interface CurveRow {
  arch: string;
  seed: number;
  epoch: number;
  val_f1: number;
  train_loss: number;
}

/** The training curves of one seed, by architecture and epoch. */
export function trainingCurves(history: ColumnTable, seed: number): CurveRow[] {
  return history
    .params({seed})
    .filter("(d, $) => d.seed === $.seed")
    .orderby("arch", "epoch")
    .select("arch", "seed", "epoch", "val_f1", "train_loss")
    .objects() as CurveRow[];
}

export interface AblationRow {
  arch: string;
  head_index: number;
  head: string;
  test_f1: number;
  ablated_f1: number;
  source_ablated_f1: number;
  /** test F1 lost when the head's output is zeroed */
  drop: number;
  /** the alignment of the head's raw map with the path (metrics.json) */
  alignment: number;
  /** rank of that alignment among its architecture's heads of the layer (1 = most aligned; ties share) */
  alignRank: number;
}

/**
 * Test F1 with and without each head of one layer (the raw-map rows of heads.arrow), by architecture and
 * head, beside each head's alignment: `alignment[arch]` lists every head's alignment layer-major, `heads` per
 * layer.
 */
export function headAblation(table: ColumnTable, where: {layer: number; heads: number; alignment: Record<string, readonly number[]>}): AblationRow[] {
  return table
    .params({layer: where.layer, offset: where.layer * where.heads, alignment: where.alignment})
    .filter("(d, $) => d.map === 'raw' && d.layer === $.layer")
    .derive({drop: "d => d.test_f1 - d.ablated_f1", alignment: "(d, $) => $.alignment[d.arch][$.offset + d.head_index]"})
    .groupby("arch")
    .orderby((d: {alignment: number}) => -d.alignment) // most aligned first; the function is parsed by Arquero
    .derive({alignRank: "() => op.rank()"})
    .ungroup()
    .orderby("arch", "head_index")
    .select("arch", "head_index", "head", "test_f1", "ablated_f1", "source_ablated_f1", "drop", "alignment", "alignRank")
    .objects() as AblationRow[];
}

/** The mixing entries of one architecture's run at one epoch, one layer. */
export function mixingAt(mixing: ColumnTable, where: {arch: string; seed: number; epoch: number; layer: number}): Omit<MixingRow, "epoch">[] {
  return mixing
    .params(where)
    .filter("(d, $) => d.arch === $.arch && d.seed === $.seed && d.epoch === $.epoch && d.layer === $.layer")
    .select("matrix", "source_head", "target_head", "pseudo", "value")
    .objects() as Omit<MixingRow, "epoch">[];
}

/** The columns of an ablation table (heads.arrow, lm-heads.arrow) that hold one model family's metric. */
export interface AblationColumns {
  /** the unablated model's metric */
  base: string;
  /** the metric with the head's output zeroed */
  ablated: string;
  /** the metric with the head removed as a source (null where the architecture has none) */
  source: string;
}

export interface HeadAblationRow {
  layer: number;
  head_index: number;
  base: number;
  ablated: number;
  source: number | null;
}

/** Every head of one architecture (its raw-map rows), by layer and head, with the metric columns renamed. */
export function ablationByHead(heads: ColumnTable, arch: string, columns: AblationColumns): HeadAblationRow[] {
  return heads
    .params({arch})
    .filter("(d, $) => d.arch === $.arch && d.map === 'raw'")
    .orderby("layer", "head_index")
    .select({layer: "layer", head_index: "head_index", [columns.base]: "base", [columns.ablated]: "ablated", [columns.source]: "source"})
    .objects() as HeadAblationRow[];
}

export interface KnockoutRow {
  layer: number;
  source_head: number;
  output_head: number;
  change: number;
}

/** The source-knockout cells (knockout.arrow) of one model and map kind. */
export function knockoutCells(knockout: ColumnTable, where: {model: string; map: string}): KnockoutRow[] {
  return knockout
    .params(where)
    .filter("(d, $) => d.model === $.model && d.map === $.map")
    .select("layer", "source_head", "output_head", "change")
    .objects() as KnockoutRow[];
}
