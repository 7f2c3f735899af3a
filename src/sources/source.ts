// The one data layer between files and views. A view asks a source for exactly the slice it draws and gets
// typed maps back, cached per slice. The built-in tensors sit behind it (parquetSource: Parquet row groups
// by HTTP range), and so do a reader's checked file (uploadSource) and a reader's Parquet file read in parts,
// from a File or a URL (uploadSource.partsSource), which also reads a head alone.
import {headStack, type HeadMap} from "../components/headStack.js";
import type {PseudoBlockColumns} from "../components/pseudoBlocks.js";
import type {ViewMapKind} from "../model/vocabulary.js";
import type {Columns} from "./parquetFile.js";

/** The tidy column that holds each map kind a source serves. */
export const MAP_COLUMNS: Readonly<Record<ViewMapKind, string>> = {raw: "pattern", effective: "effective", naive: "naive"};

/** One layer of one input: `arch` names the model in a file of several (absent for a one-model file). */
export interface LayerSlice {
  arch?: string;
  sample: number;
  layer: number;
}

/** Every head's map per kind asked for; a kind the model lacks (naive outside IHA) is null. */
export type LayerMaps = Partial<Record<ViewMapKind, HeadMap[] | null>>;

export interface HeadSlice {
  sample: number;
  layer: number;
  head: number;
}

/** One head of one layer of one input, of a model named as a LayerSlice names it. */
export type ModelHeadSlice = LayerSlice & {head: number};

export interface AttentionSource {
  /** heads per layer and tokens per input: every map is heads × tokens × tokens */
  readonly heads: number;
  readonly tokens: number;
  /** The maps of `kinds` for one layer of one input (maps[kind][head][query][key]). */
  maps(slice: LayerSlice, kinds: readonly ViewMapKind[]): Promise<LayerMaps>;
  /** IHA's pseudo pattern blocks of one head, or null where the source holds none. */
  blocks(slice: HeadSlice): Promise<PseudoBlockColumns | null>;
  /** A source that reads a head alone (a file read in parts): its map of `kind`, null for a kind the model lacks; read before any layer's other heads. */
  head?(slice: ModelHeadSlice, kind: ViewMapKind): Promise<HeadMap | null>;
  /** A source that reads a head alone: reads it ahead of need (nothing for a slice the file does not have). */
  prefetch?(slice: ModelHeadSlice): void;
}


/** The tidy index columns a map is rebuilt from. */
export const MAP_INDEX = ["head_index", "query_pos", "key_pos"] as const;
/** The columns of a pseudo-block slice, as the pseudo-blocks view takes them. */
export const BLOCK_COLUMNS = ["p", "q", "query_pos", "key_pos", "pattern"] as const;

/** The maps of `kind` in the columns of one layer's rows; null when the kind's column is missing or all null. */
export function stackOf(columns: Columns, kind: ViewMapKind, heads: number, tokens: number): HeadMap[] | null {
  const values = columns[MAP_COLUMNS[kind]] as ArrayLike<number | null> | undefined;
  if (!values || Array.prototype.every.call(values, (v) => v === null)) return null;
  const index = (name: string) => columns[name] as ArrayLike<number>;
  return headStack({head_index: index("head_index"), query_pos: index("query_pos"), key_pos: index("key_pos"), value: values}, heads, tokens);
}

/** The pseudo-block columns of one head's rows (empty columns for none). */
export function blockColumnsOf(columns: Columns | null): PseudoBlockColumns {
  const column = (name: string) => (columns?.[name] ?? []) as ArrayLike<number>;
  return {p: column("p"), q: column("q"), query_pos: column("query_pos"), key_pos: column("key_pos"), pattern: column("pattern")};
}

/**
 * Per-slice cache of map reads: `read` is called once for the kinds of a slice not asked for before, and
 * every later request of those kinds gets the same promise.
 */
export function mapCache(read: (slice: LayerSlice, kinds: ViewMapKind[]) => Promise<LayerMaps>): AttentionSource["maps"] {
  const cache = new Map<string, Promise<HeadMap[] | null>>();
  const keyOf = (slice: LayerSlice, kind: ViewMapKind) => `${slice.arch ?? ""}|${slice.sample}|${slice.layer}|${kind}`;
  return async (slice, kinds) => {
    const missing = kinds.filter((kind) => !cache.has(keyOf(slice, kind)));
    if (missing.length > 0) {
      const reading = read(slice, missing);
      for (const kind of missing) cache.set(keyOf(slice, kind), reading.then((maps) => maps[kind] ?? null));
      reading.catch(() => missing.forEach((kind) => cache.delete(keyOf(slice, kind)))); // a failed read is retried
    }
    const stacks = await Promise.all(kinds.map((kind) => cache.get(keyOf(slice, kind))!));
    return Object.fromEntries(kinds.map((kind, i) => [kind, stacks[i]]));
  };
}

/** Runs `task` when the page is idle (in Node, in a task of its own): reading ahead never delays what a view waits on. */
export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => task());
  else setTimeout(task, 0);
}

/** A cache of promises by key: `load` runs once per key, and again after a failure. */
export function memo<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    if (!cache.has(key)) {
      const loading = load(key);
      cache.set(key, loading);
      loading.catch(() => cache.delete(key));
    }
    return cache.get(key)!;
  };
}

/** `load` run once and its promise shared, and run again after a failure (a memo of one key). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  const loaded = memo(load);
  return () => loaded("");
}
