// A reader's Parquet file too large to hold in memory, read in parts: from a File (Blob.slice) or a URL (HTTP
// range requests). Opening reads the footer only (hyparquet): the columns, and each row group's min/max
// statistics, which say which (model, sample, layer) and which head or heads it holds. A view then asks for one
// head, or one layer, and only the row groups holding it are decoded (parquet-wasm) and checked by the same code
// that checks a whole file (upload/fromTable.ts, with the part it should hold). Parts are kept in a cache of
// bounded size. Decoding and checking a part is `partAnswer`, which the page runs in the part worker
// (partWorker.ts) and Node on its own thread; the queue of reads and the cache stay with the caller. No DOM: the
// part reader and the bytes are passed in, so the unit tests run it in Node.
import {parquetMetadataAsync, type AsyncBuffer, type FileMetaData} from "hyparquet";
import {tableFromIPC} from "apache-arrow";
import type {HeadMap} from "../components/headStack.js";
import {urlBuffer} from "./parquetFile.js";
import {once} from "./source.js";
import {checkRowSums, layerStack, type AttentionGroup} from "../upload/attentionSet.js";
import {attentionFromTable, groupLabel, partHeads, type TablePart} from "../upload/fromTable.js";
import {IssueList, type Issue, type IssueCode, type IssueRecord} from "../upload/issues.js";
import {tokensFor, type TokenLists} from "../upload/tokens.js";
import {summarise, type PartSummary, type SummaryRequest} from "./partSummary.js";

/** What decodes row groups: parquet-wasm's ParquetFile (fromFile or fromUrl), or a test's own. */
export interface RowGroupDecoder {
  read(options: {rowGroups: number[]; columns?: string[]}): Promise<{intoIPCStream(): Uint8Array}>;
}

/** What opens a file for decoding its row groups: parquet-wasm's module (its web build in the part worker, its Node build in the tests). */
export interface DecoderModule {
  ParquetFile: {fromFile(file: Blob): Promise<RowGroupDecoder>; fromUrl(url: string): Promise<RowGroupDecoder>};
}

/** The decoder of a File or a URL, opened on first use (and again after a failure) once `load` gave the module. */
export function sourceDecoder(load: () => Promise<DecoderModule>, source: Blob | string): () => Promise<RowGroupDecoder> {
  return once(async () => {
    const {ParquetFile} = await load();
    return typeof source === "string" ? ParquetFile.fromUrl(source) : ParquetFile.fromFile(source);
  });
}

/** One part to decode and check: its row group, the columns to read, where it sits in the file, and the tokens. */
export interface PartRequest {
  rowGroup: number;
  columns: string[];
  /** the file's name as messages give it (with the sequence's label when the file has several) */
  label: string;
  where: TablePart;
  tokens: TokenLists | null;
  /** a scan's request: the part's summary comes back instead of its maps (partSummary.ts) */
  summary?: SummaryRequest;
}

/** A part's heads, in file order from its first head: each head's map, and the effective maps when the file has them. */
export interface PartMaps {
  pattern: HeadMap[];
  effective: HeadMap[] | null;
}

/** What reading a part gave: its maps, or the error that stops it (every error message, one a line); and its warnings, to join the file's. */
export type PartReply = ({maps: PartMaps; summary: null} | {maps: null; summary: PartSummary}) & {error: null; warnings: IssueRecord[]} | {maps: null; summary: null; error: string; warnings: IssueRecord[]};

/** A part asked of the part worker: the file (`file` numbers the files a page opens; `source` comes with each request), and where parquet-wasm is. */
export interface PartMessage {
  id: number;
  file: number;
  source: Blob | string;
  parquet: {module: string; wasm: string};
  request: PartRequest;
}

export type PartAnswer = PartReply & {id: number};

/** The files a part worker keeps decoders for: a page reads one file at a time, and reads of the one before may still be queued. */
const KEPT_FILES = 2;

/** The buffers under a reply's maps, each once (a part's rows are views of one buffer), and under its summary's sum. */
const buffersOf = ({maps, summary}: PartReply): ArrayBuffer[] => [...new Set([...(maps?.pattern ?? []), ...(maps?.effective ?? [])].flat().map((row) => row.buffer as ArrayBuffer)), ...(summary?.sum ? [summary.sum.buffer as ArrayBuffer] : [])];

