// Column checks shared by the attention, tokens and mixing tables: presence (with a hint when a column
// looks misnamed), type, nulls, and reading numeric columns as plain numbers (64-bit integers converted,
// Float16 decoded from its bits). Pure.
import {DataType, Precision, util, type Data, type Field, type RecordBatch, type Schema, type Vector} from "apache-arrow";
import type {IssueList} from "./issues.js";

/**
 * A table read record batch by record batch: an apache-arrow Table is one; a Parquet file is one that decodes
 * its row groups again each time `batches` is read (readers.ts), so that its rows are never all in memory.
 */
export interface Rows {
  readonly schema: Schema;
  readonly numRows: number;
  readonly batches: Iterable<RecordBatch>;
  /** what the file states of its columns without their rows being read (a Parquet file's statistics), if anything */
  readonly stated?: ReadonlyMap<string, Stated>;
}

/** What a file states of one column over all its rows: its nulls, and its smallest and largest value where it says. */
export interface Stated {
  nulls: number;
  least?: number;
  most?: number;
}

export type ColumnKind = "integer" | "float" | "string" | "label" | "float-list";

/** Names people use for our columns, to suggest the right one. */
const ALIASES: Record<string, readonly string[]> = {
  layer: ["layers", "layer_idx", "layer_index", "l"],
  head_index: ["head", "heads", "head_idx", "h"],
  query_pos: ["query", "query_idx", "query_index", "q", "src", "source", "from", "row"],
  key_pos: ["key", "key_idx", "key_index", "k", "dst", "target", "to", "col", "column"],
  pattern: ["attention", "attn", "weight", "weights", "value", "score", "prob", "attention_weight"],
  token: ["tokens", "text", "word", "str_token", "string"],
  position: ["pos", "index", "token_pos", "idx"]
};

const KIND_WORDS: Record<ColumnKind, string> = {
  integer: "an integer type (Int8 … Int64, UInt8 … UInt64)",
  float: "a floating-point type (Float16, Float32 or Float64)",
  string: "a string type (Utf8 or a dictionary of strings)",
  label: "a string or integer type",
  "float-list": "a list of floats (List, LargeList or FixedSizeList of Float16, Float32 or Float64)"
};

function isString(type: DataType): boolean {
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary)));
}

export function isFloatList(type: DataType): boolean {
  return (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) && DataType.isFloat(type.children[0].type);
}

export function hasKind(type: DataType, kind: ColumnKind): boolean {
  switch (kind) {
    case "integer":
      return DataType.isInt(type);
    case "float":
      return DataType.isFloat(type);
    case "string":
      return isString(type);
    case "label":
      return isString(type) || DataType.isInt(type);
    case "float-list":
      return isFloatList(type);
  }
}

function field(table: Pick<Rows, "schema">, name: string): Field | undefined {
  return table.schema.fields.find((f) => f.name === name);
}

/** A hint for a missing column: a column with the same name in other case, or a known alias. */
function suggestion(table: Pick<Rows, "schema">, name: string): string {
  const names = table.schema.fields.map((f) => f.name);
  const near = names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? names.find((n) => (ALIASES[name] ?? []).includes(n.toLowerCase()));
  return near ? ` (there is a column "${near}": rename it to "${name}")` : "";
}

/** Checks that every required column exists with the right type; optional ones only if present. */
export function checkColumns(table: Pick<Rows, "schema">, name: string, required: Record<string, ColumnKind>, optional: Record<string, ColumnKind>, issues: IssueList): boolean {
  const found = table.schema.fields.map((f) => `${f.name}: ${f.type}`).join(", ");
  let ok = true;
  for (const [column, kind] of Object.entries(required)) {
    if (!field(table, column)) {
      issues.error("missing_column", `${name} has no column "${column}"${suggestion(table, column)}; its columns are ${found || "none"}`);
      ok = false;
    }
  }
  for (const [column, kind] of [...Object.entries(required), ...Object.entries(optional)]) {
    const f = field(table, column);
    if (f && !hasKind(f.type, kind)) {
      issues.error("wrong_type", `${name}: column "${column}" has type ${f.type}, expected ${KIND_WORDS[kind]}`);
      ok = false;
    }
  }
  return ok;
}

