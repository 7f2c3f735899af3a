// An optional ablation table with a reader's attention (docs/data-formats.md, "Bring your own attention"): what
// knocking out each head does to a metric of the reader's choice. Required `layer`, `head_index`, `base` (the
// metric of the whole model) and `ablated` (with the head's output zeroed); optional `model` (which model of
// the attention file), `metric` (the metric's name, one for the whole table) and `source_ablated` (IHA: the
// head removed as a source). Heads must exist in the attention file; a head appears once per model. Pure.
import type {Table} from "apache-arrow";
import type {UploadAblationRow} from "./attentionSet.js";
import {checkColumns, checkNulls, labels, numbers} from "./columns.js";
import type {IssueList} from "./issues.js";

/** The columns that make a table an ablation table (and not attention, tokens or mixing). */
export const ABLATION_COLUMNS = ["base", "ablated"] as const;

export function ablationFromTable(table: Table, name: string, issues: IssueList): {rows: UploadAblationRow[]; metric: string | null} | null {
  if (table.numRows === 0) {
    issues.error("no_rows", `${name} has no rows`);
    return null;
  }
  const required = {layer: "integer", head_index: "integer", base: "float", ablated: "float"} as const;
  const optional = {model: "label", metric: "label", source_ablated: "float"} as const;
  if (!checkColumns(table, name, required, optional, issues)) return null;
  const present = [...Object.keys(required), ...Object.keys(optional)].filter((c) => table.getChild(c));
  if (!checkNulls(table, name, present, issues)) return null;
  const [layer, head, base, ablated] = (["layer", "head_index", "base", "ablated"] as const).map((c) => numbers(table.getChild(c)!));
  const source = table.getChild("source_ablated") ? numbers(table.getChild("source_ablated")!) : null;
  const model = table.getChild("model") ? labels(table.getChild("model")!) : null;
  const metrics = table.getChild("metric") ? [...new Set(labels(table.getChild("metric")!))] : [];
  if (metrics.length > 1) issues.error("wrong_type", `${name}: "metric" names one metric for the whole table; it names ${metrics.length} (${metrics.slice(0, 3).join(", ")})`);
  const rows: UploadAblationRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < table.numRows; i++) {
    for (const [column, values] of [["base", base], ["ablated", ablated], ["source_ablated", source]] as const) {
      if (values && !Number.isFinite(values[i])) issues.error("not_finite", `${name}: "${column}" must be a finite number`, `row ${i} is ${values[i]}`);
    }
    const key = `${model?.[i] ?? ""}|${layer[i]}|${head[i]}`;
    if (seen.has(key)) issues.error("duplicate", `${name}: a head appears on two rows`, `row ${i}: layer ${layer[i]}, head ${head[i]}${model ? `, model ${model[i]}` : ""}`);
    seen.add(key);
    rows.push({model: model ? model[i] : null, layer: layer[i], head_index: head[i], base: base[i], ablated: ablated[i], source: source ? source[i] : null});
  }
  return issues.hasErrors ? null : {rows, metric: metrics[0] ?? null};
}

/** Every row's layer and head must exist in the attention file, and its model (when named) among the file's models. */
export function checkAblation(rows: readonly UploadAblationRow[], layers: number, heads: number, models: ReadonlySet<string>, name: string, issues: IssueList): void {
  rows.forEach((r, i) => {
    if (r.layer < 0 || r.layer >= layers) issues.error("out_of_range", `${name}: "layer" is not a layer of the attention file (0–${layers - 1})`, `row ${i} has layer ${r.layer}`);
    if (r.head_index < 0 || r.head_index >= heads) issues.error("out_of_range", `${name}: "head_index" is not a head of the attention file (0–${heads - 1})`, `row ${i} has ${r.head_index}`);
    if (!models.has(r.model ?? "")) issues.error("out_of_range", `${name}: "model" names no model of the attention file`, `row ${i} has ${r.model === null ? "no model" : JSON.stringify(r.model)}`);
  });
}