/**
 * What the part worker (partWorker.ts) does with each message: the part decoded and checked with the decoder of
 * its file (opened once, with parquet-wasm from `load`), and the buffers to transfer with the answer.
 */
export function partMessages(load: (parquet: PartMessage["parquet"]) => Promise<DecoderModule>): (message: PartMessage) => Promise<{answer: PartAnswer; transfer: ArrayBuffer[]}> {
  const decoders = new Map<number, () => Promise<RowGroupDecoder>>();
  return async ({id, file, source, parquet, request}) => {
    let decoder = decoders.get(file);
    if (!decoder) {
      decoders.set(file, (decoder = sourceDecoder(() => load(parquet), source)));
      if (decoders.size > KEPT_FILES) decoders.delete(decoders.keys().next().value!);
    }
    const reply = await partAnswer(decoder, request);
    return {answer: {id, ...reply}, transfer: buffersOf(reply)};
  };
}

/** Decodes and checks one part: in the part worker on the page (src/pages/readerParts.workerParts), on the calling thread in Node. */
export type PartReader = (request: PartRequest) => Promise<PartReply>;

/**
 * One row group decoded (parquet-wasm, then apache-arrow) and checked as the part its statistics name, by the
 * code that checks a whole file: the rows of every head, their sums and range. Never throws: a part that cannot be
 * read or opened is its error message.
 */
export async function partAnswer(decoder: () => Promise<RowGroupDecoder>, {rowGroup, columns, label, where, tokens, summary}: PartRequest): Promise<PartReply> {
  const found = new IssueList();
  try {
    const table = tableFromIPC((await (await decoder()).read({rowGroups: [rowGroup], columns})).intoIPCStream());
    const set = attentionFromTable(table, label, "Parquet", tokens, found, where);
    if (set && !found.hasErrors) {
      const warnings = new IssueList();
      for (const issue of found.list()) if (issue.code === "missing_cells") warnings.warn(issue.code, issue.message);
      checkRowSums(set, warnings, label, {layer: where.layer, head: where.firstHead}, false);
      const maps = {pattern: layerStack(set, 0, 0, "pattern"), effective: set.effective ? layerStack(set, 0, 0, "effective") : null};
      return summary ? {maps: null, summary: summarise(maps, summary), error: null, warnings: warnings.records()} : {maps, summary: null, error: null, warnings: warnings.records()};
    }
  } catch (error) {
    found.error("corrupt", `${label}: row group ${rowGroup} (layer ${where.layer}, ${partHeads(where)}) could not be read (${(error as Error | undefined)?.message ?? String(error)})`);
  }
  return {maps: null, summary: null, error: found.list().filter((i) => i.level === "error").map((i) => i.message).join("\n"), warnings: []};
}

/**
 * The most weights one row group may hold (256 MB as 32-bit floats): a view of one head would otherwise decode
 * a whole layer or more.
 */
export const MAX_PART_WEIGHTS = 64 * 1024 * 1024;
/** The most weights the parts kept at once hold (512 MB as 32-bit floats: four layers of 32 heads × 1,024²); the least recently used go first. */
export const MAX_CACHED_WEIGHTS = 128 * 1024 * 1024;

/** Where a part sits: its layer and run of heads. */
export interface PartPlace {
  layer: number;
  firstHead: number;
  headCount: number;
}

/** One row group: the sequence, layer and run of heads its statistics say it holds. */
interface RowGroupPart {
  index: number;
  group: number;
  layer: number;
  firstHead: number;
  headCount: number;
  weights: number;
}

