// The reader's own file as the head workbench opens it: the file kept in this browser by "Your data" read back
// and checked again by the reader the page passes (its worker, upload/workerLoad.ts), started only when a file
// is kept. No DOM: the reader and the storage are passed in, so tests run it in Node.
import {keptUpload, type KeptUpload} from "../upload/kept.js";
import type {LoadResult} from "../upload/load.js";
import type {Loader} from "../upload/workerLoad.js";
import {MAX_FILE_BYTES, MAX_FILE_LABEL} from "../upload/limits.js";

/** The kept file: its names and what reading it gave (null when none is kept), or why the storage could not be read. */
export interface KeptFile {
  names: string[];
  result: LoadResult | null;
  error: string | null;
}

/** Opens the file "Your data" kept in this browser with the reader `reader()` makes; none kept is `{result: null, error: null}`. */
export async function openKeptFile(reader: () => Loader, kept: () => Promise<KeptUpload | null> = keptUpload): Promise<KeptFile> {
  try {
    const upload = await kept();
    if (!upload) return {names: [], result: null, error: null};
    const names = upload.files.map((f) => f.name);
    // A file over the size limit is one Your data reads in parts: it is not read here at all.
    const large = upload.files.find((f) => f.size > MAX_FILE_BYTES);
    if (large) return {names, result: {issues: [{level: "error", code: "too_large", message: `${large.name} is ${(large.size / 1e6).toFixed(0)} MB: Your data reads it in parts, one head at a time, but the head workbench analyses only files it can hold (up to ${MAX_FILE_LABEL})`}], data: null, offRows: 0}, error: null};
    return {names, result: await reader()(upload.files, () => {}), error: null};
  } catch (error) {
    return {names: [], result: null, error: (error as Error).message};
  }
}
