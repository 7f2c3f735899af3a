// A tidy or dense attention table → an AttentionSet, checking every row on the way.
// Tidy: one row per (layer, head_index, query_pos, key_pos) with a float `pattern` (as data/attention.parquet).
// Dense: one row per (layer, head_index, query_pos) whose `pattern` is the list of N key weights — the
// layout for large files (12 layers × 12 heads × 512 tokens is 73,728 rows instead of 37.7 M).
// Optional columns: `model` and `sample` (each distinct pair is one sequence), `effective` (tidy only).
// Rows count from 0. Pure.
//
// A tidy file of 12 × 12 × 512 is 37.7 M rows, so the table is read record batch by record batch, a window of
// rows at a time into reused buffers, never as whole columns (a Parquet file's row groups are decoded as the
// passes reach them, readers.ts): one pass over the index columns for the sizes (their smallest and largest
// values; none where the file's statistics state them, which the next pass then checks), one pass that checks and
// places every weight. The rows a message names are found again only when there is something to name.
import {DataType, Precision, type Data, type RecordBatch} from "apache-arrow";
import type {AttentionGroup, AttentionSet} from "./attentionSet.js";
import {asNumbers, checkColumns, halfTable, checkNulls, chunkFloats, chunkIntegers, chunkNumbers, isFloatList, type ColumnKind, type Rows} from "./columns.js";
import {IssueList} from "./issues.js";
import {MAX_LOCATIONS, MAX_WEIGHTS} from "./limits.js";
import {tokensFor, type TokenLists} from "./tokens.js";

/** Rows read at a time: the length of the buffers one column's numbers are read into. */
const WINDOW = 1 << 16;

/** Rows row…row+count of the table: rows from…from+count of record batch `batch`. */
interface Window {
  batch: number;
  data: RecordBatch;
  from: number;
  row: number;
  count: number;
}

function* windows(table: Rows): Generator<Window> {
  let row = 0;
  let batch = 0;
  for (const data of table.batches) {
    for (let from = 0; from < data.numRows; from += WINDOW) {
      const count = Math.min(WINDOW, data.numRows - from);
      yield {batch, data, from, row, count};
      row += count;
    }
    batch++;
  }
}

/** Reads a window of a numeric column into a buffer of its own, reused from window to window. */
function columnReader(table: Rows, column: string): (w: Window) => Float64Array {
  const index = table.schema.fields.findIndex((f) => f.name === column);
  const buffer = new Float64Array(WINDOW);
  return (w) => chunkNumbers(w.data.data.children[index], w.from, w.count, buffer);
}

/** A window of a float column: a view of the chunk's own values (a Float16 column decoded into a buffer of its own). */
function floatReader(table: Rows, column: string): (w: Window) => Float32Array | Float64Array {
  const index = table.schema.fields.findIndex((f) => f.name === column);
  const buffer = new Float64Array(WINDOW);
  return (w) => chunkFloats(w.data.data.children[index], w.from, w.count, buffer);
}

/** A window of an integer column as 32-bit integers in a buffer of its own, and whether every value fit. */
function integerReader(table: Rows, column: string): (w: Window) => {values: Int32Array; fits: boolean} {
  const index = table.schema.fields.findIndex((f) => f.name === column);
  const buffer = new Int32Array(WINDOW);
  return (w) => ({fits: chunkIntegers(w.data.data.children[index], w.from, w.count, buffer), values: buffer.subarray(0, w.count)});
}

/** One window's index columns, by name. */
type Indices = Record<string, ArrayLike<number>>;

/**
 * Whether rows a and b of one chunk hold the same value, from its raw buffers (false where it cannot tell). A
 * chunk's values and offsets start at its first row (a slice's offset counts in its validity bits only).
 */
