// Which of a reader's files are read in parts, and their opening, for every page that opens one ("Your data", the
// explorer, the head workbench's note): a Parquet attention file larger than a page holds in memory (over the
// size limit, or declaring more weights than MAX_WEIGHTS), and any Parquet file at a URL, is opened from its
// footer and read one head at a time (src/sources/readerParquet.ts); on "Your data" also a file it could hold
// from PARTS_FROM_WEIGHTS on, when its row groups allow it (it draws sooner); everything else is read whole by
// the upload worker. A tokens file picked with it is read here (it is small). Its footer is read in the footer
// worker, its parts decoded and checked in the part worker, both off the page's thread. Pure but for
// `browserParts`: parquet-wasm's module, the footer reader and the part readers are passed in, so
// test/readerParquet.test.ts runs this in Node, on its own thread.
import {declaredWeights, footerAnswer, openParts, partAnswer, sourceDecoder, type DecoderModule, type FooterReply, type FooterRequest, type PartAnswer, type PartMessage, type PartReader, type PartsFile} from "../sources/readerParquet.js";
import {once} from "../sources/source.js";
import {IssueList, type Issue} from "../upload/issues.js";
import {MAX_FILE_BYTES, MAX_WEIGHTS, PARTS_FROM_WEIGHTS} from "../upload/limits.js";
import {fileRole} from "../upload/load.js";
import {urlFileName} from "./readerFile.js";
import {startParquet, wasmDecoder, type ParquetModule} from "../upload/parquetWasm.js";
import {detectKind, readPicked, type PickedFile} from "../upload/readers.js";
import type {TokenLists} from "../upload/tokens.js";

/** The parts of parquet-wasm used here: its async reader over a Blob or a URL (for parts read on this thread), and the small files' decoder. */
export interface PartsModule extends Pick<ParquetModule, "readParquet" | "readSchema">, DecoderModule {}

/** What opening files in parts gave: the file, or the reasons it could not be opened. */
export interface PartsResult {
  names: string[];
  issues: Issue[];
  parts: PartsFile | null;
  /** the file could be held whole (it opened in parts to draw sooner): the head workbench and the explorer read it whole */
  holdable: boolean;
}

/**
 * Opens picked files in parts, or says null: read them whole, as before; or the Parquet file at a URL, with the tokens
 * file at `tokens` when one is named.
 */
export type PartsOpener = {
  files(files: readonly PickedFile[]): Promise<PartsResult | null>;
  url(url: string, tokens?: string | null): Promise<PartsResult>;
};

/** Whether a picked file starts as Parquet does (only its first bytes are read). */
async function isParquet(file: PickedFile & Partial<Blob>): Promise<boolean> {
  return file.slice !== undefined && file.size >= 8 && detectKind(new Uint8Array(await file.slice(0, 4).arrayBuffer())) === "parquet";
}

/** The tokens among the other (small) files, and the names of the others (mixing and ablation tables). */
async function otherFiles(files: readonly PickedFile[], module: PartsModule, issues: IssueList): Promise<{tokens: TokenLists | null; tables: string[]}> {
  let tokens: TokenLists | null = null;
  const tables: string[] = [];
  for (const file of await readPicked(files)) {
    const role = fileRole(file, issues, wasmDecoder(module));
    if (role?.role === "tokens") tokens = role.tokens;
    else if (role) tables.push(file.name);
  }
  return {tokens, tables};
}

/**
 * The tokens file at `url`, read as a picked one is (a JSON list or `{"tokens": […]}`, or an Arrow or Parquet table
 * with `position` and `token` columns; parquet-wasm from `load`, started only for Parquet), or null with the reason
 * in `issues`. Its host must allow the page's origin (CORS).
 */
async function tokensAt(url: string, issues: IssueList, load: () => Promise<PartsModule>): Promise<TokenLists | null> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    issues.error("corrupt", `the tokens file at ${url} could not be read (${(error as Error).message})`);
    return null;
  }
  const role = fileRole({name: urlFileName(url), bytes}, issues, detectKind(bytes) === "parquet" ? wasmDecoder(await load()) : undefined);
  if (role && role.role !== "tokens") issues.error("token_mismatch", `${url} is not a tokens file (one is a JSON list of tokens, {"tokens": […]}, or a table with "position" and "token" columns)`);
  return role?.role === "tokens" ? role.tokens : null;
}

