// Turns the bytes of one file into an Arrow table or a JSON value, after sniffing what it is (by its
// first bytes, not its name). Arrow IPC and Feather may be LZ4- or ZSTD-compressed (codecs.ts); a page
// saved from BertViz gives the params JSON it embeds. A file of a kind this page does not read (NumPy,
// PyTorch, Feather version 1, HDF5) is named as such; a truncated or corrupt file becomes a "corrupt"
// issue, never an exception. Parquet is decoded by functions the caller passes in (parquet-wasm in the
// browser and in Node), so this module has no wasm and no DOM. Pure.
//
// A Parquet file is not decoded whole: its footer is read here (hyparquet), and its rows are `Rows` whose
// record batches are decoded one row group at a time each time they are read, so that a 12 × 12 × 512 tidy
// file (37.7 M rows, 1.4 GB as Arrow with pandas' 64-bit indices) never sits in memory as a table.
import {Table, tableFromIPC, type RecordBatch} from "apache-arrow";
import {parquetMetadata, type FileMetaData} from "hyparquet";
import {registerArrowCodecs} from "./codecs.js";
import {bertvizParamsFromHtml} from "./fromBertviz.js";
import {shortColumn} from "./integrity.js";
import type {Rows, Stated} from "./columns.js";
import {checkIpcFile, checkIpcStream} from "./ipcMetadata.js";
import type {IssueList} from "./issues.js";
import {MAX_FILE_BYTES, MAX_FILE_LABEL} from "./limits.js";

export type FileKind = "arrow-file" | "arrow-stream" | "parquet" | "json" | "html";

/** Parquet through the caller's decoder (parquetWasm.ts): the file's Arrow schema, and its rows a row group at a time. */
export interface ParquetDecoder {
  /** the file's Arrow schema, as an Arrow IPC stream without rows */
  schema(bytes: Uint8Array): Uint8Array;
  /** the rows of row group `index`, as Arrow IPC streams (a few record batches each) */
  rowGroup(bytes: Uint8Array, index: number): Uint8Array[];
}

/**
 * What stopped the decoding of a Parquet file's row group while its rows were read, as the file's "corrupt"
 * message (load.ts turns it into the issue).
 */
export class CorruptFile extends Error {}

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * A file not read yet, as picked, dropped or kept: a browser File is one, and the upload worker and IndexedDB
 * take it by reference, so handing it over copies nothing on the page's thread.
 */
export interface PickedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The files' bytes. */
export function readPicked(files: readonly PickedFile[]): Promise<UploadFile[]> {
  return Promise.all(files.map(async (f) => ({name: f.name, bytes: new Uint8Array(await f.arrayBuffer())})));
}

export type Decoded = {kind: "table"; format: string; table: Rows} | {kind: "json"; format: string; value: unknown};

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const CONTINUATION = 0xff; // an IPC stream message starts with 0xFFFFFFFF
const CONTINUATION_BYTES = 4;
const JSON_OPENERS = new Set(["{", "["]);
const HTML_OPENER = "<";
const BYTE_ORDER_MARK = "\uFEFF";
const SNIFF_BYTES = 64;

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** Files people export attention in that this page does not read: what they are, and what to do instead. */
const FOREIGN: {magic: number[]; what: string; instead: string}[] = [
  {magic: ascii("\x93NUMPY"), what: "a NumPy array (.npy)", instead: "write it as a table with pyarrow (docs/export-attention.md)"},
  {magic: ascii("PK\x03\x04"), what: "a zip archive (what torch.save and numpy.savez write)", instead: "write the tensor as a table with pyarrow (docs/export-attention.md)"},
  {magic: ascii("FEA1"), what: "Feather version 1", instead: "write it again as Feather version 2, pyarrow's default (feather.write_feather(table, path))"},
  {magic: ascii("\x89HDF"), what: "an HDF5 file", instead: "write the tensor as a table with pyarrow (docs/export-attention.md)"}
];
const CSV = {what: "comma- or tab-separated text (CSV)", instead: "write the table with to_parquet or to_feather instead of to_csv"};
const SEPARATORS = /[,\t]/;
const PRINTABLE = /^[\x20-\x7e\t\r\n]*$/;

/** Printable text whose first line holds a separator. */
function looksLikeCsv(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, SNIFF_BYTES));
  return PRINTABLE.test(head) && SEPARATORS.test(head.split("\n")[0]);
}