function sameValues(data: Data): (a: number, b: number) => boolean {
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array | undefined;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    return (a, b) => words[2 * a] === words[2 * b] && words[2 * a + 1] === words[2 * b + 1];
  }
  if (data.valueOffsets && values) {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    return (a, b) => {
      const start = Number(offsets[a]);
      const other = Number(offsets[b]);
      const length = Number(offsets[a + 1]) - start;
      if (length !== Number(offsets[b + 1]) - other) return false;
      for (let i = 0; i < length; i++) if (values[start + i] !== values[other + i]) return false;
      return true;
    };
  }
  if (values && (DataType.isInt(data.type) || DataType.isDictionary(data.type))) return (a, b) => values[a] === values[b];
  return () => false;
}

/** The sequences of the table (each distinct model and sample pair), in the order their first rows come. */
class Groups {
  readonly list: {model: string | null; sample: string | null}[] = [];
  private readonly index = new Map<string, number>();
  private readonly labelled: boolean;
  private readonly out = new Int32Array(WINDOW);

  constructor(private readonly table: Rows) {
    this.labelled = table.schema.fields.some((f) => f.name === "model" || f.name === "sample");
    if (!this.labelled) this.list.push({model: null, sample: null});
  }

  /** The groups of a window's rows; a row with the same labels as the one before it is not looked up again. */
  window(w: Window, out = this.out): Int32Array {
    if (!this.labelled) return out.fill(0, 0, w.count);
    const parts = ["model", "sample"].map((column) => {
      const index = this.table.schema.fields.findIndex((f) => f.name === column);
      return index < 0 ? null : {vector: w.data.getChildAt(index)!, same: sameValues(w.data.data.children[index])};
    });
    for (let r = 0; r < w.count; r++) {
      const j = w.from + r;
      if (r > 0 && parts.every((p) => !p || p.same(j - 1, j))) out[r] = out[r - 1];
      else out[r] = this.of(...(parts.map((p) => (p ? String(p.vector.get(j)) : null)) as [string | null, string | null]));
    }
    return out.subarray(0, w.count);
  }

  private of(model: string | null, sample: string | null): number {
    const key = `${model}\u0000${sample}`;
    let g = this.index.get(key);
    if (g === undefined) {
      g = this.list.length;
      this.index.set(key, g);
      this.list.push({model, sample});
    }
    return g;
  }
}

/** How many weights row j of a dense `pattern` chunk holds. */
function listLength(data: Data): (j: number) => number {
  if (DataType.isFixedSizeList(data.type)) {
    const size = data.type.listSize;
    return () => size;
  }
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  return (j) => Number(offsets[j + 1]) - Number(offsets[j]);
}

/**
 * A dense `pattern` chunk's lists: where row j's weights start, how many there are, its weights (a fixed-size
 * list's slice slices its weights too; a list's offsets point into all of them). Float16 weights stay their 16
 * bits, decoded through `half` as they are placed (no decoded copy of the chunk).
 */
function listsOf(data: Data): {values: ArrayLike<number>; half: Float32Array | null; start: (j: number) => number; length: (j: number) => number} {
  const child = data.children[0];
  const fixed = DataType.isFixedSizeList(data.type) ? data.type.listSize : 0;
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const isHalf = DataType.isFloat(child.type) && child.type.precision === Precision.HALF && child.values instanceof Uint16Array;
  return {
    values: isHalf ? (child.values as Uint16Array) : asNumbers(child.values as ArrayLike<number>, child.type),
    half: isHalf ? halfTable() : null,
    start: (j) => (fixed ? j * fixed : Number(offsets[j])),
    length: listLength(data)
  };
}

/** Puts one dense row's N weights at `offset` of `out` (bits decoded through `half` for Float16); `bad` hears of a weight that is not a finite number ≥ 0. */
function placeList(out: Float32Array, offset: number, list: ArrayLike<number>, half: Float32Array | null, first: number, N: number, bad: (k: number, v: number) => void): void {
  if (half) {
    for (let k = 0; k < N; k++) {
      const v = half[list[first + k]];
      if (!(v >= 0) || v === Infinity) bad(k, v);
      out[offset + k] = v;
    }
  } else {
    for (let k = 0; k < N; k++) {
      const v = list[first + k];
      if (!(v >= 0) || v === Infinity) bad(k, v);
      out[offset + k] = v;
    }
  }
}

