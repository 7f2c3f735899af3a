// Turns the bytes of one file into an Arrow table or a JSON value, after sniffing what it is (by its
// first bytes, not its name). A truncated or corrupt file becomes an "corrupt" issue, never an exception.
// Parquet is decoded by a function the caller passes in (parquet-wasm in the browser and in Node), so this
// module has no wasm and no DOM. Pure.
import {tableFromIPC, type Table} from "apache-arrow";
import type {IssueList} from "./issues.js";
import {MAX_FILE_BYTES, MAX_FILE_LABEL} from "./limits.js";

export type FileKind = "arrow-file" | "arrow-stream" | "parquet" | "json";

/** Parquet bytes → Arrow IPC stream bytes (parquet-wasm's readParquet(…).intoIPCStream()). */
export type ParquetDecoder = (bytes: Uint8Array) => Uint8Array;

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

export type Decoded = {kind: "table"; format: string; table: Table} | {kind: "json"; format: string; value: unknown};

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const CONTINUATION = 0xff; // an IPC stream message starts with 0xFFFFFFFF
const CONTINUATION_BYTES = 4;
const JSON_OPENERS = new Set(["{", "["]);
const BYTE_ORDER_MARK = "\uFEFF";
const SNIFF_BYTES = 64;

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);

export function detectKind(bytes: Uint8Array): FileKind | null {
  if (startsWith(bytes, ARROW_MAGIC)) return "arrow-file";
  if (startsWith(bytes, PARQUET_MAGIC)) return "parquet";
  if (bytes.length >= CONTINUATION_BYTES && bytes.subarray(0, CONTINUATION_BYTES).every((b) => b === CONTINUATION)) return "arrow-stream";
  const head = new TextDecoder().decode(bytes.subarray(0, SNIFF_BYTES)).replace(BYTE_ORDER_MARK, "").trimStart();
  if (JSON_OPENERS.has(head[0])) return "json";
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

export function decodeFile(file: UploadFile, issues: IssueList, decodeParquet?: ParquetDecoder): Decoded | null {
  const {name, bytes} = file;
  if (!checkSize(name, bytes.length, issues)) return null;
  const kind = detectKind(bytes);
  if (kind === null) {
    issues.error("unknown_format", `${name} is not Arrow IPC, Parquet or JSON (its first bytes match none of them)`);
    return null;
  }
  try {
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
      return {kind: "table", format: "Parquet", table: tableFromIPC(decodeParquet(bytes))};
    }
    return {kind: "table", format: kind === "arrow-file" ? "Arrow IPC file" : "Arrow IPC stream", table: tableFromIPC(bytes)};
  } catch (error) {
    issues.error("corrupt", `${name} is truncated or corrupt: the ${kind === "parquet" ? "Parquet" : "Arrow"} reader stopped with "${reason(error)}"`);
    return null;
  }
}
