// The reader's own file as the head workbench opens it: the file kept in this browser by "Your data" read back
// and checked again by the reader the page passes (its worker, upload/workerLoad.ts), started only when a file
// is kept. No DOM: the reader and the storage are passed in, so tests run it in Node.
import {keptUpload, type KeptUpload} from "../upload/kept.js";
import type {LoadResult} from "../upload/load.js";
import type {Loader} from "../upload/workerLoad.js";

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
    return {names: upload.files.map((f) => f.name), result: await reader()(upload.files, () => {}), error: null};
  } catch (error) {
    return {names: [], result: null, error: (error as Error).message};
  }
}