/**
 * Puts one window of tidy rows in their cells (of a set starting at layer l0 and head h0), each weight checked on the way: `bad` hears of a weight that is
 * not a finite number ≥ 0, `twice` of a row whose cell an earlier row filled (the cell keeps the first).
 */
function placeTidy(
  rows: {layer: Int32Array; head: Int32Array; query: Int32Array; key: Int32Array; pattern: Float32Array | Float64Array; effective: Float32Array | Float64Array | null; groups: Int32Array},
  into: {l0: number; h0: number; H: number; N: number; values: Float32Array[]; effective: Float32Array[] | null; seen: Uint8Array[]},
  bad: (r: number, v: number, column: string) => void,
  twice: (r: number, g: number) => void
): void {
  const {layer, head, query, key, pattern, effective: eff, groups} = rows;
  const {l0, h0, H, N, values, effective, seen} = into;
  for (let r = 0; r < pattern.length; r++) {
    const g = groups[r];
    const slot = (((layer[r] - l0) * H + head[r] - h0) * N + query[r]) * N + key[r];
    const v = pattern[r];
    if (!(v >= 0) || v === Infinity) bad(r, v, "pattern");
    if (eff && (!(eff[r] >= 0) || eff[r] === Infinity)) bad(r, eff[r], "effective");
    const marks = seen[g];
    if (marks[slot]) {
      twice(r, g);
      continue;
    }
    marks[slot] = 1;
    values[g][slot] = v;
    if (eff) effective![g][slot] = eff[r];
  }
}

/** Whether the rows read have the sizes the file stated (a dense file's lists are never longer than it said). */
function agrees(stated: Summary, rows: Summary, positions: number, indexColumns: readonly string[]): boolean {
  return rows.nulls === 0 && indexColumns.every((c) => rows.least[c] === stated.least[c] && rows.most[c] === stated.most[c]) && Math.max(positions, rows.longest) === Math.max(positions, stated.longest);
}

/** A sequence's name in the page's menu: "gpt2 · sample 3", "sample 0", or "sequence". */
export function groupLabel(model: string | null, sample: string | null): string {
  return [model, sample === null ? null : `sample ${sample}`].filter((p) => p !== null).join(" · ") || "sequence";
}

/**
 * One part of a file read in parts (src/sources/readerParquet.ts): the rows of one layer and of `headCount` heads
 * from `firstHead` on, of sequences of `n` tokens. The set made of it holds that layer and those heads only, and
 * a row outside the part is an error.
 */
export interface TablePart {
  layer: number;
  firstHead: number;
  headCount: number;
  n: number;
}

/** The heads a part holds, in words: "head 3" or "heads 0–3". */
export const partHeads = ({firstHead, headCount}: Pick<TablePart, "firstHead" | "headCount">): string =>
  headCount === 1 ? `head ${firstHead}` : `heads ${firstHead}–${firstHead + headCount - 1}`;

export function attentionFromTable(table: Rows, name: string, format: string, tokens: TokenLists | null, issues: IssueList, part: TablePart | null = null): AttentionSet | null {
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
  const present = [...Object.keys(required), ...Object.keys(optional)].filter((c) => table.schema.fields.some((f) => f.name === c));
  const stated = statedSummary(table, present, dense);
  if (stated) {
    const staged = new IssueList();
    const set = readAttention(table, name, format, tokens, staged, dense, present, stated, part);
    if (set !== MISSTATED) {
      issues.absorb(staged);
      return set;
    }
  }
  return readAttention(table, name, format, tokens, issues, dense, present, null, part) as AttentionSet | null;
}

/** What a file's own statistics say of it (Parquet's footer) turned out not to match its rows. */
const MISSTATED = Symbol("misstated");

