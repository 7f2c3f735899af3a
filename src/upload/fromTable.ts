// A tidy or dense attention table → an AttentionSet, checking every row on the way.
// Tidy: one row per (layer, head_index, query_pos, key_pos) with a float `pattern` (as data/attention.parquet).
// Dense: one row per (layer, head_index, query_pos) whose `pattern` is the list of N key weights — the
// layout for large files (12 layers × 12 heads × 512 tokens is 73,728 rows instead of 37.7 M).
// Optional columns: `model` and `sample` (each distinct pair is one sequence), `effective` (tidy only).
// Rows count from 0. Pure.
import {DataType, type Table, type Vector} from "apache-arrow";
import type {AttentionGroup, AttentionSet} from "./attentionSet.js";
import {asNumbers, checkColumns, checkNulls, isFloatList, labels, numbers, type ColumnKind} from "./columns.js";
import type {IssueList} from "./issues.js";
import {MAX_LOCATIONS, MAX_WEIGHTS} from "./limits.js";
import type {TokenLists} from "./tokens.js";

interface Groups {
  of: Int32Array;
  list: {model: string | null; sample: string | null}[];
}

function groupRows(table: Table): Groups {
  const rows = table.numRows;
  const of = new Int32Array(rows);
  const model = table.getChild("model");
  const sample = table.getChild("sample");
  if (!model && !sample) return {of, list: [{model: null, sample: null}]};
  const models = model ? labels(model) : null;
  const samples = sample ? labels(sample) : null;
  const index = new Map<string, number>();
  const list: Groups["list"] = [];
  for (let i = 0; i < rows; i++) {
    const m = models ? models[i] : null;
    const s = samples ? samples[i] : null;
    const key = `${m}\u0000${s}`;
    let g = index.get(key);
    if (g === undefined) {
      g = list.length;
      index.set(key, g);
      list.push({model: m, sample: s});
    }
    of[i] = g;
  }
  return {of, list};
}

function groupLabel(model: string | null, sample: string | null): string {
  return [model, sample === null ? null : `sample ${sample}`].filter((p) => p !== null).join(" · ") || "sequence";
}

function max(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/**
 * Calls fn(row, values, start, length) for each row of a list column, chunk by chunk (no copy of 32- and
 * 64-bit floats; Float16 lists are decoded once per chunk; a LargeList's 64-bit offsets read as numbers).
 */
function forEachList(vector: Vector, fn: (row: number, values: ArrayLike<number>, start: number, length: number) => void): void {
  let row = 0;
  for (const chunk of vector.data) {
    const child = chunk.children[0];
    const values = asNumbers(child.values as ArrayLike<number>, child.type);
    const fixed = DataType.isFixedSizeList(chunk.type) ? chunk.type.listSize : 0;
    const offsets = chunk.valueOffsets as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length; i++, row++) {
      const j = chunk.offset + i;
      const start = fixed ? j * fixed : Number(offsets[j]);
      const end = fixed ? start + fixed : Number(offsets[j + 1]);
      fn(row, values, child.offset + start, end - start);
    }
  }
}

/**
 * One part of a file read in parts (src/sources/readerParquet.ts): the rows of one layer, and of one head or of
 * all `heads`, of sequences of `n` tokens. The set made of it holds that layer only (and that head only), and
 * a row outside the part is an error.
 */
export interface TablePart {
  layer: number;
  /** the one head the part holds, or null for all of them */
  head: number | null;
  heads: number;
  n: number;
}