/** A file opened in parts: its shape, its sequences, and reads of one head or one layer. */
export interface PartsFile {
  /** how it is read, e.g. "dense Parquet, read in parts (1,024 row groups)" */
  source: string;
  layers: number;
  heads: number;
  n: number;
  groups: AttentionGroup[];
  hasEffective: boolean;
  /** weights in the file (sequences × layers × heads × N², from the row counts) */
  weights: number;
  /** one head's map (`kind` "effective" only where the file has that column), read before any layer's other heads; rejects with the part's errors */
  head(group: number, layer: number, head: number, kind?: "pattern" | "effective"): Promise<HeadMap>;
  /** every head of one layer, read part by part where the file holds a few heads per row group */
  layer(group: number, layer: number, kind?: "pattern" | "effective"): Promise<HeadMap[]>;
  /** reads a head ahead of need, after every read a view waits on (nothing for a layer the file does not have) */
  prefetch(group: number, layer: number, head: number): void;
  /**
   * Reads every part of one sequence, layer by layer and head by head, each summarised where it is decoded (not
   * kept in the cache), one at a time: by the scan reader where the file has one, else after every read a view
   * waits on; `onPart` gets each part's place and summary. Stops before the next part once `stopped()` says so;
   * rejects with a part's errors.
   */
  scan(group: number, request: SummaryRequest, onPart: (part: PartPlace, summary: PartSummary) => void, stopped: () => boolean): Promise<void>;
  /** the warnings of the parts read so far (rows that do not sum to 1, weights above 1, cells without a row) */
  warnings(): Issue[];
  /** `listener` is called whenever a part read adds a warning; returns the function that stops it */
  listen(listener: () => void): () => void;
}

const REQUIRED = ["layer", "head_index", "query_pos", "pattern"] as const;
/** The queue's key of a scan's read (no view waits on it, so it is never promoted). */
const SCAN_KEY = -1;
/** What reading a part may warn of. */
const PART_WARNINGS: IssueCode[] = ["row_sum", "not_probability", "missing_cells"];
const OPTIONAL = ["key_pos", "effective", "model", "sample"] as const;

/** What to write instead, said whenever a file cannot be read in parts. */
const ADVICE = "sort the rows by layer, head_index and query_pos and write row groups of whole heads, such as one per head (pyarrow: pq.write_table(table, path, row_group_size=<rows per head>), the default writes statistics); docs/export-attention.md shows it";

/** A File (or any Blob) as hyparquet reads it: slices on demand, nothing read whole. */
export function blobBuffer(blob: Blob): AsyncBuffer {
  return {byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer()};
}

type Stat = string | number | null;

/** A statistic as a number or string (64-bit integers arrive as bigint), or null when absent. */
function statValue(value: unknown): Stat {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "string") return value;
  return null;
}

/** The columns whose statistics say what a row group holds (those the file has). */
const INDEX_COLUMNS = ["model", "sample", "layer", "head_index", "query_pos", "key_pos"] as const;

/**
 * What opening in parts needs of a footer, small enough to pass between threads: the top-level columns, each
 * row group's rows, and the min and max of the index columns per row group (null where the writer left them out).
 */
export interface FooterIndex {
  columns: string[];
  rows: number[];
  stats: Record<string, {min: Stat; max: Stat}[]>;
}

export function footerIndex(metadata: FileMetaData): FooterIndex {
  const columns = metadata.schema.slice(1).map((element) => element.name);
  const stat = (name: string) =>
    metadata.row_groups.map((rowGroup) => {
      const stats = rowGroup.columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data?.statistics;
      return {min: statValue(stats?.min_value ?? stats?.min), max: statValue(stats?.max_value ?? stats?.max)};
    });
  return {columns, rows: metadata.row_groups.map((g) => Number(g.num_rows)), stats: Object.fromEntries(INDEX_COLUMNS.filter((c) => columns.includes(c)).map((c) => [c, stat(c)]))};
}

/** A Parquet file's footer index (hyparquet parses the footer), or null with the reason in `issues`. */
export async function readFooter(name: string, bytes: AsyncBuffer, issues: IssueList): Promise<FooterIndex | null> {
  try {
    return footerIndex(await parquetMetadataAsync(bytes));
  } catch (error) {
    issues.error("corrupt", `${name} is truncated or corrupt: its Parquet footer could not be read (${(error as Error).message})`);
    return null;
  }
}

/** A footer asked of the footer worker: the picked File (by reference) or an absolute URL. */
export interface FooterRequest {
  id: number;
  name: string;
  source: Blob | string;
}

export interface FooterReply {
  id: number;
  index: FooterIndex | null;
  issues: Issue[];
}

/** The footer worker's answer to one request (run on the calling thread by the tests). */
export async function footerAnswer({id, name, source}: FooterRequest): Promise<FooterReply> {
  const issues = new IssueList();
  try {
    const bytes = typeof source === "string" ? await urlBuffer(source) : blobBuffer(source);
    return {id, index: await readFooter(name, bytes, issues), issues: issues.list()};
  } catch (error) {
    issues.error("corrupt", `${name} could not be read (${(error as Error).message}); from a URL, the host must allow this page's origin (CORS) and answer range requests (Range, Content-Range)`);
    return {id, index: null, issues: issues.list()};
  }
}

