// Tidy tables for the pages, as Arrow IPC streams (read in the pages with Arquero; src/data/parquet.ts starts
// from them too). Typed arrays keep their type (Int8/Int16/Int32/Float32…); string[] becomes
// Dictionary<Int32, Utf8>; nullableFloat32() gives a Float32 column whose NaN entries are nulls.
import {Float32, Table, makeData, makeVector, tableToIPC, vectorFromArray, type Vector} from "apache-arrow";

type TypedColumn = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
export type Column = TypedColumn | string[] | Vector;

/** A Float32 column in which every NaN of `values` is written as null (a validity bitmap, no NaN). */
export function nullableFloat32(values: Float32Array): Vector<Float32> {
  const valid = new Uint8Array(Math.ceil(values.length / 8)); // LSB-first validity bits
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) nullCount++;
    else valid[i >> 3] |= 1 << (i & 7);
  }
  const data = makeData({type: new Float32(), length: values.length, nullCount, nullBitmap: nullCount > 0 ? valid : null, data: values});
  return makeVector(data);
}

function toVector(values: Column): Vector {
  if (Array.isArray(values)) return vectorFromArray(values); // Dictionary<Int32, Utf8>
  if (ArrayBuffer.isView(values)) return makeVector(values as TypedColumn);
  return values;
}

/** Columns of equal length → Arrow IPC stream bytes; throws naming a column whose length differs. */
export function arrowTable(columns: Record<string, Column>): Uint8Array {
  const lengths = Object.entries(columns).map(([name, values]) => [name, values.length] as const);
  const [first] = lengths;
  for (const [name, length] of lengths) {
    if (length !== first[1]) throw new Error(`arrow: column ${name} has ${length} rows, ${first[0]} has ${first[1]}`);
  }
  const vectors = Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, toVector(values)]));
  return tableToIPC(new Table(vectors), "stream");
}
