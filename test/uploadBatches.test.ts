// A tidy table read record batch by record batch (fromTable.ts) and a Parquet file a row group at a time
// (readers.ts): batches of odd sizes, boundaries in the middle of a query's row and of a head, sequences whose
// rows alternate across them, a duplicate whose two rows lie in different batches, a bad index in the last
// batch, pandas' 64-bit indices (one past 2³²), and statistics that do not match the rows. Every weight is
// checked against the known tensor.
import {Table, tableFromArrays} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {describe, expect, test} from "vitest";
import type {Rows} from "../src/upload/columns.js";
import {attentionFromTable} from "../src/upload/fromTable.js";
import {IssueList} from "../src/upload/issues.js";
import {loadUpload, progressStage} from "../src/upload/load.js";
import {arrowStream, decodeParquet, denseTable, pandasTidyColumns, syntheticWeights, tidyColumns, tokenList, utf8, type Shape} from "./helpers/attentionFiles.js";

const SHAPE: Shape = {layers: 2, heads: 3, tokens: 5};
const ROWS = SHAPE.layers * SHAPE.heads * SHAPE.tokens ** 2; // 150: a head is 25 rows, a query 5
const WEIGHTS = syntheticWeights(SHAPE, 11);
const OTHER = syntheticWeights(SHAPE, 12);
const SIZES = [7, 13, 1, 64]; // then the rest (65): boundaries inside queries and heads
const TOKENS = utf8(JSON.stringify(tokenList(SHAPE.tokens)));

type Index = Int8Array | Int16Array | BigInt64Array;
type Columns = Record<string, Index | Float32Array | string[]>;

/** The rows of `columns` as record batches of the given sizes (the last one takes the rest), each a slice of one batch. */
function batched(columns: Columns, sizes: readonly number[]): Table {
  const whole = tableFromArrays(columns as never) as unknown as Table;
  const batches = [];
  for (let start = 0, b = 0; start < whole.numRows; b++) {
    const end = b < sizes.length ? Math.min(whole.numRows, start + sizes[b]) : whole.numRows;
    batches.push(whole.slice(start, end).batches[0]);
    start = end;
  }
  return new Table(batches);
}

/** Parquet with row groups of `rows` rows (written by parquet-wasm, statistics on). */
function parquetGroups(table: Table, rows: number): Uint8Array {
  const properties = new Parquet.WriterPropertiesBuilder().setMaxRowGroupSize(rows).build();
  return Parquet.writeParquet(Parquet.Table.fromIPCStream(arrowStream(table)), properties);
}

/** The weights that differ from the expected ones, as [index, got, expected] (none when every one is equal). */
function differences(got: Float32Array, expected: Float32Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  if (got.length !== expected.length) return [[-1, got.length, expected.length]];
  for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) out.push([i, got[i], expected[i]]);
  return out;
}

const errors = (result: ReturnType<typeof loadUpload>) => result.issues.filter((i) => i.level === "error").map((i) => i.message);

