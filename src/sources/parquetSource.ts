// The built-in tensors behind the source interface: attention.parquet and pseudo-blocks.parquet (the relation
// models), lm-attention.parquet (the language models), read by HTTP range requests (parquetFile.ts). Opening a
// file fetches its footer once (row-group index in the key-value metadata); a slice then fetches only the
// column chunks of its own row groups.
import {IndexedParquet} from "./parquetFile.js";
import {BLOCK_COLUMNS, blockColumnsOf, MAP_COLUMNS, MAP_INDEX, mapCache, memo, stackOf, type AttentionSource, type LayerMaps} from "./source.js";

export interface ParquetFiles {
  /**
   * tidy per-head maps: arch, sample, layer, head_index, query_pos, key_pos, pattern, effective (and naive where
   * the file has it); rows a file leaves out (a causal model's keys after the query) read as 0
   */
  attention: string;
  /** IHA's pseudo blocks: sample, layer, head_index, p, q, query_pos, key_pos, pattern */
  blocks?: string;
}

/** `files` are URLs (a page's FileAttachment hrefs, resolved against the page). */
export function parquetSource(files: ParquetFiles, shape: {heads: number; tokens: number}): AttentionSource {
  const opened = memo((url) => IndexedParquet.open(typeof location === "undefined" ? url : new URL(url, location.href).href));
  const maps = mapCache(async (slice, kinds) => {
    const file = await opened(files.attention);
    const where = {arch: slice.arch, sample: slice.sample, layer: slice.layer};
    const columns = await file.read(where, [...MAP_INDEX, ...kinds.map((kind) => MAP_COLUMNS[kind])]);
    if (!columns) throw new Error(file.describe(where));
    return Object.fromEntries(kinds.map((kind) => [kind, stackOf(columns, kind, shape.heads, shape.tokens)])) as LayerMaps;
  });
  const blocks = memo(async (key) => {
    const file = await opened(files.blocks!);
    const [sample, layer, head] = key.split("|").map(Number);
    const columns = await file.read({sample, layer, head_index: head}, BLOCK_COLUMNS);
    return blockColumnsOf(columns); // empty for a sample past the file's prefix
  });
  return {
    ...shape,
    maps,
    blocks: async (slice) => (files.blocks ? blocks(`${slice.sample}|${slice.layer}|${slice.head}`) : null)
  };
}
