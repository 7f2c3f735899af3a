// Which of a reader's files are read in parts, and their opening, for every page that opens one ("Your data", the
// explorer, the head workbench's note): a Parquet attention file larger than a page holds in memory (over the
// size limit, or declaring more weights than MAX_WEIGHTS), and any Parquet file at a URL, is opened from its
// footer and read one head at a time (src/sources/readerParquet.ts); everything else is read whole by the upload
// worker. A tokens file picked with it is read here (it is small). Pure but for `browserParts`: parquet-wasm's
// module and the footer reader are passed in, so test/readerParquet.test.ts runs this in Node.
import {declaredWeights, footerAnswer, openParts, type FooterReply, type FooterRequest, type PartsFile, type RowGroupDecoder} from "../sources/readerParquet.js";
import {IssueList, type Issue} from "../upload/issues.js";
import {MAX_FILE_BYTES, MAX_WEIGHTS} from "../upload/limits.js";
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

/** The tokens among the other (small) files; anything else is named in a warning and not read. */
async function otherFiles(files: readonly PickedFile[], module: PartsModule, issues: IssueList): Promise<TokenLists | null> {
  let tokens: TokenLists | null = null;
  for (const file of await readPicked(files)) {
    const role = fileRole(file, issues, wasmDecoder(module));
    if (role?.role === "tokens") tokens = role.tokens;
    else if (role) issues.warn("extra_file", `${file.name} was not read: beside an attention file read in parts, only a tokens file is read (mixing and ablation tables need a file that fits in memory)`);
  }
  return tokens;
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

/** Above either limit a file is too large to hold (limits.ts); a test passes smaller ones. */
export interface HoldLimits {
  bytes: number;
  weights: number;
}

/** `start` starts parquet-wasm (once, the first time a file opens in parts); the page passes its web build. */
export function partsOpener(start: () => Promise<PartsModule>, footer: FooterReader, limits: HoldLimits = {bytes: MAX_FILE_BYTES, weights: MAX_WEIGHTS}): PartsOpener {
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
      if (!read.index) return file.size > limits.bytes ? {names: picked.map((f) => f.name), issues: read.issues, parts: null} : null;
      const weights = declaredWeights(read.index);
      if (weights === null || (file.size <= limits.bytes && weights <= limits.weights)) return null;
      const issues = new IssueList();
      const module = await load();
      const tokens = await otherFiles(picked.filter((f) => f !== file), module, issues);
      const names = picked.map((f) => f.name);
      if (issues.hasErrors) return {names, issues: issues.list(), parts: null};
      const parts = openParts({name: file.name, index: read.index, decoder: await module.ParquetFile.fromFile(file), tokens}, issues);
      return {names, issues: issues.list(), parts};
    },
    async url(url) {
      const issues = new IssueList();
      const module = load(); // started while the footer is read
      module.catch(() => undefined); // when the footer cannot be read, that is the message
      const read = await footer(url, url);
      if (!read.index) return {names: [url], issues: read.issues, parts: null};
      try {
        const parts = openParts({name: url, index: read.index, decoder: await (await module).ParquetFile.fromUrl(url), tokens: null}, issues);
        return {names: [url], issues: issues.list(), parts};
      } catch (error) {
        issues.error("corrupt", `${url} could not be read (${(error as Error).message})`);
        return {names: [url], issues: issues.list(), parts: null};
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
 */
export function browserParts(urls: PartsUrls, invalidation: Promise<unknown>): PartsOpener {
  let worker: Worker | null = null;
  void invalidation.then(() => worker?.terminate());
  const start = async () => {
    const module = await import(/* @vite-ignore */ urls.module);
    await module.default({module_or_path: urls.wasm});
    return module as PartsModule;
  };
  return partsOpener(start, workerFooter(() => (worker = new Worker(urls.footer, {type: "module"})) as unknown as FooterPort));
}