/** Each index column's smallest and largest value, the longest list (dense) and how many nulls the columns hold. */
interface Summary {
  least: Record<string, number>;
  most: Record<string, number>;
  longest: number;
  nulls: number;
}

const indexColumnsOf = (dense: boolean) => (dense ? ["layer", "head_index", "query_pos"] : ["layer", "head_index", "query_pos", "key_pos"]);

/**
 * The summary a file states in its statistics, when they say all of it: nulls of every column, smallest and
 * largest of every index column, and no sequence labels (finding those needs their rows). A dense file's lists are
 * taken to be no longer than the positions (its fixed size, if any); the pass that fills checks all of it.
 */
function statedSummary(table: Rows, present: readonly string[], dense: boolean): Summary | null {
  const stated = table.stated;
  if (!stated || present.some((c) => c === "model" || c === "sample" || !stated.has(c))) return null;
  const least: Record<string, number> = {};
  const most: Record<string, number> = {};
  for (const c of indexColumnsOf(dense)) {
    const {least: lo, most: hi} = stated.get(c)!;
    if (lo === undefined || hi === undefined) return null;
    (least[c] = lo), (most[c] = hi);
  }
  const pattern = table.schema.fields.find((f) => f.name === "pattern")!.type;
  return {least, most, longest: DataType.isFixedSizeList(pattern) ? pattern.listSize : 0, nulls: present.reduce((sum, c) => sum + stated.get(c)!.nulls, 0)};
}

/**
 * Reads the table with the sizes from `stated` (then the rows must agree with it, or the result is MISSTATED and
 * nothing of it counts), or from a pass of its own over the index columns.
 */