/** Reports the first rows where a column is null (a column at a time, record batch by record batch). */
export function checkNulls(table: Rows, name: string, columns: readonly string[], issues: IssueList): boolean {
  let ok = true;
  for (const column of columns) {
    const index = table.schema.fields.findIndex((f) => f.name === column);
    if (index < 0) continue;
    let row = 0;
    for (const batch of table.batches) {
      const data = batch.data.children[index];
      if (data.nullCount > 0) {
        ok = false;
        for (let j = 0, seen = 0; j < data.length && seen < data.nullCount; j++) {
          if (!data.getValid(j)) {
            seen++;
            issues.error("null_value", `${name}: column "${column}" is empty (null)`, `row ${row + j}`);
          }
        }
      }
      row += batch.numRows;
    }
  }
  return ok;
}

/**
 * The values of a numeric buffer as numbers: 64-bit integers converted, and Float16 decoded (Arrow keeps
 * a half float as its 16 bits, so the raw buffer of 0.984 reads 15328).
 */
export function asNumbers(values: ArrayLike<number> | BigInt64Array | BigUint64Array, type: DataType): ArrayLike<number> {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number);
  if (DataType.isFloat(type) && type.precision === Precision.HALF) return halfFloats(values instanceof Uint16Array ? values : Uint16Array.from(values as ArrayLike<number>));
  return values as ArrayLike<number>;
}

let halves: Float32Array | null = null;

/** Every 16-bit half float's value, by its bits (apache-arrow's decoder, once each). */
export function halfTable(): Float32Array {
  if (!halves) {
    halves = new Float32Array(1 << 16);
    for (let b = 0; b < halves.length; b++) halves[b] = util.uint16ToFloat64(b);
  }
  return halves;
}

/** 16-bit half floats decoded through the table. */
function halfFloats(bits: Uint16Array): Float32Array {
  const table = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

const TWO_32 = 2 ** 32;

/**
 * Rows from…from+count of one chunk of an integer or float column as numbers, written into `into` (at least
 * `count` long) without a copy of the whole column: a 64-bit integer is read from its two 32-bit halves (the
 * same number as Number(bigint), exact below 2⁵³), a Float16 decoded from its bits.
 */
export function chunkNumbers(data: Data, from: number, count: number, into: Float64Array): Float64Array {
  const out = into.subarray(0, count);
  const at = from; // a slice's values start at its first row (its offset counts in its validity bits only)
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = values.length * 2;
    const high = values instanceof BigInt64Array ? new Int32Array(values.buffer, values.byteOffset, words) : new Uint32Array(values.buffer, values.byteOffset, words);
    const low = new Uint32Array(values.buffer, values.byteOffset, words);
    for (let i = 0, w = 2 * at; i < count; i++, w += 2) out[i] = high[w + 1] * TWO_32 + low[w];
  } else if (DataType.isFloat(data.type) && data.type.precision === Precision.HALF) {
    const table = halfTable();
    for (let i = 0; i < count; i++) out[i] = table[values[at + i]];
  } else {
    out.set((values as Float64Array).subarray(at, at + count));
  }
  return out;
}

/**
 * Rows from…from+count of one chunk of an integer column as 32-bit integers, written into `into`; false when a
 * value does not fit (then what was written is not the column's values).
 */
export function chunkIntegers(data: Data, from: number, count: number, into: Int32Array): boolean {
  const out = into.subarray(0, count);
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const signed = values instanceof BigInt64Array;
    let fits = true;
    for (let i = 0, w = 2 * from; i < count; i++, w += 2) {
      const low = words[w];
      out[i] = low;
      if (words[w + 1] !== (signed ? low >> 31 : 0) || (!signed && low < 0)) fits = false;
    }
    return fits;
  }
  out.set((values as Int32Array).subarray(from, from + count));
  if (!(values instanceof Uint32Array)) return true;
  for (let i = 0; i < count; i++) if (out[i] < 0) return false;
  return true;
}

/** Rows from…from+count of one chunk of a float column: a view of its own values, or Float16 decoded into `into`. */
export function chunkFloats(data: Data, from: number, count: number, into: Float64Array): Float32Array | Float64Array {
  const values = data.values as Float32Array | Float64Array | Uint16Array;
  if (values instanceof Uint16Array) return chunkNumbers(data, from, count, into);
  return values.subarray(from, from + count);
}

/** An integer or float column as numbers. */
export function numbers(vector: Vector): ArrayLike<number> {
  return asNumbers(vector.toArray() as ArrayLike<number>, vector.type);
}

/** A string or integer column as strings (small columns: labels, tokens). */
export function labels(vector: Vector): string[] {
  const out = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = String(vector.get(i));
  return out;
}
