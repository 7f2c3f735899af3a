// The reader's own file as the head workbench and the explorer open it: the file kept in this browser by "Your
// data" read back and checked again by the reader the page passes (its worker, upload/workerLoad.ts), started
// only when a file is kept, and what those pages say of it. No DOM: the reader and the storage are passed in,
// so tests run it in Node.
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

/** What a page knows of the kept file before reading it, and when none is kept. */
export const NO_KEPT_FILE: KeptFile = {names: [], result: null, error: null};

/** Opens the file "Your data" kept in this browser with the reader `reader()` makes; none kept is `{result: null, error: null}`. */
export async function openKeptFile(reader: () => Loader | Promise<Loader>, kept: () => Promise<KeptUpload | null> = keptUpload): Promise<KeptFile> {
  try {
    const upload = await kept();
    if (!upload) return NO_KEPT_FILE;
    const names = upload.files.map((f) => f.name);
    // A file over the size limit is one Your data reads in parts: it is not read here at all.
    const large = upload.files.find((f) => f.size > MAX_FILE_BYTES);
    if (large) return {names, result: {issues: [{level: "error", code: "too_large", message: `${large.name} is ${(large.size / 1e6).toFixed(0)} MB: Your data reads it in parts, one head at a time, but the head workbench and the explorer open only files they can hold (up to ${MAX_FILE_LABEL})`}], data: null, offRows: 0}, error: null};
    const read = await reader();
    return {names, result: await read(upload.files, () => {}), error: null};
  } catch (error) {
    return {names: [], result: null, error: (error as Error).message};
  }
}

/** Where a page's build put the upload worker and parquet-wasm (the page resolves them with `import.meta.resolve`). */
export interface ReaderUrls {
  worker: string;
  module: string;
  wasm: string;
}

/**
 * Opens the kept file in the upload worker, started only when a file is kept and ended with the page
 * (`invalidation`). The worker's client is imported then too, so a page without a kept file never loads the
 * readers it brings along (apache-arrow and the codecs).
 */
export function openKeptFileInWorker(urls: ReaderUrls, invalidation: Promise<unknown>): Promise<KeptFile> {
  let worker: Worker | null = null;
  void invalidation.then(() => worker?.terminate());
  return openKeptFile(async () => {
    const {workerLoader} = await import("../upload/workerLoad.js");
    return workerLoader((worker = new Worker(urls.worker, {type: "module"})), {module: urls.module, wasm: urls.wasm});
  });
}

/** Whether an address asks for a model of the reader's file (`?model=file`, `?model=file-1`, …). */
export function asksForFile(search: string): boolean {
  return new URLSearchParams(search).get("model")?.startsWith("file") ?? false;
}

/**
 * The kept file as a page that also has models of its own learns of it (Observable's `Generators.observe`
 * gives `notify`). When the address asks for one of the file's models, the page waits for the file: `notify`
 * is called once it is read. Otherwise the page need not wait: `notify` gets NO_KEPT_FILE at once, and the
 * file later only if one is kept (so a page without one is drawn once).
 */
export function keptFileUpdates(reading: Promise<KeptFile>, search: string, notify: (file: KeptFile) => void): void {
  const asked = asksForFile(search);
  if (!asked) notify(NO_KEPT_FILE);
  void reading.then((file) => {
    if (asked || file.names.length > 0 || file.error !== null) notify(file);
  });
}

/**
 * What a page that offers the file's models (the head workbench, the explorer) says of the file above its
 * controls: which models it added, or why the one the address asks for (`?model=file…`) is not there; null
 * when there is nothing to say. `models` are the page's models; the file's are those of family "file".
 */
export function keptNote(kept: KeptFile, models: readonly {family: string; name: string}[], search: string): string | null {
  const files = models.filter((m) => m.family === "file");
  if (files.length > 0) return `Your file (${kept.names.join(", ")}, kept in this browser by Your data) is under Model: ${files.map((m) => m.name).join(", ")}.`;
  if (!asksForFile(search)) return null;
  if (kept.error) return `The file kept by Your data could not be read from this browser's storage (${kept.error}); open it there again.`;
  if (kept.result && !kept.result.data) return `The file kept by Your data no longer loads (${kept.result.issues.find((i) => i.level === "error")?.message ?? "unknown error"}); open it there again.`;
  return "No file is kept in this browser: open one in Your data first, then come back (the built-in models are shown meanwhile).";
}