/** Reads a Parquet footer's index from a picked File or an absolute URL: in the footer worker on the page. */
export type FooterReader = (name: string, source: Blob | string) => Promise<Omit<FooterReply, "id">>;

/** What a worker client needs of a Worker: messages carrying an `id`, answered by the same `id` (a test passes its own). */
export interface WorkerPort<Message, Answer> {
  postMessage(message: Message): void;
  addEventListener(type: "message", listener: (event: MessageEvent<Answer>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
}

export type FooterPort = WorkerPort<FooterRequest, FooterReply>;
export type PartPort = WorkerPort<PartMessage, PartAnswer>;

/**
 * Requests to a worker started on first use, each answered by the message with its id. A worker that fails
 * answers every request waiting with `stopped` (its error in words), and the next request starts a new worker.
 */
function workerRequests<Message extends {id: number}, Answer extends {id: number}>(start: () => WorkerPort<Message, Answer>, stopped: (id: number, why: string) => Answer): (message: Omit<Message, "id">) => Promise<Answer> {
  let worker: WorkerPort<Message, Answer> | null = null;
  const pending = new Map<number, (answer: Answer) => void>();
  let next = 0;
  return (message) =>
    new Promise((resolve) => {
      if (!worker) {
        worker = start();
        worker.addEventListener("message", (event) => {
          pending.get(event.data.id)?.(event.data);
          pending.delete(event.data.id);
        });
        worker.addEventListener("error", (event) => {
          worker = null;
          for (const [id, answer] of pending) answer(stopped(id, event.message || "its worker failed"));
          pending.clear();
        });
      }
      const id = next++;
      pending.set(id, resolve);
      worker.postMessage({...message, id} as Message);
    });
}

/** The page's footer reader: requests to a footer worker (src/sources/footerWorker.ts), started on first use. */
export function workerFooter(start: () => FooterPort): FooterReader {
  const ask = workerRequests(start, (id, why): FooterReply => ({id, index: null, issues: [{level: "error", code: "corrupt", message: `the footer reader stopped (${why}); try again`}]}));
  return (name, source) => ask({name, source});
}

/** The same reading on the calling thread (Node and the unit tests). */
export const localFooter: FooterReader = (name, source) => footerAnswer({id: 0, name, source});

/** The part reader of one opened file, from the File (by reference) or the absolute URL it is read from. */
export type PartReaders = (source: Blob | string) => PartReader;

/**
 * The page's part readers: requests to one part worker for the page (src/sources/partWorker.ts), started on first
 * use, which starts parquet-wasm once for every file the page opens. A worker that fails answers every part
 * waiting with that error.
 */
export function workerParts(start: () => PartPort, parquet: PartMessage["parquet"]): PartReaders {
  const ask = workerRequests(start, (id, why): PartAnswer => ({id, maps: null, summary: null, error: `the part reader stopped (${why}); try again`, warnings: []}));
  let files = 0;
  return (source) => {
    const file = files++;
    return (request) => ask({file, source, parquet, request});
  };
}

/** The same reading on the calling thread (Node and the unit tests), with parquet-wasm from `load`. */
export const localParts =
  (load: () => Promise<DecoderModule>): PartReaders =>
  (source) => {
    const decoder = sourceDecoder(load, source);
    return (request) => partAnswer(decoder, request);
  };

/**
 * Above either limit a file is too large to hold (limits.ts); from `partsFrom` declared weights a file that could
 * be held opens in parts too, where its row groups allow it and only a tokens file comes with it (Infinity: never).
 * A test passes smaller ones.
 */
export interface HoldLimits {
  bytes: number;
  weights: number;
  partsFrom: number;
}

/** Too large to hold: over the size limit, or declaring more weights than MAX_WEIGHTS. */
const HOLD_LIMITS: HoldLimits = {bytes: MAX_FILE_BYTES, weights: MAX_WEIGHTS, partsFrom: Infinity};

/**
 * `start` starts parquet-wasm on this thread (once, the first time a tokens file comes with a file opened in parts;
 * the page passes its web build); `parts` decodes the parts (the page: in the part worker; by default on this thread),
 * and `scans` those a scan reads (the page: in a second part worker; by default `parts`, after the views' reads).
 */
export function partsOpener(start: () => Promise<PartsModule>, footer: FooterReader, limits: HoldLimits = HOLD_LIMITS, parts: PartReaders = localParts(start), scans?: PartReaders): PartsOpener {
  const load = once(start);
  return {
    async files(picked) {
      const parquet: PickedFile[] = [];
      for (const file of picked) if (await isParquet(file as PickedFile & Partial<Blob>)) parquet.push(file);
      if (parquet.length !== 1) return null;
      const [file] = parquet as (PickedFile & Blob)[];
      const read = await footer(file.name, file);
      // A footer that cannot be read: a file too large to read whole says why; another is read whole, which names the problem.
      if (!read.index) return file.size > limits.bytes ? {names: picked.map((f) => f.name), issues: read.issues, parts: null, holdable: false} : null;
      const weights = declaredWeights(read.index);
      if (weights === null) return null;
      const holdable = file.size <= limits.bytes && weights <= limits.weights;
      if (holdable && weights < limits.partsFrom) return null;
      const issues = new IssueList();
      const others = picked.filter((f) => f !== file);
      const {tokens, tables} = others.length ? await otherFiles(others, await load(), issues) : {tokens: null, tables: []};
      // A file that could be held is read whole when a table comes with it (they are read beside a whole file only).
      if (holdable && tables.length > 0) return null;
      for (const table of tables) issues.warn("extra_file", `${table} was not read: beside an attention file read in parts, only a tokens file is read (mixing and ablation tables need a file that fits in memory)`);
      const names = picked.map((f) => f.name);
      if (issues.hasErrors) return holdable ? null : {names, issues: issues.list(), parts: null, holdable};
      const opened = openParts({name: file.name, index: read.index, reader: parts(file), scanReader: scans?.(file), tokens}, issues);
      // Row groups that cannot be read in parts: a file that could be held is read whole (which checks it all).
      if (!opened && holdable) return null;
      return {names, issues: issues.list(), parts: opened, holdable};
    },
    async url(url, tokensUrl = null) {
      const issues = new IssueList();
      const names = tokensUrl ? [url, tokensUrl] : [url];
      const [read, tokens] = await Promise.all([footer(url, url), tokensUrl ? tokensAt(tokensUrl, issues, load) : null]);
      if (!read.index) return {names, issues: [...read.issues, ...issues.list()], parts: null, holdable: false};
      if (issues.hasErrors) return {names, issues: issues.list(), parts: null, holdable: false};
      const opened = openParts({name: url, index: read.index, reader: parts(url), scanReader: scans?.(url), tokens}, issues);
      return {names, issues: issues.list(), parts: opened, holdable: false};
    }
  };
}

/** Where a page's build put parquet-wasm and the footer and part workers (the page resolves them with `import.meta.resolve`). */
export interface PartsUrls {
  module: string;
  wasm: string;
  footer: string;
  part: string;
}

/**
 * The opener a page uses: the footer worker (src/sources/footerWorker.ts) and the part worker
 * (src/sources/partWorker.ts), and a second part worker for the head workbench's scans, each started on first use
 * and ended with the page (`invalidation`), and
 * parquet-wasm's web build on this thread, started the first time a tokens file comes with a file opened in parts.
 * `partsFirst` (Your data): a file it could hold opens in parts from PARTS_FROM_WEIGHTS on, when it can.
 */
export function browserParts(urls: PartsUrls, invalidation: Promise<unknown>, {partsFirst = false} = {}): PartsOpener {
  const workers: Worker[] = [];
  void invalidation.then(() => workers.forEach((worker) => worker.terminate()));
  const started = (url: string) => {
    const worker = new Worker(url, {type: "module"});
    workers.push(worker);
    return worker;
  };
  const start = () => startParquet<PartsModule>(urls);
  const parquet = {module: urls.module, wasm: urls.wasm};
  const parts = workerParts(() => started(urls.part) as unknown as PartPort, parquet);
  // The head workbench's scans read every part of an input: a worker of their own, started on the first scan.
  const scans = workerParts(() => started(urls.part) as unknown as PartPort, parquet);
  return partsOpener(start, workerFooter(() => started(urls.footer) as unknown as FooterPort), {...HOLD_LIMITS, partsFrom: partsFirst ? PARTS_FROM_WEIGHTS : Infinity}, parts, scans);
}
