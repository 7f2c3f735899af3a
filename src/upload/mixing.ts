// Optional mixing tables in the format of data/mixing.arrow (docs/data-formats.md): required `matrix`,
// `source_head`, `target_head`, `value`; optional `arch`, `layer`, `pseudo`, `epoch`, `is_best`, `seed`.
// Heads must exist in the attention file. Pure.
import type {Table} from "apache-arrow";
import type {UploadMixingRow} from "./attentionSet.js";
import {checkColumns, checkNulls, labels, numbers} from "./columns.js";
import type {IssueList} from "./issues.js";

const NO_PSEUDO = -1;

export function mixingFromTable(table: Table, name: string, issues: IssueList): UploadMixingRow[] | null {
  if (table.numRows === 0) {
    issues.error("no_rows", `${name} has no rows`);
    return null;
  }
  const required = {matrix: "string", source_head: "integer", target_head: "integer", value: "float"} as const;
  const optional = {arch: "string", layer: "integer", pseudo: "integer", epoch: "integer", is_best: "integer", seed: "integer"} as const;
  if (!checkColumns(table, name, required, optional, issues)) return null;
  const present = [...Object.keys(required), ...Object.keys(optional)].filter((c) => table.getChild(c));
  if (!checkNulls(table, name, present, issues)) return null;
  const col = (c: string, fallback: number): ArrayLike<number> => {
    const vector = table.getChild(c);
    return vector ? numbers(vector) : new Float64Array(table.numRows).fill(fallback);
  };
  const matrix = labels(table.getChild("matrix")!);
  const arch = table.getChild("arch") ? labels(table.getChild("arch")!) : null;
  const [source, target, value, layer, pseudo, epoch, best] = [col("source_head", 0), col("target_head", 0), col("value", 0), col("layer", 0), col("pseudo", NO_PSEUDO), col("epoch", 0), col("is_best", 1)];
  const rows: UploadMixingRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    if (!Number.isFinite(value[i])) issues.error("not_finite", `${name}: "value" must be a finite number`, `row ${i} is ${value[i]}`);
    rows.push({arch: arch ? arch[i] : "mixing", layer: layer[i], matrix: matrix[i], source_head: source[i], target_head: target[i], pseudo: pseudo[i], value: value[i], epoch: epoch[i], is_best: best[i]});
  }
  return issues.hasErrors ? null : rows;
}

/** Heads and layers of the mixing rows must exist in the attention data. */
export function checkMixing(rows: readonly UploadMixingRow[], layers: number, heads: number, name: string, issues: IssueList): void {
  rows.forEach((r, i) => {
    if (r.layer < 0 || r.layer >= layers) issues.error("out_of_range", `${name}: "layer" is not a layer of the attention file (0–${layers - 1})`, `row ${i} has layer ${r.layer}`);
    for (const [column, h] of [["source_head", r.source_head], ["target_head", r.target_head]] as const) {
      if (h < 0 || h >= heads) issues.error("out_of_range", `${name}: "${column}" is not a head of the attention file (0–${heads - 1})`, `row ${i} has ${h}`);
    }
  });
}
