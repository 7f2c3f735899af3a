// A decoded Arrow table is checked against its own buffers before anything reads it: apache-arrow takes a
// record batch's row count and each column's length from the file's metadata as they are, so a corrupt
// length (say 872 million rows over a 5 kB body) would have the checks loop over, and copies allocate for,
// rows that are not there. Here every column, its children and its dictionary must hold the values its
// length needs: validity bits, offsets, list children, fixed-width values. Pure.
import {DataType, type Data, type Table} from "apache-arrow";

const BITS = 8;

/** Why `data` cannot hold `rows` rows from its offset on, or null when its buffers are long enough. */
function shortfall(data: Data, rows: number): string | null {
  const {type, offset, nullCount} = data;
  if (data.length < rows) return `it holds ${data.length} rows where ${rows} are declared`;
  const end = offset + data.length;
  if (DataType.isNull(type)) return null;
  if (nullCount > 0 && data.nullBitmap.length * BITS < end) return `its validity bits cover ${data.nullBitmap.length * BITS} of ${end} rows`;
  if (DataType.isDictionary(type)) {
    if (data.values.length < end) return `it holds ${data.values.length} dictionary indices for ${end} rows`;
    for (const chunk of data.dictionary?.data ?? []) {
      const why = shortfall(chunk, 0);
      if (why) return `its dictionary: ${why}`;
    }
    return null;
  }
  if (DataType.isFixedSizeList(type)) return shortfall(data.children[0], end * type.listSize);
  if (DataType.isStruct(type)) {
    for (const child of data.children) {
      const why = shortfall(child, end);
      if (why) return why;
    }
    return null;
  }
  if (data.valueOffsets) {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    if (offsets.length < end + 1) return `it holds ${offsets.length} offsets for ${end} rows`;
    const last = Number(offsets[end]);
    if (DataType.isList(type) || DataType.isLargeList(type)) return shortfall(data.children[0], last);
    return data.values && data.values.length < last ? `its offsets reach ${last} where it holds ${data.values.length} bytes` : null;
  }
  if (!data.values) return null;
  const needed = DataType.isBool(type) ? Math.ceil(end / BITS) : end * data.stride;
  return data.values.length < needed ? `it holds ${data.values.length} values where ${end} rows need ${needed}` : null;
}

/** The first column of any record batch whose buffers are shorter than its declared rows, named; or null. */
export function shortColumn(table: Table): string | null {
  for (const [b, batch] of table.batches.entries()) {
    for (const [i, field] of table.schema.fields.entries()) {
      const why = shortfall(batch.data.children[i], batch.numRows);
      if (why) return `column "${field.name}" of record batch ${b}: ${why}`;
    }
  }
  return null;
}