function readAttention(table: Rows, name: string, format: string, tokens: TokenLists | null, issues: IssueList, dense: boolean, present: readonly string[], stated: Summary | null, part: TablePart | null): AttentionSet | null | typeof MISSTATED {
  const failed = stated ? MISSTATED : null;
  const indexColumns = indexColumnsOf(dense);
  const indexReaders = () => Object.fromEntries(indexColumns.map((c) => [c, columnReader(table, c)])) as Record<string, (w: Window) => Float64Array>;
  const read = indexReaders();
  const columnIndex = (column: string) => table.schema.fields.findIndex((f) => f.name === column);
  const patternIndex = columnIndex("pattern");
  const presentIndex = present.map(columnIndex);
  const groups = new Groups(table);

  /** Adds a window's rows to a summary: the index columns' values, the nulls of the columns read, the lists' lengths. */
  const observe = (summary: Summary, w: Window, indices: Indices) => {
    if (w.from === 0) for (const i of presentIndex) summary.nulls += w.data.data.children[i].nullCount;
    for (const c of indexColumns) {
      const values = indices[c];
      let lo = summary.least[c];
      let hi = summary.most[c];
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      summary.least[c] = lo;
      summary.most[c] = hi;
    }
    if (dense) {
      const length = listLength(w.data.data.children[patternIndex]);
      for (let r = 0; r < w.count; r++) summary.longest = Math.max(summary.longest, length(w.from + r));
    }
  };
  const empty = (): Summary => ({least: Object.fromEntries(indexColumns.map((c) => [c, Infinity])), most: Object.fromEntries(indexColumns.map((c) => [c, -Infinity])), longest: 0, nulls: 0});

  // Without stated sizes, one pass over the index columns for them, and for the sequences.
  let summary = stated;
  if (!summary) {
    summary = empty();
    for (const w of windows(table)) {
      observe(summary, w, Object.fromEntries(indexColumns.map((c) => [c, read[c](w)])));
      groups.window(w);
    }
  }
  const {least, most, longest, nulls} = summary;
  if (nulls > 0 && !checkNulls(table, name, present, issues)) return failed;

  // A row named in a message, by its indices as the window holding it has read them.
  const where = (indices: Indices, w: Window, r: number) =>
    `row ${w.row + r} (layer ${indices.layer[r]}, head ${indices.head_index[r]}, query ${indices.query_pos[r]}${dense ? "" : `, key ${indices.key_pos[r]}`})`;
  /** Reports every row whose value in `column` fails `ok`, in row order. */
  const reportRows = (column: string, ok: (v: number) => boolean, report: (at: () => string) => void) => {
    const scan = indexReaders();
    for (const w of windows(table)) {
      const indices = Object.fromEntries(indexColumns.map((c) => [c, scan[c](w)]));
      const values = indices[column];
      for (let r = 0; r < w.count; r++) if (!ok(values[r])) report(() => where(indices, w, r));
    }
  };

  // Ranges: indices start at 0; the sizes are read from the largest index.
  for (const c of indexColumns) {
    if (least[c] < 0) reportRows(c, (v) => v >= 0, (at) => issues.error("out_of_range", `${name}: "${c}" is negative`, at));
  }
  if (part) {
    const holds = `layer ${part.layer}, ${partHeads(part)}`;
    const other = (c: string, ok: (v: number) => boolean) => reportRows(c, ok, (at) => issues.error("out_of_range", `${name}: a row group whose statistics say it holds only ${holds} has other rows`, at));
    const inPart = (v: number) => v >= part.firstHead && v < part.firstHead + part.headCount;
    if (least.layer !== part.layer || most.layer !== part.layer) other("layer", (v) => v === part.layer);
    if (!inPart(least.head_index) || !inPart(most.head_index)) other("head_index", inPart);
  }
  if (issues.hasErrors) return failed;
  // The first layer and head the set holds (those of a part), and its sizes.
  const [l0, h0] = part ? [part.layer, part.firstHead] : [0, 0];
  const L = part ? 1 : most.layer + 1;
  const H = part ? part.headCount : most.head_index + 1;
  const positions = part ? part.n : Math.max(most.query_pos, dense ? 0 : most.key_pos) + 1;

  // Tokens: from the tokens list when one came with the file, else numbered positions.
  let N = dense ? Math.max(positions, longest) : positions;
  const given = groups.list.map((g) => tokensFor(tokens, g.sample));
  if (tokens) {
    groups.list.forEach((g, i) => {
      if (!given[i]) issues.error("token_mismatch", `${name}: the tokens file has no tokens for sample ${g.sample}`);
    });
    const lengths = [...new Set(given.filter((t): t is string[] => t !== null).map((t) => t.length))];
    if (lengths.length > 1) issues.error("token_mismatch", `${name}: every sequence must have the same number of tokens; the token lists have ${lengths.join(", ")}`);
    if (issues.hasErrors) return failed;
    N = lengths[0];
    if (positions < N) issues.error("token_mismatch", `${name}: the tokens list has ${N} tokens but the positions only go up to ${positions - 1} (${positions} tokens)`);
  } else {
    issues.warn("no_tokens", `${name}: no tokens list came with the file, so positions are shown as numbers (add a tokens file to see tokens)`);
  }
  for (const c of dense ? ["query_pos"] : ["query_pos", "key_pos"]) {
    if (most[c] >= N) reportRows(c, (v) => v < N, (at) => issues.error("out_of_range", `${name}: "${c}" is past the last token (the tokens list has ${N}, positions 0–${N - 1})`, at));
  }
  if (issues.hasErrors) return failed;

  const G = groups.list.length;
  const weights = G * L * H * N * N;
  if (weights > MAX_WEIGHTS) {
    issues.error("too_many_weights", `${name} holds ${G} sequence(s) × ${L} layers × ${H} heads × ${N}² = ${weights.toLocaleString("en-US")} weights, more than this page keeps in memory (${MAX_WEIGHTS.toLocaleString("en-US")}); split it into one file per sample or per few layers`);
    return failed;
  }

  const values = Array.from({length: G}, () => new Float32Array(L * H * N * N));
  const effectiveIndex = columnIndex("effective");
  const effective = effectiveIndex >= 0 ? Array.from({length: G}, () => new Float32Array(L * H * N * N)) : null;
  const seen = Array.from({length: G}, () => new Uint8Array(L * H * N * (dense ? 1 : N)));
  // The earlier row of a duplicate (row r of window w, group g), found by scanning back (only for the few that are
  // named), with buffers of its own: it runs while the pass below holds its window.
  const earlier = (indices: Indices, w: Window, r: number, g: number) => {
    const i = w.row + r;
    const cell = indexColumns.map((c) => indices[c][r]);
    const scan = indexReaders();
    const scanGroups = new Int32Array(WINDOW);
    for (const v of windows(table)) {
      if (v.row >= i) break;
      const columns = indexColumns.map((c) => scan[c](v));
      const of = groups.window(v, scanGroups);
      for (let s = 0; s < v.count && v.row + s < i; s++) if (of[s] === g && columns.every((column, c) => column[s] === cell[c])) return v.row + s;
    }
    return -1;
  };
  const check = (v: number, at: () => string, column: string) => {
    if (!Number.isFinite(v)) issues.error("not_finite", `${name}: "${column}" must be a finite number`, () => `${at()} is ${v}`);
    else if (v < 0) issues.error("negative", `${name}: attention weights cannot be negative ("${column}")`, () => `${at()} is ${v}`);
  };
  const duplicate = (indices: Indices, w: Window, r: number, g: number) => {
    const named = issues.count("duplicate") < MAX_LOCATIONS;
    issues.error("duplicate", `${name}: the same cell appears on two rows`, named ? () => `${where(indices, w, r)} repeats row ${earlier(indices, w, r, g)}` : "");
  };
  const mark = (g: number, slot: number, indices: Indices, w: Window, r: number) => {
    if (seen[g][slot]) return duplicate(indices, w, r, g), false;
    seen[g][slot] = 1;
    return true;
  };

  // One pass that checks every weight and puts it in its place. Its indices are read as 32-bit integers: the pass
  // above found them in range, or, with stated sizes, one that does not fit makes the statement wrong.
  const readPattern = dense ? null : floatReader(table, "pattern");
  const readEffective = effective ? floatReader(table, "effective") : null;
  const readIndex = Object.fromEntries(indexColumns.map((c) => [c, integerReader(table, c)]));
  let lists: ReturnType<typeof listsOf> | null = null;
  let listsBatch = -1;
  const seenRows = stated ? empty() : null;
  let fits = true;
  for (const w of windows(table)) {
    const indices: Record<string, Int32Array> = {};
    for (const c of indexColumns) {
      const read = readIndex[c](w);
      indices[c] = read.values;
      fits &&= read.fits;
    }
    if (seenRows) observe(seenRows, w, indices);
    const {layer, head_index: head, query_pos: query} = indices;
    const of = groups.window(w);
    if (dense) {
      if (listsBatch !== w.batch) (lists = listsOf(w.data.data.children[patternIndex])), (listsBatch = w.batch);
      const {values: list, half, start, length} = lists!;
      for (let r = 0; r < w.count; r++) {
        const g = of[r];
        const slot = ((layer[r] - l0) * H + head[r] - h0) * N + query[r];
        const n = length(w.from + r);
        if (n !== N) {
          issues.error("shape", `${name}: every "pattern" list must hold one weight per key (${N})`, () => `${where(indices, w, r)} has ${n}`);
          continue;
        }
        if (!mark(g, slot, indices, w, r)) continue;
        placeList(values[g], slot * N, list, half, start(w.from + r), N, (k, v) => check(v, () => `${where(indices, w, r)}, key ${k}`, "pattern"));
      }
    } else {
      placeTidy(
        {layer, head, query, key: indices.key_pos, pattern: readPattern!(w), effective: readEffective ? readEffective(w) : null, groups: of},
        {l0, h0, H, N, values, effective, seen},
        (r, v, column) => check(v, () => where(indices, w, r), column),
        (r, g) => duplicate(indices, w, r, g)
      );
    }
  }
  if (stated && !(fits && agrees(stated, seenRows!, positions, indexColumns))) return MISSTATED;
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