export function detectKind(bytes: Uint8Array): FileKind | null {
  if (startsWith(bytes, ARROW_MAGIC)) return "arrow-file";
  if (startsWith(bytes, PARQUET_MAGIC)) return "parquet";
  if (bytes.length >= CONTINUATION_BYTES && bytes.subarray(0, CONTINUATION_BYTES).every((b) => b === CONTINUATION)) return "arrow-stream";
  const head = new TextDecoder().decode(bytes.subarray(0, SNIFF_BYTES)).replace(BYTE_ORDER_MARK, "").trimStart();
  if (JSON_OPENERS.has(head[0])) return "json";
  if (head[0] === HTML_OPENER) return "html";
  return null;
}

/** The size check, done on File.size before the page reads a byte. */
export function checkSize(name: string, size: number, issues: IssueList): boolean {
  if (size === 0) {
    issues.error("empty", `${name} is empty (0 bytes)`);
    return false;
  }
  if (size > MAX_FILE_BYTES) {
    issues.error("too_large", `${name} is ${(size / 1e6).toFixed(0)} MB, over the ${MAX_FILE_LABEL} limit of this page; export fewer layers, heads or samples per file`);
    return false;
  }
  return true;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How far a read of a Parquet file's rows has come: rows decoded of all, and which read of them this is (from 1). */
export type OnProgress = (rows: number, total: number, read: number) => void;

export function decodeFile(file: UploadFile, issues: IssueList, decodeParquet?: ParquetDecoder, onProgress?: OnProgress): Decoded | null {
  const {name, bytes} = file;
  if (!checkSize(name, bytes.length, issues)) return null;
  const kind = detectKind(bytes);
  if (kind === null) {
    const foreign = FOREIGN.find((f) => startsWith(bytes, f.magic)) ?? (looksLikeCsv(bytes) ? CSV : undefined);
    issues.error("unknown_format", foreign ? `${name} is ${foreign.what}, which this page does not read: ${foreign.instead}` : `${name} is not Arrow IPC, Feather, Parquet, JSON or a BertViz page (its first bytes match none of them)`);
    return null;
  }
  try {
    if (kind === "html") {
      const params = bertvizParamsFromHtml(new TextDecoder().decode(bytes));
      if (params === null) {
        issues.error("unknown_format", `${name} is an HTML page without BertViz's data in it (a page saved from head_view or model_view holds "const params = {…}")`);
        return null;
      }
      try {
        return {kind: "json", format: "BertViz page", value: JSON.parse(params)};
      } catch (error) {
        issues.error("corrupt", `${name}: the BertViz data in this page is not valid JSON (${reason(error)})`);
        return null;
      }
    }
    if (kind === "json") {
      const text = new TextDecoder().decode(bytes);
      try {
        return {kind: "json", format: "JSON", value: JSON.parse(text)};
      } catch (error) {
        const hint = /\b(NaN|-?Infinity)\b/.test(text)
          ? " — it contains NaN or Infinity, which JSON cannot hold (Python's json.dump writes them): replace them before exporting"
          : " — the file is truncated or not valid JSON";
        issues.error("corrupt", `${name} could not be read as JSON (${reason(error)})${hint}`);
        return null;
      }
    }
    if (kind === "arrow-file" && !startsWith(bytes, ARROW_MAGIC, bytes.length - ARROW_MAGIC.length)) {
      issues.error("corrupt", `${name} is a truncated Arrow IPC file: it starts like one but its footer is missing`);
      return null;
    }
    if (kind === "parquet") {
      if (!startsWith(bytes, PARQUET_MAGIC, bytes.length - PARQUET_MAGIC.length)) {
        issues.error("corrupt", `${name} is a truncated Parquet file: it starts like one but its footer is missing`);
        return null;
      }
      if (!decodeParquet) {
        issues.error("corrupt", `${name} is Parquet, and no Parquet decoder is available here`);
        return null;
      }
      return {kind: "table", format: "Parquet", table: parquetRows(name, bytes, decodeParquet, onProgress)};
    }
    registerArrowCodecs();
    (kind === "arrow-file" ? checkIpcFile : checkIpcStream)(bytes);
    const table = tableFromIPC(bytes);
    const short = shortColumn(table);
    if (!short) return {kind: "table", format: kind === "arrow-file" ? "Arrow IPC file" : "Arrow IPC stream", table};
    issues.error("corrupt", `${name} is truncated or corrupt: its ${kind === "arrow-file" ? "Arrow IPC file" : "Arrow IPC stream"} metadata declares more than its data holds (${short})`);
    return null;
  } catch (error) {
    issues.error("corrupt", `${name} is truncated or corrupt: the ${kind === "parquet" ? "Parquet" : "Arrow"} reader stopped with "${reason(error)}"`);
    return null;
  }
}

/** The same columns, of the same types, in the same order. */
const sameSchema = (a: Rows["schema"], b: Rows["schema"]) =>
  a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && String(f.type) === String(b.fields[i].type));