/**
 * How many weights an attention table's footer declares: its rows, times N (the largest query position + 1,
 * from the statistics) when it is dense (no key_pos column); null when it is not one or the statistics are absent.
 */
export function declaredWeights(index: FooterIndex): number | null {
  if (!index.columns.includes("pattern") || !index.stats.query_pos) return null;
  const rows = index.rows.reduce((a, b) => a + b, 0);
  if (index.columns.includes("key_pos")) return rows;
  const maxima = index.stats.query_pos.map((stat) => stat.max);
  return maxima.every((m) => m !== null) ? rows * (Math.max(...maxima.map(Number)) + 1) : null;
}

export interface PartsOptions {
  name: string;
  /** the file's footer (readFooter) */
  index: FooterIndex;
  /** decodes and checks a part (partAnswer, in the part worker on the page) */
  reader: PartReader;
  /** decodes and summarises the parts a scan reads (on the page: a worker of its own, so that a scan uses a core of its own and never waits on the views' reads, nor they on it); by default `reader`, after every read a view waits on */
  scanReader?: PartReader;
  tokens: TokenLists | null;
}

/**
 * Opens a file in parts: checks from the footer's statistics that each row group holds one sequence and one
 * layer, and whole heads (one, a run of them, or all), no head split over two. Returns the file, or null with the reasons in `issues`.
 */
