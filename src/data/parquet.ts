// Tidy tables as Parquet (ZSTD) laid out for range reads: rows are sorted so that every value of the `groupBy`
// columns is one run of equal length, each run is written as one row group, and the file's key-value
// metadata lists the key of every row group (src/sources/rowGroups.ts), so that a reader fetches the footer and then
// only the row groups of the slice it draws (src/sources/parquetSource.ts). Float columns are written without a
// dictionary and byte-stream-split, which ZSTD compresses about a third smaller than the default encoding; no min/max statistics are written.
import {DataType} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {ROW_GROUPS_KEY, type RowGroupIndex} from "../sources/rowGroups.js";
import {arrowTable, type Column} from "./arrow.js";

/** The runs of equal `groupBy` values; throws unless they are consecutive, distinct and of one length. */
export function rowGroupIndex(columns: Record<string, Column>, groupBy: string[]): {index: RowGroupIndex; rows: number} {
  const keyColumns = groupBy.map((name) => {
    const values = columns[name];
    if (!values) throw new Error(`parquet: no column ${name} to group rows by`);
    return values;
  });
  const keyOf = (row: number) => keyColumns.map((values) => values.at(row) as string | number);
  const length = keyColumns[0]?.length ?? 0;
  const keys: (string | number)[][] = [];
  const starts: number[] = [];
  let previous = "";
  for (let row = 0; row < length; row++) {
    const key = keyOf(row);
    const text = JSON.stringify(key);
    if (row > 0 && text === previous) continue;
    keys.push(key);
    starts.push(row);
    previous = text;
  }
  const rows = length / Math.max(1, keys.length);
  const seen = new Set(keys.map((key) => JSON.stringify(key)));
  if (seen.size !== keys.length) throw new Error(`parquet: rows are not sorted by ${groupBy.join(", ")}`);
  starts.forEach((start, g) => {
    if (start !== g * rows) throw new Error(`parquet: the groups of ${groupBy.join(", ")} differ in length (group ${g} starts at row ${start})`);
  });
  return {index: {columns: groupBy, keys}, rows};
}

const isFloat = (values: Column) =>
  values instanceof Float32Array || values instanceof Float64Array || (!Array.isArray(values) && !ArrayBuffer.isView(values) && DataType.isFloat(values.type));

/** Columns of equal length → Parquet bytes, ZSTD, one row group per value of `groupBy` (see above). */
export function parquetTable(columns: Record<string, Column>, groupBy: string[]): Uint8Array {
  const {index, rows} = rowGroupIndex(columns, groupBy);
  let builder = new Parquet.WriterPropertiesBuilder()
    .setCompression(Parquet.Compression.ZSTD)
    .setMaxRowGroupSize(rows)
    .setStatisticsEnabled(Parquet.EnabledStatistics.None) // the row-group index replaces them, and a smaller footer is a faster first read
    .setKeyValueMetadata(new Map([[ROW_GROUPS_KEY, JSON.stringify(index)]]));
  for (const [name, values] of Object.entries(columns)) {
    if (isFloat(values)) builder = builder.setColumnDictionaryEnabled(name, false).setColumnEncoding(name, Parquet.Encoding.BYTE_STREAM_SPLIT);
  }
  return Parquet.writeParquet(Parquet.Table.fromIPCStream(arrowTable(columns)), builder.build());
}
