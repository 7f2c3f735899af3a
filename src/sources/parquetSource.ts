// The built-in tensors behind the source interface: attention.parquet and pseudo-blocks.parquet (the relation
// models), lm-attention.parquet (the language models), read by HTTP range requests (parquetFile.ts). Opening a
// file fetches its footer once per page, for every source over it (row-group index in the key-value metadata);
// a slice then fetches only the column chunks of its own row groups.
import {IndexedParquet} from "./parquetFile.js";
import {BLOCK_COLUMNS, blockColumnsOf, MAP_COLUMNS, MAP_INDEX, mapCache, memo, stackOf, whenIdle, type AttentionSource, type LayerMaps, type LayerSlice} from "./source.js";

export interface ParquetFiles {
  /**
   * tidy per-head maps: arch, sample, layer, head_index, query_pos, key_pos, pattern, effective (and naive where
   * the file has it); rows a file leaves out (a causal model's keys after the query) read as 0
   */
  attention: string;
  /** IHA's pseudo blocks: sample, layer, head_index, p, q, query_pos, key_pos, pattern */
  blocks?: string;
}

/** The site's Parquet files, each opened (its footer fetched) once per page, by absolute URL. */
const openFile = memo((url) => IndexedParquet.open(url));
const opened = (url: string) => openFile(typeof location === "undefined" ? url : new URL(url, location.href).href);

/**
 * Starts fetching a file's footer ahead of the first read: a page calls it in a cell of its own, so that the
 * footer comes while the page's other data and modules do. A failure shows at the first read, which opens again.
 */
export function prefetchParquet(url: string): void {
  opened(url).catch(() => undefined);
}

export interface ParquetSourceOptions {
  /**
   * Samples on either side of a slice read whose same slice is read next, when the page is idle, so that a reader
   * stepping the sample finds its maps read (0: none, the default).
   */
  readAhead?: number;
  /** With each slice read ahead, the head whose pseudo blocks to read ahead too (null: none). */
  blocksAhead?: (slice: LayerSlice, maps: LayerMaps) => number | null;
}

/** `files` are URLs (a page's FileAttachment hrefs, resolved against the page). */
export function parquetSource(files: ParquetFiles, shape: {heads: number; tokens: number}, {readAhead = 0, blocksAhead}: ParquetSourceOptions = {}): AttentionSource {
  const read = mapCache(async (slice, kinds) => {
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
  const maps: AttentionSource["maps"] = async (slice, kinds) => {
    const stacks = await read(slice, kinds);
    if (readAhead > 0) {
      whenIdle(() => {
        for (let step = 1; step <= readAhead; step++) {
          for (const sample of [slice.sample + step, slice.sample - step]) {
            if (sample < 0) continue;
            const ahead = {...slice, sample};
            read(ahead, kinds)
              .then((aheadMaps) => {
                const head = files.blocks ? blocksAhead?.(ahead, aheadMaps) : null;
                if (head != null) return blocks(`${sample}|${slice.layer}|${head}`);
              })
              .catch(() => undefined); // past the file's last sample: nothing to read; a failed read is read again when asked for
          }
        }
      });
    }
    return stacks;
  };
  return {
    ...shape,
    maps,
    blocks: async (slice) => (files.blocks ? blocks(`${slice.sample}|${slice.layer}|${slice.head}`) : null)
  };
}
