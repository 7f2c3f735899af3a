// A Parquet file of this site read by HTTP range requests, in plain JavaScript (hyparquet, with fzstd for the
// ZSTD pages src/data/parquet.ts writes): the same code in the browser and in Node. Opening fetches the
// file's tail once (its footer, with the row-group index in the key-value metadata, and the file's length
// from Content-Range); a read then fetches only the column chunks of the row groups it names.
import {parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData} from "hyparquet";
import {decompress} from "fzstd";
import {ROW_GROUPS_KEY, rowGroupsOf, type RowGroupIndex} from "./rowGroups.js";

/** The bytes fetched first: the footers this site writes fit (58 kB for the full build's attention file). */
const TAIL_BYTES = 64 * 1024;

/** One column of a read: numbers (typed or not), strings, or null where the file holds null. */
export type Column = ArrayLike<number | string | null>;
export type Columns = Record<string, Column>;

const COMPRESSORS = {ZSTD: (input: Uint8Array, outputLength: number) => decompress(input, new Uint8Array(outputLength))};

/** Range requests on `url`; a host that ignores ranges is read once, whole. */
export async function urlBuffer(url: string): Promise<AsyncBuffer> {
  const response = await fetch(url, {headers: {Range: `bytes=-${TAIL_BYTES}`}});
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const first = await response.arrayBuffer();
  if (response.status !== 206) return {byteLength: first.byteLength, slice: async (start, end) => first.slice(start, end)};
  const length = Number(/\/(\d+)$/.exec(response.headers.get("Content-Range") ?? "")?.[1]);
  if (!Number.isFinite(length)) throw new Error(`${url}: a range response without the file's length (Content-Range)`);
  const tailStart = length - first.byteLength;
  return {
    byteLength: length,
    async slice(start, end = length) {
      if (start >= tailStart) return first.slice(start - tailStart, end - tailStart);
      const part = await fetch(url, {headers: {Range: `bytes=${start}-${end - 1}`}});
      if (part.status !== 206) throw new Error(`${url}: HTTP ${part.status} for bytes ${start}–${end - 1}`);
      return part.arrayBuffer();
    }
  };
}

/** The rows of one row group, column by column, in file order. */
async function readGroup(file: AsyncBuffer, metadata: FileMetaData, group: number, columns: readonly string[]): Promise<Columns> {
  let rowStart = 0;
  for (let g = 0; g < group; g++) rowStart += Number(metadata.row_groups[g].num_rows);
  const rowEnd = rowStart + Number(metadata.row_groups[group].num_rows);
  const chunks = new Map<string, {rowStart: number; data: Column}[]>();
  await parquetRead({
    file, metadata, columns: [...columns], rowStart, rowEnd, compressors: COMPRESSORS,
    onChunk: ({columnName, columnData, rowStart}) => chunks.set(columnName, [...(chunks.get(columnName) ?? []), {rowStart, data: columnData as Column}])
  });
  return Object.fromEntries(columns.map((name) => [name, concatColumns((chunks.get(name) ?? []).sort((a, b) => a.rowStart - b.rowStart).map((c) => c.data))]));
}

/** One column from its parts, typed when every part is a Float32Array. */
function concatColumns(parts: Column[]): Column {
  if (parts.length === 1) return parts[0];
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out: Float32Array | (number | string | null)[] = parts.every((p) => p instanceof Float32Array) ? new Float32Array(length) : new Array(length);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) out[at + i] = part[i] as never;
    at += part.length;
  }
  return out;
}

/** An opened file: its row-group index, and reads of the rows a `where` selects. */
export class IndexedParquet {
  private constructor(private file: AsyncBuffer, private metadata: FileMetaData, private url: string, private index: RowGroupIndex) {}

  static async open(url: string): Promise<IndexedParquet> {
    const file = await urlBuffer(url);
    const metadata = await parquetMetadataAsync(file, {initialFetchSize: TAIL_BYTES});
    const json = metadata.key_value_metadata?.find((entry) => entry.key === ROW_GROUPS_KEY)?.value;
    if (!json) throw new Error(`${url} has no ${ROW_GROUPS_KEY} metadata: it was not written by src/data/parquet.ts`);
    return new IndexedParquet(file, metadata, url, JSON.parse(json) as RowGroupIndex);
  }

  /** The named columns of the rows matching `where`, or null when no row group holds them. */
  async read(where: Record<string, string | number | undefined>, columns: readonly string[]): Promise<Columns | null> {
    const groups = rowGroupsOf(this.index, where);
    if (groups.length === 0) return null;
    const parts = await Promise.all(groups.map((g) => readGroup(this.file, this.metadata, g, columns)));
    return Object.fromEntries(columns.map((name) => [name, concatColumns(parts.map((part) => part[name]))]));
  }

  describe(where: object): string {
    return `${this.url} has no rows for ${JSON.stringify(where)}`;
  }
}
