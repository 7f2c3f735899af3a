// The reader's own file as the head workbench and the explorer open it: the file kept in this browser by "Your
// data", read back and checked again by the reader the page passes (its worker, upload/workerLoad.ts), started
// only when a file is kept, or opened in parts when it is too large to hold (readerParts.ts, as Your data does);
// for the explorer also a Parquet file at the address's `?url=`, opened in parts. And what those pages say of
// it. No DOM: the reader, the opener and the storage are passed in, so tests run it in Node.
import {keptUpload, type KeptUpload} from "../upload/kept.js";
import type {LoadResult} from "../upload/load.js";
import type {Loader} from "../upload/workerLoad.js";
import type {Issue} from "../upload/issues.js";
import type {PartsFile} from "../sources/readerParquet.js";
import type {PartsOpener, PartsUrls} from "./readerParts.js";

/**
 * The reader's file: its names and what reading it gave (null when none is kept), or why the storage could not be
 * read. A file read in parts (too large to hold, or at a URL) is `parts`, and then `result.data` is null.
 */
export interface KeptFile {
  names: string[];
  result: LoadResult | null;
  parts: PartsFile | null;
  /** the address it was opened from (`?url=`), or null for the file kept in this browser */
  url: string | null;
  /** the address of its tokens file (`?tokens=`), or null */
  tokens: string | null;
  error: string | null;
}

/** What a page knows of the kept file before reading it, and when none is kept. */
export const NO_KEPT_FILE: KeptFile = {names: [], result: null, parts: null, url: null, tokens: null, error: null};

const asResult = (issues: Issue[]): LoadResult => ({issues, data: null, offRows: 0});

/**
 * Opens the file "Your data" kept in this browser: in parts where Your data reads it so (`parts` decides), else
 * whole with the reader `reader()` makes, started only then; none kept is NO_KEPT_FILE.
 */
export async function openKeptFile(reader: () => Loader | Promise<Loader>, parts: PartsOpener, kept: () => Promise<KeptUpload | null> = keptUpload): Promise<KeptFile> {
  try {
    const upload = await kept();
    if (!upload) return NO_KEPT_FILE;
    const names = upload.files.map((f) => f.name);
    const opened = await parts.files(upload.files);
    if (opened) return {...NO_KEPT_FILE, names, result: asResult(opened.issues), parts: opened.parts};
    const read = await reader();
    return {...NO_KEPT_FILE, names, result: await read(upload.files, () => {})};
  } catch (error) {
    return {...NO_KEPT_FILE, error: (error as Error).message};
  }
}

/** Opens the Parquet file at `url` in parts (range requests), with the tokens file at `tokens` if given; a failure is a message in its result. */
export async function openUrlFile(parts: PartsOpener, url: string, tokens: string | null = null): Promise<KeptFile> {
  try {
    const opened = await parts.url(url, tokens);
    return {...NO_KEPT_FILE, names: opened.names, result: asResult(opened.issues), parts: opened.parts, url, tokens};
  } catch (error) {
    return {...NO_KEPT_FILE, names: [url], result: asResult([{level: "error", code: "corrupt", message: `${url} could not be read (${(error as Error).message})`}]), url, tokens};
  }
}

/**
 * The absolute address of the file an address asks for (`?url=…`, relative to `base`), or null; `param: "tokens"`,
 * of its tokens file (`&tokens=…`).
 */
export function askedUrl(search: string, base: string, param: "url" | "tokens" = "url"): string | null {
  const url = new URLSearchParams(search).get(param);
  if (!url) return null;
  try {
    return new URL(url, base).href;
  } catch {
    return url; // not an address: opening it says so
  }
}

/** Where a page's build put the upload worker, the footer worker and parquet-wasm (the page resolves them with `import.meta.resolve`). */
export interface ReaderUrls extends PartsUrls {
  worker: string;
}