describe("a table in record batches of odd sizes", () => {
  const table = batched(tidyColumns(SHAPE, WEIGHTS), SIZES);

  test("the test table has the batches it says", () => {
    expect(table.batches.map((b) => b.numRows)).toEqual([7, 13, 1, 64, 65]);
  });

  test.each([
    ["Arrow IPC stream", () => ({name: "a.arrow", bytes: arrowStream(table)})],
    ["Parquet, row groups of 7 rows", () => ({name: "a.parquet", bytes: parquetGroups(table, 7)})],
    ["Parquet, row groups of 40 rows", () => ({name: "a.parquet", bytes: parquetGroups(table, 40)})]
  ])("%s: every weight in its place", (_name, file) => {
    const result = loadUpload([file(), {name: "t.json", bytes: TOKENS}], decodeParquet);
    expect(errors(result)).toEqual([]);
    expect([result.data!.layers, result.data!.heads, result.data!.n]).toEqual([SHAPE.layers, SHAPE.heads, SHAPE.tokens]);
    expect(differences(result.data!.values[0], WEIGHTS)).toEqual([]);
  });

  test("pandas' 64-bit indices, in Arrow and in Parquet row groups of 11 rows: every weight in its place", () => {
    const wide = batched(pandasTidyColumns(SHAPE, WEIGHTS), SIZES);
    for (const file of [{name: "a.arrow", bytes: arrowStream(wide)}, {name: "a.parquet", bytes: parquetGroups(wide, 11)}]) {
      const result = loadUpload([file, {name: "t.json", bytes: TOKENS}], decodeParquet);
      expect(errors(result)).toEqual([]);
      expect(differences(result.data!.values[0], WEIGHTS)).toEqual([]);
    }
  });

  test("two samples whose rows alternate every 3 rows across the batches: each its own tensor", () => {
    const a = tidyColumns(SHAPE, WEIGHTS);
    const b = tidyColumns(SHAPE, OTHER);
    const interleaved: Columns = {sample: [], layer: new Int8Array(2 * ROWS), head_index: new Int8Array(2 * ROWS), query_pos: new Int8Array(2 * ROWS), key_pos: new Int8Array(2 * ROWS), pattern: new Float32Array(2 * ROWS)};
    let out = 0;
    for (let start = 0; start < ROWS; start += 3) {
      for (const [label, columns] of [["a", a], ["b", b]] as const) {
        for (let i = start; i < Math.min(ROWS, start + 3); i++, out++) {
          (interleaved.sample as string[]).push(label);
          for (const c of ["layer", "head_index", "query_pos", "key_pos", "pattern"] as const) (interleaved[c] as Float32Array)[out] = columns[c][i];
        }
      }
    }
    const table = batched(interleaved, [5, 17, 2]);
    for (const file of [{name: "a.arrow", bytes: arrowStream(table)}, {name: "a.parquet", bytes: parquetGroups(table, 13)}]) {
      const result = loadUpload([file], decodeParquet);
      expect(errors(result)).toEqual([]);
      expect(result.data!.groups.map((g) => g.sample)).toEqual(["a", "b"]);
      expect(differences(result.data!.values[0], WEIGHTS)).toEqual([]);
      expect(differences(result.data!.values[1], OTHER)).toEqual([]);
    }
  });
});

describe("problems at batch boundaries", () => {
  test("a duplicate whose rows lie in two batches (and two row groups) names both rows", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    // row 19 is (layer 0, head 0, query 3, key 4); row 20, the first of the next batch, becomes the same cell
    columns.query_pos[20] = 3;
    columns.key_pos[20] = 4;
    const table = batched(columns, [20]);
    for (const file of [{name: "a.arrow", bytes: arrowStream(table)}, {name: "a.parquet", bytes: parquetGroups(table, 20)}]) {
      const result = loadUpload([file, {name: "t.json", bytes: TOKENS}], decodeParquet);
      expect(result.data).toBeNull();
      expect(errors(result)).toEqual([`${file.name}: the same cell appears on two rows: row 20 (layer 0, head 0, query 3, key 4) repeats row 19.`]);
    }
  });

  test("an index past the last token in the last batch, and one past 2³² in a 64-bit column, are named with their rows", () => {
    const columns = pandasTidyColumns(SHAPE, WEIGHTS);
    columns.key_pos[ROWS - 1] = 9n;
    columns.key_pos[ROWS - 2] = 2n ** 32n + 1n;
    const table = batched(columns, SIZES);
    for (const file of [{name: "a.arrow", bytes: arrowStream(table)}, {name: "a.parquet", bytes: parquetGroups(table, 7)}]) {
      const result = loadUpload([file, {name: "t.json", bytes: TOKENS}], decodeParquet);
      expect(result.data).toBeNull();
      expect(errors(result)).toEqual([
        `${file.name}: "key_pos" is past the last token (the tokens list has 5, positions 0–4): row 148 (layer 1, head 2, query 4, key 4294967297); row 149 (layer 1, head 2, query 4, key 9).`
      ]);
    }
  });

  test("a negative layer in the last row and a NaN weight in the first", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    columns.layer[ROWS - 1] = -1;
    const negative = loadUpload([{name: "a.arrow", bytes: arrowStream(batched(columns, SIZES))}], decodeParquet);
    expect(errors(negative)).toEqual([`a.arrow: "layer" is negative: row 149 (layer -1, head 2, query 4, key 4).`]);
    const nan = tidyColumns(SHAPE, WEIGHTS);
    nan.pattern[0] = NaN;
    const result = loadUpload([{name: "a.parquet", bytes: parquetGroups(batched(nan, SIZES), 7)}], decodeParquet);
    expect(errors(result)).toEqual([`a.parquet: "pattern" must be a finite number: row 0 (layer 0, head 0, query 0, key 0) is NaN.`]);
  });
});

