// The built-in tensors behind the source interface: attention.parquet and pseudo-blocks.parquet (the relation
// models), lm-attention.parquet (the language models), read by HTTP range requests. Opening a file fetches
// its footer once (row-group index in the key-value metadata); a slice then fetches only the column chunks of
// its own row groups.
import {tableFromIPC, type Table} from "@uwdata/flechette";
import {ROW_GROUPS_KEY, rowGroupsOf, type RowGroupIndex} from "./rowGroups.js";
import {BLOCK_COLUMNS, blockColumnsOf, MAP_COLUMNS, MAP_INDEX, mapCache, memo, stackOf, type AttentionSource, type LayerMaps} from "./source.js";

/** What the source needs of a Parquet reader: parquet-wasm's ParquetFile (its browser and its Node build). */
export interface ParquetFileLike {
  metadata(): {fileMetadata(): {keyValueMetadata(): Map<string, string>}};
  read(options: {rowGroups: number[]; columns: string[]}): Promise<{intoIPCStream(): Uint8Array}>;
}

/** Opens a Parquet file by URL (ParquetFile.fromUrl). */
export type OpenParquet = (url: string) => Promise<ParquetFileLike>;

export interface ParquetFiles {
  /**
   * tidy per-head maps: arch, sample, layer, head_index, query_pos, key_pos, pattern, effective (and naive where
   * the file has it); rows a file leaves out (a causal model's keys after the query) read as 0
   */
  attention: string;
  /** IHA's pseudo blocks: sample, layer, head_index, p, q, query_pos, key_pos, pattern */
  blocks?: string;
}

/** One opened file and its row-group index. */
class IndexedFile {
  constructor(private file: ParquetFileLike, private url: string, private index: RowGroupIndex) {}

  static async open(open: OpenParquet, url: string): Promise<IndexedFile> {
    const file = await open(url);
    const json = file.metadata().fileMetadata().keyValueMetadata().get(ROW_GROUPS_KEY);
    if (!json) throw new Error(`${url} has no ${ROW_GROUPS_KEY} metadata: it was not written by src/data/parquet.ts`);
    return new IndexedFile(file, url, JSON.parse(json) as RowGroupIndex);
  }

  /** The rows matching `where`, or null when no row group holds them. */
  async read(where: Record<string, string | number | undefined>, columns: readonly string[]): Promise<Table | null> {
    const rowGroups = rowGroupsOf(this.index, where);
    if (rowGroups.length === 0) return null; // an empty list would read every row group
    const table = await this.file.read({rowGroups, columns: [...columns]});
    return tableFromIPC(table.intoIPCStream());
  }

  describe(where: object): string {
    return `${this.url} has no rows for ${JSON.stringify(where)}`;
  }
}

export function parquetSource(files: ParquetFiles, shape: {heads: number; tokens: number}, open: OpenParquet): AttentionSource {
  const opened = memo((url) => IndexedFile.open(open, url));
  const maps = mapCache(async (slice, kinds) => {
    const file = await opened(files.attention);
    const where = {arch: slice.arch, sample: slice.sample, layer: slice.layer};
    const table = await file.read(where, [...MAP_INDEX, ...kinds.map((kind) => MAP_COLUMNS[kind])]);
    if (!table) throw new Error(file.describe(where));
    return Object.fromEntries(kinds.map((kind) => [kind, stackOf(table, kind, shape.heads, shape.tokens)])) as LayerMaps;
  });
  const blocks = memo(async (key) => {
    const file = await opened(files.blocks!);
    const [sample, layer, head] = key.split("|").map(Number);
    const table = await file.read({sample, layer, head_index: head}, BLOCK_COLUMNS);
    return blockColumnsOf(table); // empty for a sample past the file's prefix
  });
  return {
    ...shape,
    maps,
    blocks: async (slice) => (files.blocks ? blocks(`${slice.sample}|${slice.layer}|${slice.head}`) : null)
  };
}
