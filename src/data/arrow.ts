// Tidy tables for the pages, as Arrow IPC streams (what DuckDB-wasm's insertArrowFromIPCStream reads).
import {tableFromArrays, tableToIPC} from "apache-arrow";

type Column = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | string[];

/** Columns of equal length → Arrow IPC stream bytes; throws naming a column whose length differs. */
export function arrowTable(columns: Record<string, Column>): Uint8Array {
  const lengths = Object.entries(columns).map(([name, values]) => [name, values.length] as const);
  const [first] = lengths;
  for (const [name, length] of lengths) {
    if (length !== first[1]) throw new Error(`arrow: column ${name} has ${length} rows, ${first[0]} has ${first[1]}`);
  }
  return tableToIPC(tableFromArrays(columns), "stream");
}