describe("statistics a file states", () => {
  const table = batched(tidyColumns(SHAPE, WEIGHTS), SIZES);
  const read = (rows: Rows) => {
    const issues = new IssueList();
    const data = attentionFromTable(rows, "a.parquet", "Parquet", null, issues);
    return {data, issues: issues.list()};
  };
  const stating = (stated: Rows["stated"]): Rows => ({schema: table.schema, numRows: table.numRows, batches: table.batches, stated});
  const truth = read(table);
  const right = () =>
    new Map([
      ["layer", {nulls: 0, least: 0, most: 1}],
      ["head_index", {nulls: 0, least: 0, most: 2}],
      ["query_pos", {nulls: 0, least: 0, most: 4}],
      ["key_pos", {nulls: 0, least: 0, most: 4}],
      ["pattern", {nulls: 0}]
    ]);

  test("statistics that match give what reading the rows gives", () => {
    expect(truth.data).not.toBeNull();
    const stated = read(stating(right()));
    expect(stated.issues).toEqual(truth.issues);
    expect(differences(stated.data!.values[0], WEIGHTS)).toEqual([]);
  });

  test.each([
    ["a larger layer than any row has", (s: Map<string, {nulls: number; least?: number; most?: number}>) => s.set("layer", {nulls: 0, least: 0, most: 5})],
    ["a smaller key than the rows have", (s: Map<string, {nulls: number; least?: number; most?: number}>) => s.set("key_pos", {nulls: 0, least: 0, most: 2})],
    ["a negative head", (s: Map<string, {nulls: number; least?: number; most?: number}>) => s.set("head_index", {nulls: 0, least: -3, most: 2})],
    ["nulls where there are none", (s: Map<string, {nulls: number; least?: number; most?: number}>) => s.set("pattern", {nulls: 4})]
  ])("statistics stating %s are not believed: the result is the rows' own", (_what, lie) => {
    const stated = read(stating(lie(right())));
    expect(stated.issues).toEqual(truth.issues);
    expect(differences(stated.data!.values[0], WEIGHTS)).toEqual([]);
  });

  test("with statistics that match, the errors found in the rows are the same as without them", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    columns.pattern[30] = -0.5;
    columns.key_pos[31] = 0; // a duplicate of row 30's cell, and a cell without a row
    const bad = batched(columns, SIZES);
    const plain = attentionFromTable(bad, "a.parquet", "Parquet", null, new IssueList());
    const issues = new IssueList();
    const without = new IssueList();
    attentionFromTable({schema: bad.schema, numRows: bad.numRows, batches: bad.batches, stated: right()}, "a.parquet", "Parquet", null, issues);
    attentionFromTable(bad, "a.parquet", "Parquet", null, without);
    expect(plain).toBeNull();
    expect(issues.list()).toEqual(without.list());
    expect(issues.list().map((i) => i.code)).toEqual(["no_tokens", "negative", "duplicate"]);
  });
});