export function openParts(options: PartsOptions, issues: IssueList): PartsFile | null {
  const {name, index, reader, scanReader, tokens} = options;
  const columns = new Set(index.columns);
  for (const column of REQUIRED) if (!columns.has(column)) issues.error("missing_column", `${name} has no "${column}" column (a tidy or dense attention table needs ${REQUIRED.join(", ")})`);
  if (issues.hasErrors) return null;
  const tidy = columns.has("key_pos");
  const grouping = ["model", "sample", "layer", "head_index", "query_pos", ...(tidy ? ["key_pos"] : [])];
  const none = index.rows.map(() => ({min: null, max: null}));
  const stats = index.rows.map((_, g) => grouping.map((column) => (index.stats[column] ?? none)[g]));
  const [MODEL, SAMPLE, LAYER, HEAD, QUERY, KEY] = [0, 1, 2, 3, 4, 5];
  const need = [LAYER, HEAD, QUERY, ...(tidy ? [KEY] : []), ...(columns.has("model") ? [MODEL] : []), ...(columns.has("sample") ? [SAMPLE] : [])];

  const sequences = new Map<string, {model: string | null; sample: string | null}>();
  const parts: RowGroupPart[] = [];
  let layers = 0;
  let heads = 0;
  let positions = 0;
  let weights = 0;
  stats.forEach((columnStats, g) => {
    const rows = index.rows[g];
    if (rows === 0) return;
    const missing = need.filter((c) => columnStats[c].min === null || columnStats[c].max === null);
    if (missing.length) return issues.error("parts", `${name} is too large to hold in memory, and its row groups carry no min/max statistics for ${missing.map((c) => `"${grouping[c]}"`).join(", ")}, so it cannot be read in parts: ${ADVICE}`, `row group ${g}`, "row groups");
    const single = (c: number) => columnStats[c].min === columnStats[c].max;
    const spread = [MODEL, SAMPLE, LAYER].filter((c) => need.includes(c) && !single(c));
    if (spread.length) return issues.error("parts", `${name} is too large to hold in memory, and a row group holds rows of more than one ${spread.map((c) => grouping[c]).join(" and ")}, so it cannot be read in parts: ${ADVICE}`, () => `row group ${g} (${spread.map((c) => `${grouping[c]} ${columnStats[c].min}–${columnStats[c].max}`).join(", ")})`, "row groups");
    const stat = (c: number) => Number(columnStats[c].max);
    layers = Math.max(layers, stat(LAYER) + 1);
    heads = Math.max(heads, stat(HEAD) + 1);
    positions = Math.max(positions, stat(QUERY) + 1, tidy ? stat(KEY) + 1 : 0);
    const model = need.includes(MODEL) ? String(columnStats[MODEL].min) : null;
    const sample = need.includes(SAMPLE) ? String(columnStats[SAMPLE].min) : null;
    const key = `${model}\u0000${sample}`;
    if (!sequences.has(key)) sequences.set(key, {model, sample});
    const group = [...sequences.keys()].indexOf(key);
    const firstHead = Number(columnStats[HEAD].min);
    parts.push({index: g, group, layer: Number(columnStats[LAYER].min), firstHead, headCount: stat(HEAD) - firstHead + 1, weights: rows}); // rows for now: × N for a dense file, once N is known
  });
  if (issues.hasErrors) return null;
  // A head split over two row groups (as a row group of a fixed number of rows may split one) cannot be read as a part.
  const seen = new Map<string, RowGroupPart>();
  for (const part of parts) {
    for (let h = part.firstHead; h < part.firstHead + part.headCount; h++) {
      const key = `${part.group}|${part.layer}|${h}`;
      const other = seen.get(key);
      if (other) issues.error("parts", `${name} is too large to hold in memory, and a head's rows are in more than one row group, so it cannot be read in parts: ${ADVICE}`, `layer ${part.layer}, head ${h} (row groups ${other.index} and ${part.index})`, "heads");
      else seen.set(key, part);
    }
  }
  if (issues.hasErrors) return null;
  if (parts.length === 0) {
    issues.error("no_rows", `${name} has columns but no rows`);
    return null;
  }
  // Tokens fix N; without them N is the largest position + 1 (dense rows must then hold N weights each).
  const list = [...sequences.values()];
  const given = list.map((s) => tokensFor(tokens, s.sample));
  let n = positions;
  if (tokens) {
    list.forEach((s, i) => {
      if (!given[i]) issues.error("token_mismatch", `${name}: the tokens file has no tokens for sample ${s.sample}`);
      else if (given[i]!.length < positions) issues.error("token_mismatch", `${name}: the tokens list has ${given[i]!.length} tokens but the positions go up to ${positions - 1}`);
    });
    if (issues.hasErrors) return null;
    n = given[0]!.length;
  } else issues.warn("no_tokens", `${name}: no tokens list came with the file, so positions are shown as numbers (add a tokens file to see tokens)`);
  for (const part of parts) {
    part.weights *= tidy ? 1 : n;
    weights += part.weights;
    if (part.weights > MAX_PART_WEIGHTS) {
      issues.error("parts", `${name}: a row group holds ${part.weights.toLocaleString("en-US")} weights, more than one part read at a time may (${MAX_PART_WEIGHTS.toLocaleString("en-US")}): ${ADVICE}`, `row group ${part.index} (layer ${part.layer}, ${partHeads(part)})`, "row groups");
    }
  }
  if (issues.hasErrors) return null;

  const groups: AttentionGroup[] = list.map((s, i) => ({
    model: s.model,
    sample: s.sample,
    label: groupLabel(s.model, s.sample),
    tokens: given[i] ?? Array.from({length: n}, (_, k) => String(k)),
    numbered: !given[i]
  }));
  const hasEffective = columns.has("effective");
  const read = [...REQUIRED, ...OPTIONAL.filter((c) => columns.has(c))];
  const warnings = new IssueList();
  const listeners = new Set<() => void>();
  /** How many warnings the parts read so far have given. */
  const warned = () => PART_WARNINGS.reduce((sum, code) => sum + warnings.count(code), 0);
  const cache = partCache<PartMaps>(MAX_CACHED_WEIGHTS);

  const queue = readQueue();
  /** One row group decoded and checked as the part its statistics name; `urgent` for a head a view waits on. */
  /** One row group decoded and checked as the part its statistics name (summarised when a scan asks). */
  const ask = async (part: RowGroupPart, summary?: SummaryRequest, by: PartReader = reader) => {
    const label = groups.length > 1 ? `${name} (${groups[part.group].label})` : name;
    const reply = await by({rowGroup: part.index, columns: read, label, where: {layer: part.layer, firstHead: part.firstHead, headCount: part.headCount, n}, tokens, ...(summary && {summary})});
    if (reply.error !== null) throw new Error(reply.error);
    // Warnings join one list for the file, so that the same problem in many parts is one line with its count.
    const before = warned();
    warnings.absorb(IssueList.from(reply.warnings));
    if (warned() !== before) listeners.forEach((listener) => listener());
    return reply;
  };
  /** A part's maps, from the cache or read; `urgent` for a head a view waits on. */
  const readPart = (part: RowGroupPart, urgent: boolean): Promise<PartMaps> => {
    if (urgent) queue.promote(part.index);
    return cache(part.index, part.weights, () =>
      queue.run(part.index, urgent, async () => {
        const {maps} = await ask(part);
        if (!maps) throw new Error(`${name}: row group ${part.index} came back without its maps`);
        return maps;
      })
    );
  };
  const holding = (group: number, layer: number, head: number) => parts.find((p) => p.group === group && p.layer === layer && head >= p.firstHead && head < p.firstHead + p.headCount);
  const headMap = async (group: number, layer: number, head: number, kind: "pattern" | "effective" = "pattern", urgent = true): Promise<HeadMap> => {
    const part = holding(group, layer, head);
    if (!part) return Array.from({length: n}, () => new Float32Array(n)); // no row: drawn as 0, as in a whole file
    const maps = await readPart(part, urgent);
    return (kind === "effective" && maps.effective ? maps.effective : maps.pattern)[head - part.firstHead];
  };
  return {
    source: `${tidy ? "tidy" : "dense"} Parquet, read in parts (${parts.length.toLocaleString("en-US")} row groups)`,
    layers,
    heads,
    n,
    groups,
    hasEffective,
    weights,
    head: headMap,
    layer: (group, layer, kind) => Promise.all(Array.from({length: heads}, (_, h) => headMap(group, layer, h, kind, false))),
    prefetch(group, layer, head) {
      if (layer >= 0 && layer < layers) headMap(group, layer, head, "pattern", false).catch(() => undefined); // its error shows when a view asks
    },
    async scan(group, request, onPart, stopped) {
      const ordered = parts.filter((p) => p.group === group).sort((a, b) => a.layer - b.layer || a.firstHead - b.firstHead);
      for (const part of ordered) {
        if (stopped()) return;
        const {summary} = await (scanReader ? ask(part, request, scanReader) : queue.run(SCAN_KEY, false, () => ask(part, request)));
        if (!summary) throw new Error(`${name}: row group ${part.index} came back without its summary`);
        onPart({layer: part.layer, firstHead: part.firstHead, headCount: part.headCount}, summary);
      }
    },
    warnings: () => warnings.list(),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }
  };
}