/**
 * A Parquet file's rows: the schema and row count from its footer, the record batches decoded a row group at a
 * time, again on every read of `batches`, telling `onProgress` after each one. Each row group is checked as an Arrow file is (its metadata against
 * its buffers, its schema against the file's), and what stops its decoding is thrown as a CorruptFile.
 */
function parquetRows(name: string, bytes: Uint8Array, decode: ParquetDecoder, onProgress?: OnProgress): Rows {
  const metadata = parquetMetadata(bytes);
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  const numRows = groups.reduce((sum, rows) => sum + rows, 0);
  const ipc = decode.schema(bytes);
  checkIpcStream(ipc);
  const {schema} = tableFromIPC(ipc);
  let reads = 0;
  function* batches(): Generator<RecordBatch> {
    const read = ++reads;
    let rows = 0;
    for (let g = 0; g < groups.length; g++) {
      let tables: Table[];
      try {
        tables = decode.rowGroup(bytes, g).map((stream) => (checkIpcStream(stream), tableFromIPC(stream)));
        for (const table of tables) {
          const short = shortColumn(table);
          if (short) throw new CorruptFile(`${name} is truncated or corrupt: its Parquet metadata declares more than its data holds (row group ${g}: ${short})`);
          if (table.numRows > 0 && !sameSchema(table.schema, schema)) throw new CorruptFile(`${name} is truncated or corrupt: row group ${g} does not have the file's columns`);
        }
      } catch (error) {
        throw error instanceof CorruptFile ? error : new CorruptFile(`${name} is truncated or corrupt: the Parquet reader stopped with "${reason(error)}"`);
      }
      for (const table of tables) {
        rows += table.numRows;
        yield* table.batches;
      }
      onProgress?.(rows, numRows, read);
    }
    if (rows !== numRows) throw new CorruptFile(`${name} is truncated or corrupt: its Parquet metadata declares ${numRows} rows and its row groups hold ${rows}`);
  }
  return {
    schema,
    numRows,
    stated: statedColumns(metadata.row_groups),
    get batches() {
      return batches();
    }
  };
}

/**
 * The columns whose every row group states its null count in the footer, with their smallest and largest value
 * where every row group states both as a number: the top-level columns, a list column by its one leaf (whose
 * nulls the pass that fills checks against the list's own).
 */
function statedColumns(groups: FileMetaData["row_groups"]): Map<string, Stated> {
  const stated = new Map<string, Stated>();
  const leaves = (g: FileMetaData["row_groups"][number], column: string) => g.columns.filter((c) => c.meta_data?.path_in_schema[0] === column);
  const columns = new Set(groups.flatMap((g) => g.columns.map((c) => c.meta_data?.path_in_schema[0])));
  const asNumber = (v: unknown) => (typeof v === "number" || typeof v === "bigint" ? Number(v) : undefined);
  for (const column of columns) {
    if (column === undefined || groups.some((g) => leaves(g, column).length !== 1)) continue;
    const all = groups.map((g) => leaves(g, column)[0].meta_data?.statistics);
    if (all.some((s) => s?.null_count === undefined)) continue;
    const least = all.map((s) => asNumber(s!.min_value));
    const most = all.map((s) => asNumber(s!.max_value));
    const bounded = least.every((v) => v !== undefined) && most.every((v) => v !== undefined);
    stated.set(column, {
      nulls: all.reduce((sum, s) => sum + Number(s!.null_count), 0),
      ...(bounded ? {least: (least as number[]).reduce((a, b) => Math.min(a, b)), most: (most as number[]).reduce((a, b) => Math.max(a, b))} : {})
    });
  }
  return stated;
}

/** Rows as a table in memory (the small tables: tokens, mixing, ablation). */
export function inMemory(rows: Rows): Table {
  return rows instanceof Table ? rows : new Table(rows.schema, [...rows.batches]);
}