describe("progress", () => {
  const table = batched(tidyColumns(SHAPE, WEIGHTS), SIZES);

  test("a Parquet file's reader hears after each row group how many rows it has read, and which read it is", () => {
    const heard: number[][] = [];
    loadUpload([{name: "a.parquet", bytes: parquetGroups(table, 40)}], decodeParquet, (...p) => heard.push(p));
    expect(heard).toEqual([[40, 150, 1], [80, 150, 1], [120, 150, 1], [150, 150, 1]]);
    expect(heard.map((p) => progressStage(p[0], p[1], p[2]))).toEqual([26, 53, 80, 100].map((n) => `reading and checking: ${n}% of 150 rows`));
    const plain = new Parquet.WriterPropertiesBuilder().setMaxRowGroupSize(100).setStatisticsEnabled(Parquet.EnabledStatistics.None).build();
    const twice: number[][] = [];
    loadUpload([{name: "a.parquet", bytes: Parquet.writeParquet(Parquet.Table.fromIPCStream(arrowStream(table)), plain)}], decodeParquet, (...p) => twice.push(p));
    expect(twice).toEqual([[100, 150, 1], [150, 150, 1], [100, 150, 2], [150, 150, 2]]);
    expect(progressStage(100, 150, 2)).toBe("reading and checking: 66% of 150 rows (read 2)");
  });
});

describe("reads of a Parquet file", () => {
  test("tidy and dense files that state their sizes are read once, row group by row group, to every weight", () => {
    for (const table of [batched(tidyColumns(SHAPE, WEIGHTS), SIZES), denseTable(SHAPE, WEIGHTS)]) {
      const asked: number[] = [];
      const counting = {schema: decodeParquet.schema, rowGroup: (bytes: Uint8Array, index: number) => (asked.push(index), decodeParquet.rowGroup(bytes, index))};
      const result = loadUpload([{name: "a.parquet", bytes: parquetGroups(table, 12)}, {name: "t.json", bytes: TOKENS}], counting);
      expect(errors(result)).toEqual([]);
      expect(asked).toEqual(Array.from({length: Math.ceil(table.numRows / 12)}, (_, i) => i));
      expect(differences(result.data!.values[0], WEIGHTS)).toEqual([]);
    }
  });
});

describe("dense float16 lists", () => {
  test("are decoded as they are placed, each weight checked: a negative or NaN weight is named with its value", async () => {
    const {Field, FixedSizeList, Float16, Int8, makeData, Schema, RecordBatch, Struct} = await import("apache-arrow");
    const N = 3;
    const weights = [0.5, 0.25, 0.25, 1, 0, 0, -0.25, 0.75, 0.5, NaN, 0.5, 0.5];
    const bits = Uint16Array.from(weights, (w) => {
      const f = new Float32Array([w]);
      const u = new Uint32Array(f.buffer)[0];
      if (Number.isNaN(w)) return 0x7e00;
      const sign = (u >>> 16) & 0x8000;
      const exp = ((u >>> 23) & 0xff) - 127 + 15;
      return w === 0 ? sign : sign | (exp << 10) | ((u >>> 13) & 0x3ff);
    });
    const rows = weights.length / N;
    const list = new FixedSizeList(N, new Field("item", new Float16()));
    const pattern = makeData({type: list, length: rows, nullCount: 0, child: makeData({type: new Float16(), length: weights.length, data: bits})});
    const int8 = (values: number[]) => makeData({type: new Int8(), length: rows, data: Int8Array.from(values)});
    const fields = [new Field("layer", new Int8()), new Field("head_index", new Int8()), new Field("query_pos", new Int8()), new Field("pattern", list)];
    const batch = new RecordBatch(new Schema(fields), makeData({type: new Struct(fields), length: rows, nullCount: 0, children: [int8([0, 0, 0, 0]), int8([0, 0, 1, 1]), int8([0, 1, 0, 1]), pattern]}));
    const issues = new IssueList();
    expect(attentionFromTable(new Table([batch]), "f16", "test", null, issues)).toBeNull();
    expect(issues.list().filter((i) => i.level === "error").map((i) => i.message)).toEqual([
      'f16: attention weights cannot be negative ("pattern"): row 2 (layer 0, head 1, query 0), key 0 is -0.25.',
      'f16: "pattern" must be a finite number: row 3 (layer 0, head 1, query 1), key 0 is NaN.'
    ]);
    const good = new IssueList();
    const fine = attentionFromTable(new Table([batch.slice(0, 2)]), "f16", "test", null, good);
    expect(Array.from(fine!.values[0].subarray(0, 6))).toEqual([0.5, 0.25, 0.25, 1, 0, 0]);
  });
});