/**
 * Opens the reader's file on a page: the Parquet file at `address`'s `?url=` when it names one (the explorer
 * passes its address), else the kept file, read whole in the upload worker (started only then) or in parts.
 * Workers end with the page (`invalidation`). The upload worker's client and the parts opener are imported only
 * when used, so a page without a reader's file never loads the readers they bring along (apache-arrow and the codecs).
 */
export function openReaderFile(urls: ReaderUrls, invalidation: Promise<unknown>, address: {search: string; base: string} | null = null): Promise<KeptFile> {
  const parts = lazyParts(urls, invalidation);
  const url = address && askedUrl(address.search, address.base);
  if (url) return openUrlFile(parts, url, askedUrl(address.search, address.base, "tokens"));
  let worker: Worker | null = null;
  void invalidation.then(() => worker?.terminate());
  const reader = async () => {
    const {workerLoader} = await import("../upload/workerLoad.js");
    return workerLoader((worker = new Worker(urls.worker, {type: "module"})), {module: urls.module, wasm: urls.wasm});
  };
  return openKeptFile(reader, parts);
}

/**
 * The opener of files read in parts, imported the first time it is used: a page with no reader's file never
 * loads the Parquet readers it brings along (hyparquet, apache-arrow).
 */
function lazyParts(urls: PartsUrls, invalidation: Promise<unknown>): PartsOpener {
  let opener: Promise<PartsOpener> | null = null;
  const get = () => (opener ??= import("./readerParts.js").then(({browserParts}) => browserParts(urls, invalidation)));
  return {files: async (files) => (await get()).files(files), url: async (url, tokens) => (await get()).url(url, tokens)};
}

/**
 * A page's query string (`query`, without "?") with the file at a URL that `asked` (the address the page was
 * opened with) names, and its tokens file, so that a reload or a shared link opens that file again.
 */
export function withAskedUrl(query: string, asked: string): string {
  const params = new URLSearchParams(query);
  const given = new URLSearchParams(asked);
  for (const name of ["url", "tokens"]) {
    const value = given.get(name);
    if (value !== null && given.has("url")) params.set(name, value);
  }
  return `?${params}`;
}

/** The name a file at a URL goes by in the menus and the views: the last part of its path, else the whole address. */
export function urlFileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() || url);
  } catch {
    return url;
  }
}

/** The name the pages give the reader's file: its file names, or, for a file at a URL, its path's last part. */
export const fileNames = (kept: Pick<KeptFile, "names" | "url">): string => (kept.url ? urlFileName(kept.url) : kept.names.join(", "));

/** Whether an address asks for the reader's file: one of its models (`?model=file`, `?model=file-1`, …) or a file at a URL (`?url=`). */
export function asksForFile(search: string): boolean {
  const params = new URLSearchParams(search);
  return (params.get("model")?.startsWith("file") ?? false) || params.has("url");
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
  const names = kept.names.join(", ");
  const failure = () => kept.result?.issues.find((i) => i.level === "error")?.message ?? "unknown error";
  if (files.length > 0) {
    const under = `under Model: ${files.map((m) => m.name).join(", ")}`;
    if (kept.url) return `The Parquet file at ${kept.url}${kept.tokens ? `, with the tokens at ${kept.tokens},` : ""} is read in parts, one head at a time as the views draw it (nothing is kept or uploaded), and is ${under}.`;
    if (kept.parts) return `Your file (${names}, kept in this browser by Your data) is read in parts, one head at a time as the views draw it, and is ${under}.`;
    return `Your file (${names}, kept in this browser by Your data) is ${under}.`;
  }
  if (!asksForFile(search)) return null;
  if (kept.url) return `The file the address names could not be opened: ${failure()}. The built-in models are shown instead.`;
  if (kept.error) return `The file kept by Your data could not be read from this browser's storage (${kept.error}); open it there again.`;
  if (kept.result && !kept.result.data) return `The file kept by Your data no longer loads (${failure()}); open it there again.`;
  return "No file is kept in this browser: open one in Your data first, then come back (the built-in models are shown meanwhile).";
}
