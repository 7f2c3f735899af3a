// Writes attention files in every format the "Your data" page reads, from a seeded synthetic attention
// tensor: tidy Arrow (stream or file), dense Arrow, Parquet (parquet-wasm's Node build), BertViz JSON,
// token tables and mixing tables. Shared by the unit tests, the browser tests and the benchmark.
import {
  Field,
  FixedSizeList,
  Float32,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  Utf8
} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {wasmDecoder} from "../../src/upload/parquetWasm.js";

export interface Shape {
  layers: number;
  heads: number;
  tokens: number;
}

/** A small seeded generator (mulberry32), so every test file is the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHARPNESS = 4; // logits scale: rows with a few clear favourites, like a trained head

/** Row-stochastic weights, index ((l·H + h)·N + q)·N + k, each row a softmax of seeded logits. */
export function syntheticWeights({layers, heads, tokens}: Shape, seed = 1): Float32Array {
  const next = random(seed);
  const out = new Float32Array(layers * heads * tokens * tokens);
  const row = new Float64Array(tokens);
  for (let start = 0; start < out.length; start += tokens) {
    let sum = 0;
    for (let k = 0; k < tokens; k++) sum += row[k] = Math.exp(SHARPNESS * next());
    for (let k = 0; k < tokens; k++) out[start + k] = row[k] / sum;
  }
  return out;
}

export const tokenList = (n: number, word = (i: number) => `tok${i}`) => Array.from({length: n}, (_, i) => word(i));

/** The tidy columns of a weights buffer (every cell one row), as in data/attention.parquet. */
export function tidyColumns({layers, heads, tokens}: Shape, weights: Float32Array) {
  const rows = layers * heads * tokens * tokens;
  const Pos = tokens > 127 ? Int16Array : Int8Array;
  const layer = new Int8Array(rows);
  const head = new Int8Array(rows);
  const query = new Pos(rows);
  const key = new Pos(rows);
  let i = 0;
  for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) for (let q = 0; q < tokens; q++) for (let k = 0; k < tokens; k++, i++) {
    layer[i] = l;
    head[i] = h;
    query[i] = q;
    key[i] = k;
  }
  return {layer, head_index: head, query_pos: query, key_pos: key, pattern: Float32Array.from(weights)};
}

/** A column of integers as 64-bit ones, written through a 32-bit view (a BigInt per row takes minutes at 37.7 M rows). */
function int64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) (words[2 * i] = values[i]), (words[2 * i + 1] = values[i] < 0 ? -1 : 0);
  return out;
}

/** Tidy columns with 64-bit integer indices, as pandas writes a DataFrame's integer columns (to_parquet, to_feather). */
export function pandasTidyColumns(shape: Shape, weights: Float32Array) {
  const {layer, head_index, query_pos, key_pos, pattern} = tidyColumns(shape, weights);
  return {layer: int64(layer), head_index: int64(head_index), query_pos: int64(query_pos), key_pos: int64(key_pos), pattern};
}

export function tidyTable(shape: Shape, weights = syntheticWeights(shape)): Table {
  return tableFromArrays(tidyColumns(shape, weights));
}

/** Dense layout: one row per (layer, head, query) with the N key weights as a FixedSizeList<Float32>. */
export function denseTable({layers, heads, tokens}: Shape, weights = syntheticWeights({layers, heads, tokens})): Table {
  const rows = layers * heads * tokens;
  const layer = new Int8Array(rows);
  const head = new Int8Array(rows);
  const query = new Int16Array(rows);
  for (let r = 0; r < rows; r++) {
    query[r] = r % tokens;
    head[r] = Math.floor(r / tokens) % heads;
    layer[r] = Math.floor(r / (tokens * heads));
  }
  const listType = new FixedSizeList(tokens, new Field("item", new Float32(), false));
  const values = makeData({type: new Float32(), length: weights.length, data: weights});
  const pattern = makeVector(makeData({type: listType, length: rows, child: values}));
  const ints = tableFromArrays({layer, head_index: head, query_pos: query});
  const fields = [...ints.schema.fields, new Field("pattern", listType, false)];
  const children = [...ints.batches[0].data.children, pattern.data[0]];
  const batch = new RecordBatch(new Schema(fields), makeData({type: new Struct(fields), length: rows, children}));
  return new Table([batch]);
}

export function tokensTable(tokens: readonly string[]): Table {
  return new Table({position: vectorFromArray(Int32Array.from(tokens, (_, i) => i)), token: vectorFromArray([...tokens], new Utf8())});
}

export const arrowStream = (table: Table) => tableToIPC(table, "stream");
export const arrowFile = (table: Table) => tableToIPC(table, "file");

export function parquet(table: Table): Uint8Array {
  return Parquet.writeParquet(Parquet.Table.fromIPCStream(tableToIPC(table, "stream")));
}

/** Parquet → Arrow, as the page does with parquet-wasm's browser build. */
export const decodeParquet = wasmDecoder(Parquet);

/** A whole Parquet file as one Arrow table (small files). */
export const parquetTable = (bytes: Uint8Array): Table => tableFromIPC(Parquet.readParquet(bytes).intoIPCStream());

/** BertViz JSON: {tokens, attention[layer][head][query][key]}. */
export function bertviz({layers, heads, tokens}: Shape, weights: Float32Array, words: readonly string[]): string {
  const attention = Array.from({length: layers}, (_, l) =>
    Array.from({length: heads}, (_, h) =>
      Array.from({length: tokens}, (_, q) => {
        const start = ((l * heads + h) * tokens + q) * tokens;
        return Array.from(weights.subarray(start, start + tokens));
      })
    )
  );
  return JSON.stringify({tokens: words, attention});
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
