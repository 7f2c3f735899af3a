// Which of a reader's files are read in parts, and their opening, for every page that opens one ("Your data", the
// explorer, the head workbench's note): a Parquet attention file larger than a page holds in memory (over the
// size limit, or declaring more weights than MAX_WEIGHTS), and any Parquet file at a URL, is opened from its
// footer and read one head at a time (src/sources/readerParquet.ts); on "Your data" also a file it could hold
// from PARTS_FROM_WEIGHTS on, when its row groups allow it (it draws sooner); everything else is read whole by
// the upload worker. A tokens file picked with it is read here (it is small). Pure but for `browserParts`: parquet-wasm's
// module and the footer reader are passed in, so test/readerParquet.test.ts runs this in Node.
import {declaredWeights, footerAnswer, openParts, type FooterReply, type FooterRequest, type PartsFile, type RowGroupDecoder} from "../sources/readerParquet.js";
import {IssueList, type Issue} from "../upload/issues.js";
import {MAX_FILE_BYTES, MAX_WEIGHTS, PARTS_FROM_WEIGHTS} from "../upload/limits.js";
import {fileRole} from "../upload/load.js";
import {wasmDecoder, type ParquetModule} from "../upload/parquetWasm.js";
import {detectKind, readPicked, type PickedFile} from "../upload/readers.js";
import type {TokenLists} from "../upload/tokens.js";

/** The parts of parquet-wasm used here: its async reader over a Blob or a URL, and the small files' decoder. */
export interface PartsModule extends Pick<ParquetModule, "readParquet" | "readSchema"> {
  ParquetFile: {fromFile(file: Blob): Promise<RowGroupDecoder>; fromUrl(url: string): Promise<RowGroupDecoder>};
}

/** What opening files in parts gave: the file, or the reasons it could not be opened. */
export interface PartsResult {
  names: string[];
  issues: Issue[];
  parts: PartsFile | null;
  /** the file could be held whole (it opened in parts to draw sooner): the head workbench and the explorer read it whole */
  holdable: boolean;
}

/** Opens picked files in parts, or says null: read them whole, as before. */
export type PartsOpener = {
  files(files: readonly PickedFile[]): Promise<PartsResult | null>;
  url(url: string): Promise<PartsResult>;
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

/** Reads a Parquet footer's index from a picked File or an absolute URL: in the footer worker on the page. */
export type FooterReader = (name: string, source: Blob | string) => Promise<Omit<FooterReply, "id">>;

/** What the footer reader needs of a Worker (a test passes its own). */
export interface FooterPort {
  postMessage(request: FooterRequest): void;
  addEventListener(type: "message", listener: (event: MessageEvent<FooterReply>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
}

/**
 * The page's footer reader: requests to a footer worker (src/sources/footerWorker.ts), started on first use. A
 * worker that fails answers every request waiting, and the next one starts a new worker.
 */
export function workerFooter(start: () => FooterPort): FooterReader {
  let worker: FooterPort | null = null;
  const pending = new Map<number, (reply: FooterReply) => void>();
  let next = 0;
  return (name, source) =>
    new Promise((resolve) => {
      if (!worker) {
        worker = start();
        worker.addEventListener("message", (event) => {
          pending.get(event.data.id)?.(event.data);
          pending.delete(event.data.id);
        });
        worker.addEventListener("error", (event) => {
          worker = null;
          for (const [id, answer] of pending) answer({id, index: null, issues: [{level: "error", code: "corrupt", message: `the footer reader stopped (${event.message || "its worker failed"}); try again`}]});
          pending.clear();
        });
      }
      const id = next++;
      pending.set(id, resolve);
      worker.postMessage({id, name, source});
    });
}

/** The same reading on the calling thread (Node and the unit tests). */
export const localFooter: FooterReader = (name, source) => footerAnswer({id: 0, name, source});

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

/** `start` starts parquet-wasm (once, the first time a file opens in parts); the page passes its web build. */
export function partsOpener(start: () => Promise<PartsModule>, footer: FooterReader, limits: HoldLimits = {bytes: MAX_FILE_BYTES, weights: MAX_WEIGHTS, partsFrom: Infinity}): PartsOpener {
  let started: Promise<PartsModule> | null = null;
  const load = () => (started ??= start().catch((error) => ((started = null), Promise.reject(error))));
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
      const module = await load();
      const {tokens, tables} = await otherFiles(picked.filter((f) => f !== file), module, issues);
      // A file that could be held is read whole when a table comes with it (they are read beside a whole file only).
      if (holdable && tables.length > 0) return null;
      for (const table of tables) issues.warn("extra_file", `${table} was not read: beside an attention file read in parts, only a tokens file is read (mixing and ablation tables need a file that fits in memory)`);
      const names = picked.map((f) => f.name);
      if (issues.hasErrors) return holdable ? null : {names, issues: issues.list(), parts: null, holdable};
      const parts = openParts({name: file.name, index: read.index, decoder: await module.ParquetFile.fromFile(file), tokens}, issues);
      // Row groups that cannot be read in parts: a file that could be held is read whole (which checks it all).
      if (!parts && holdable) return null;
      return {names, issues: issues.list(), parts, holdable};
    },
    async url(url) {
      const issues = new IssueList();
      const module = load(); // started while the footer is read
      module.catch(() => undefined); // when the footer cannot be read, that is the message
      const read = await footer(url, url);
      if (!read.index) return {names: [url], issues: read.issues, parts: null, holdable: false};
      try {
        const parts = openParts({name: url, index: read.index, decoder: await (await module).ParquetFile.fromUrl(url), tokens: null}, issues);
        return {names: [url], issues: issues.list(), parts, holdable: false};
      } catch (error) {
        issues.error("corrupt", `${url} could not be read (${(error as Error).message})`);
        return {names: [url], issues: issues.list(), parts: null, holdable: false};
      }
    }
  };
}

/** Where a page's build put parquet-wasm and the footer worker (the page resolves them with `import.meta.resolve`). */
export interface PartsUrls {
  module: string;
  wasm: string;
  footer: string;
}

/**
 * The opener a page uses: parquet-wasm's web build, started the first time a file opens in parts, and the footer
 * worker (src/sources/footerWorker.ts), started on first use and ended with the page (`invalidation`).
 * `partsFirst` (Your data): a file it could hold opens in parts from PARTS_FROM_WEIGHTS on, when it can.
 */
export function browserParts(urls: PartsUrls, invalidation: Promise<unknown>, {partsFirst = false} = {}): PartsOpener {
  let worker: Worker | null = null;
  void invalidation.then(() => worker?.terminate());
  const start = async () => {
    const module = await import(/* @vite-ignore */ urls.module);
    await module.default({module_or_path: urls.wasm});
    return module as PartsModule;
  };
  const limits = {bytes: MAX_FILE_BYTES, weights: MAX_WEIGHTS, partsFrom: partsFirst ? PARTS_FROM_WEIGHTS : Infinity};
  return partsOpener(start, workerFooter(() => (worker = new Worker(urls.footer, {type: "module"})) as unknown as FooterPort), limits);
}