export function attentionFromTable(table: Table, name: string, format: string, tokens: TokenLists | null, issues: IssueList, part: TablePart | null = null): AttentionSet | null {
  if (table.numRows === 0) {
    issues.error("no_rows", `${name} has columns but no rows`);
    return null;
  }
  const patternField = table.schema.fields.find((f) => f.name === "pattern");
  const dense = patternField !== undefined && isFloatList(patternField.type);
  const required: Record<string, ColumnKind> = dense
    ? {layer: "integer", head_index: "integer", query_pos: "integer", pattern: "float-list"}
    : {layer: "integer", head_index: "integer", query_pos: "integer", key_pos: "integer", pattern: "float"};
  const optional: Record<string, ColumnKind> = {model: "label", sample: "label", ...(dense ? {} : {effective: "float"})};
  if (!checkColumns(table, name, required, optional, issues)) return null;
  const present = [...Object.keys(required), ...Object.keys(optional)].filter((c) => table.getChild(c));
  if (!checkNulls(table, name, present, issues)) return null;

  const rows = table.numRows;
  const layer = numbers(table.getChild("layer")!);
  const head = numbers(table.getChild("head_index")!);
  const query = numbers(table.getChild("query_pos")!);
  const key = dense ? null : numbers(table.getChild("key_pos")!);
  const groups = groupRows(table);

  // Ranges: indices start at 0; the sizes are read from the largest index.
  const where = (i: number) => `row ${i} (layer ${layer[i]}, head ${head[i]}, query ${query[i]}${key ? `, key ${key[i]}` : ""})`;
  for (const [column, values] of [["layer", layer], ["head_index", head], ["query_pos", query], ["key_pos", key]] as const) {
    if (!values) continue;
    for (let i = 0; i < rows; i++) if (values[i] < 0) issues.error("out_of_range", `${name}: "${column}" is negative`, () => where(i));
  }
  if (part) {
    const other = (i: number) => layer[i] !== part.layer || (part.head === null ? head[i] >= part.heads : head[i] !== part.head);
    const holds = `layer ${part.layer}${part.head === null ? "" : `, head ${part.head}`}`;
    for (let i = 0; i < rows; i++) if (other(i)) issues.error("out_of_range", `${name}: a row group whose statistics say it holds only ${holds} has other rows`, () => where(i));
  }
  if (issues.hasErrors) return null;
  // The part's first layer and head, and the sizes of the set.
  const [l0, h0] = part ? [part.layer, part.head ?? 0] : [0, 0];
  const L = part ? 1 : max(layer) + 1;
  const H = part ? (part.head === null ? part.heads : 1) : max(head) + 1;
  const positions = part ? part.n : Math.max(max(query), key ? max(key) : 0) + 1;

  // Tokens: from the tokens list when one came with the file, else numbered positions.
  const tokensOf = (sample: string | null): string[] | null => (tokens ? tokens.shared ?? (sample !== null ? tokens.bySample.get(sample) ?? null : null) : null);
  let N = positions;
  if (dense && !part) forEachList(table.getChild("pattern")!, (_row, _v, _s, length) => (N = Math.max(N, length)));
  const given = groups.list.map((g) => tokensOf(g.sample));
  if (tokens) {
    groups.list.forEach((g, i) => {
      if (!given[i]) issues.error("token_mismatch", `${name}: the tokens file has no tokens for sample ${g.sample}`);
    });
    const lengths = [...new Set(given.filter((t): t is string[] => t !== null).map((t) => t.length))];
    if (lengths.length > 1) issues.error("token_mismatch", `${name}: every sequence must have the same number of tokens; the token lists have ${lengths.join(", ")}`);
    if (issues.hasErrors) return null;
    N = lengths[0];
    if (positions < N) issues.error("token_mismatch", `${name}: the tokens list has ${N} tokens but the positions only go up to ${positions - 1} (${positions} tokens)`);
  } else {
    issues.warn("no_tokens", `${name}: no tokens list came with the file, so positions are shown as numbers (add a tokens file to see tokens)`);
  }
  for (const [column, values] of [["query_pos", query], ["key_pos", key]] as const) {
    if (!values) continue;
    for (let i = 0; i < rows; i++) {
      if (values[i] >= N) issues.error("out_of_range", `${name}: "${column}" is past the last token (the tokens list has ${N}, positions 0–${N - 1})`, () => where(i));
    }
  }
  if (issues.hasErrors) return null;

  const G = groups.list.length;
  const weights = G * L * H * N * N;
  if (weights > MAX_WEIGHTS) {
    issues.error("too_many_weights", `${name} holds ${G} sequence(s) × ${L} layers × ${H} heads × ${N}² = ${weights.toLocaleString("en-US")} weights, more than this page keeps in memory (${MAX_WEIGHTS.toLocaleString("en-US")}); split it into one file per sample or per few layers`);
    return null;
  }

  const values = Array.from({length: G}, () => new Float32Array(L * H * N * N));
  const effectiveColumn = table.getChild("effective");
  const effective = effectiveColumn ? Array.from({length: G}, () => new Float32Array(L * H * N * N)) : null;
  const seen = Array.from({length: G}, () => new Uint8Array(L * H * N * (dense ? 1 : N)));
  // The earlier row of a duplicate, found by scanning back (only for the few that are named).
  const earlier = (i: number) => {
    for (let j = 0; j < i; j++) {
      if (groups.of[j] === groups.of[i] && layer[j] === layer[i] && head[j] === head[i] && query[j] === query[i] && (!key || key[j] === key[i])) return j;
    }
    return -1;
  };
  const check = (v: number, at: () => string, column: string) => {
    if (!Number.isFinite(v)) issues.error("not_finite", `${name}: "${column}" must be a finite number`, () => `${at()} is ${v}`);
    else if (v < 0) issues.error("negative", `${name}: attention weights cannot be negative ("${column}")`, () => `${at()} is ${v}`);
  };
  const mark = (g: number, slot: number, i: number) => {
    if (seen[g][slot]) {
      const named = issues.count("duplicate") < MAX_LOCATIONS;
      issues.error("duplicate", `${name}: the same cell appears on two rows`, named ? () => `${where(i)} repeats row ${earlier(i)}` : "");
      return false;
    }
    seen[g][slot] = 1;
    return true;
  };

  if (dense) {
    forEachList(table.getChild("pattern")!, (i, list, start, length) => {
      const g = groups.of[i];
      const slot = ((layer[i] - l0) * H + head[i] - h0) * N + query[i];
      if (length !== N) {
        issues.error("shape", `${name}: every "pattern" list must hold one weight per key (${N})`, () => `${where(i)} has ${length}`);
        return;
      }
      if (!mark(g, slot, i)) return;
      const out = values[g];
      const offset = slot * N;
      for (let k = 0; k < N; k++) {
        const v = list[start + k];
        if (!(v >= 0) || v === Infinity) check(v, () => `${where(i)}, key ${k}`, "pattern");
        out[offset + k] = v;
      }
    });
  } else {
    const pattern = numbers(table.getChild("pattern")!);
    const eff = effectiveColumn ? numbers(effectiveColumn) : null;
    for (let i = 0; i < rows; i++) {
      const g = groups.of[i];
      const slot = (((layer[i] - l0) * H + head[i] - h0) * N + query[i]) * N + key![i];
      const v = pattern[i];
      if (!(v >= 0) || v === Infinity) check(v, () => where(i), "pattern");
      if (eff && (!(eff[i] >= 0) || eff[i] === Infinity)) check(eff[i], () => where(i), "effective");
      if (!mark(g, slot, i)) continue;
      values[g][slot] = v;
      if (eff) effective![g][slot] = eff[i];
    }
  }
  if (issues.hasErrors) return null;

  // Cells without a row are drawn as 0: say how many and where the first one is.
  const perRow = dense ? N : 1;
  seen.forEach((marks, g) => {
    let missing = 0;
    let first = -1;
    for (let s = 0; s < marks.length; s++) if (!marks[s]) (missing++, first < 0 && (first = s));
    if (missing === 0) return;
    const q = Math.floor(first / (dense ? 1 : N)) % N;
    const lh = Math.floor(first / (dense ? N : N * N));
    const at = `first: layer ${Math.floor(lh / H) + l0}, head ${(lh % H) + h0}, query ${q}${dense ? "" : `, key ${first % N}`}`;
    issues.warn("missing_cells", `${name}${G > 1 ? ` (${groupLabel(groups.list[g].model, groups.list[g].sample)})` : ""}: ${(missing * perRow).toLocaleString("en-US")} of ${(marks.length * perRow).toLocaleString("en-US")} weights have no row and are drawn as 0`, at);
  });

  const groupList: AttentionGroup[] = groups.list.map((g, i) => ({
    ...g,
    label: groupLabel(g.model, g.sample),
    tokens: given[i] ?? Array.from({length: N}, (_, n) => String(n)),
    numbered: !given[i]
  }));
  return {source: `${dense ? "dense" : "tidy"} ${format}`, layers: L, heads: H, n: N, groups: groupList, values, effective, mixing: null, ablation: null};
}