/**
 * A cache of decoded parts by row group, holding at most `budget` weights: the least recently used go first
 * (a part being read stays). A failed read is not kept, so asking again reads again.
 */
export function partCache<T>(budget: number): (index: number, weights: number, read: () => Promise<T>) => Promise<T> {
  const entries = new Map<number, {weights: number; value: Promise<T>}>();
  let held = 0;
  return (index, weights, read) => {
    const hit = entries.get(index);
    if (hit) {
      entries.delete(index); // re-inserted: most recently used last
      entries.set(index, hit);
      return hit.value;
    }
    for (const [key, entry] of entries) {
      if (held + weights <= budget) break;
      entries.delete(key);
      held -= entry.weights;
    }
    const value = read();
    entries.set(index, {weights, value});
    held += weights;
    value.catch(() => {
      if (entries.get(index)?.value === value) {
        entries.delete(index);
        held -= weights;
      }
    });
    return value;
  };
}

/**
 * Runs reads one at a time, each starting in a task of its own, so the page draws and answers between two parts.
 * Urgent reads (a head a view waits on) go first; `promote` moves a read still waiting to the front.
 */
export function readQueue(): {run<T>(key: number, urgent: boolean, read: () => Promise<T>): Promise<T>; promote(key: number): void} {
  const waiting: {key: number; start: () => void}[] = [];
  let busy = false;
  const next = () => {
    if (busy || waiting.length === 0) return;
    busy = true;
    setTimeout(() => waiting.shift()!.start(), 0); // the front as it is then: a read asked for meanwhile may go first
  };
  return {
    run: (key, urgent, read) =>
      new Promise((resolve, reject) => {
        const start = () =>
          read()
            .then(resolve, reject)
            .finally(() => {
              busy = false;
              next();
            });
        if (urgent) waiting.unshift({key, start});
        else waiting.push({key, start});
        next();
      }),
    promote(key) {
      const at = waiting.findIndex((w) => w.key === key);
      if (at > 0) waiting.unshift(...waiting.splice(at, 1));
    }
  };
}
