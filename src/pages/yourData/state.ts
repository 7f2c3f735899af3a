// The "Your data" page's state (src/your-data.md): the current upload (files read and checked, or the
// built-in example), and how files, the example button, "Renormalise" and "Forget" change it. A file that
// loads is kept in this browser (src/upload/kept.ts) for a reload and the head workbench. No DOM: the reader
// (the page's worker), the kept-file storage and the wait for a frame are passed in, so
// test/yourDataPage.test.ts runs it in Node.
import {renormalise, type AttentionSet} from "../../upload/attentionSet.js";
import {EXAMPLE_NAME, exampleJson} from "../../upload/example.js";
import {IssueList} from "../../upload/issues.js";
import {forgetUpload, keepUpload, keptUpload, type KeptUpload} from "../../upload/kept.js";
import {loadUpload, type LoadResult, type UploadFile} from "../../upload/load.js";
import {checkSize, type PickedFile} from "../../upload/readers.js";
import type {Loader} from "../../upload/workerLoad.js";
import type {PartsFile} from "../../sources/readerParquet.js";
import type {PartsOpener, PartsResult} from "../readerParts.js";

export type {PickedFile} from "../../upload/readers.js";

/** The current upload: which files, what reading them gave, how long it took. */
export interface Upload {
  names: string[];
  result: LoadResult;
  ms: number;
  /** true while files are being read (the report says so) */
  loading: boolean;
  /** a file opened in parts (then `result.data` is null), or null */
  parts: PartsFile | null;
  /** a file opened in parts that could be held: the head workbench and the explorer read it whole */
  holdable: boolean;
  /** the address a file opened by its URL was read from, or null */
  url: string | null;
  /** the address of the tokens file opened with it, or null */
  tokensUrl: string | null;
  /** what the reader is doing while it reads ("reading and checking"), or null */
  stage: string | null;
  /** counts loads, so a test can wait for the next one */
  serial: number;
  /** whether the files shown are kept in this browser (the example never is) */
  kept: boolean;
  /** why keeping (or forgetting) them failed, or null */
  keepError: string | null;
}

/** Where the page keeps a file that loads (the browser's IndexedDB by default; a test passes its own). */
export interface KeptStorage {
  keep(files: readonly PickedFile[]): Promise<void>;
  load(): Promise<KeptUpload | null>;
  forget(): Promise<void>;
}

const BROWSER_STORAGE: KeptStorage = {keep: (files) => keepUpload(files), load: () => keptUpload(), forget: () => forgetUpload()};

export interface UploadStoreOptions {
  /** reads and checks files (the page: in a worker, `workerLoad.workerLoader`) */
  load: Loader;
  /** resolves once the browser has shown the "reading" state (the next frame; a test passes its own) */
  nextFrame?: () => Promise<void>;
  storage?: KeptStorage;
  /** opens a file too large to hold in parts, and files at a URL (parts.ts); without it every file is read whole */
  parts?: PartsOpener;
}

/** The upload state: its value now, and the three things that change it. */
export interface UploadStore {
  readonly value: Upload;
  /** `publish` is called with every new value (the page's Mutable) */
  listen(publish: (value: Upload) => void): void;
  /** reads and checks picked or dropped files; never throws, every problem becomes a message */
  take(files: ArrayLike<PickedFile>): Promise<void>;
  /** opens a Parquet file at a URL in parts (range requests); never throws */
  /** opens the Parquet file at `url` in parts, with the tokens file at `tokens` when one is given */
  openUrl(url: string, tokens?: string | null): Promise<void>;
  /** opens the file kept in this browser, if there is one (the page calls it once, at the start) */
  restore(): Promise<void>;
  /** back to the built-in example (what is kept stays kept) */
  example(): void;
  /** removes the kept file and goes back to the example */
  forget(): Promise<void>;
  /** the current data with every row divided by its sum */
  renormalise(): void;
}

type Read = Pick<Upload, "names" | "result" | "ms"> & Partial<Pick<Upload, "parts" | "holdable" | "url" | "tokensUrl">>;

const browserFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const exampleFiles = (): UploadFile[] => [{name: EXAMPLE_NAME, bytes: new TextEncoder().encode(exampleJson())}];
const failure = (issues: IssueList): LoadResult => ({issues: issues.list(), data: null, offRows: 0});
/** An error in words: its message, or its name where the message is empty (a DOMException such as QuotaExceededError may have none). */
const message = (error: unknown) => (error as Error | undefined)?.message || (error as Error | undefined)?.name || String(error);

/**
 * Why files were not kept, in words. A browser copies a kept file into the storage it gives the site (Chromium
 * does), so a file larger than that storage is refused with a QuotaExceededError, often without a message.
 */
function keepFailure(error: unknown, files: readonly PickedFile[]): string {
  if ((error as Error | undefined)?.name !== "QuotaExceededError") return message(error);
  const mb = files.reduce((sum, f) => sum + f.size, 0) / 1e6;
  return `the storage this browser gives this site has no room for ${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MB`;
}

/** Reads and checks the built-in example (JSON: no decoder needed), timed. */
function read(names: string[], files: readonly UploadFile[]): Read {
  const started = performance.now();
  const result = loadUpload(files);
  return {names, result, ms: performance.now() - started};
}

/** What a click on "Renormalise" makes of an upload: the data renormalised, and a warning saying so. */
export function renormalisedUpload(upload: Read): Read {
  const {names, result, ms} = upload;
  const note = `${result.offRows.toLocaleString("en-US")} rows were renormalised on this page to sum to 1 (the file is unchanged).`;
  return {names, result: {issues: [{level: "warning", code: "row_sum", message: note}], data: result.data && renormalise(result.data), offRows: 0}, ms};
}

export function uploadStore(options: UploadStoreOptions): UploadStore {
  const nextFrame = options.nextFrame ?? browserFrame;
  const storage = options.storage ?? BROWSER_STORAGE;
  const {load} = options;
  const notKept = {kept: false, keepError: null};
  let value: Upload = {...read([EXAMPLE_NAME], exampleFiles()), parts: null, holdable: false, url: null, tokensUrl: null, loading: false, stage: null, serial: 0, ...notKept};
  let publish: (value: Upload) => void = () => {};
  const set = (next: Upload) => publish((value = next));
  const done = (next: Read, kept: Pick<Upload, "kept" | "keepError"> = notKept) => set({parts: null, holdable: false, url: null, tokensUrl: null, ...next, ...kept, loading: false, stage: null, serial: value.serial + 1});
  /** What opening in parts gave, as an upload: its issues, and the file when no error stands. */
  const fromParts = (opened: PartsResult, ms: number): Read => ({names: opened.names, result: {issues: opened.issues, data: null, offRows: 0}, parts: opened.parts, holdable: opened.holdable, ms});
  /** A file kept after it opened (in parts or whole), or why keeping it failed. */
  const keepAfter = async (next: Read, files: PickedFile[], keep: boolean) => {
    if (!keep) return done(next, {kept: true, keepError: null});
    try {
      await storage.keep(files);
      done(next, {kept: true, keepError: null});
    } catch (error) {
      done(next, {kept: false, keepError: keepFailure(error, files)});
    }
  };
  const fail = (names: string[], issues: IssueList) => done({names, result: failure(issues), ms: 0});
  /** Reads and checks files; a file that loads is kept (`keep`) or was kept already. */
  const readFiles = async (names: string[], files: PickedFile[], keep: boolean) => {
    const started = performance.now();
    let next: Read;
    try {
      next = {names, result: await load(files, (stage) => set({...value, stage})), ms: performance.now() - started};
    } catch (error) {
      // The checks report problems as messages; a file the browser cannot read, or a reader that fails, is one too.
      const issues = new IssueList();
      issues.error("corrupt", `${names.join(", ")} could not be read (${message(error)})`);
      return fail(names, issues);
    }
    if (!next.result.data) return done(next);
    await keepAfter(next, files, keep);
  };
  /** Files too large to hold open in parts (if the opener takes them); the rest are read whole. */
  const openFiles = async (names: string[], files: PickedFile[], keep: boolean) => {
    const started = performance.now();
    let opened: PartsResult | null = null;
    try {
      opened = options.parts ? await options.parts.files(files) : null;
    } catch (error) {
      const issues = new IssueList();
      issues.error("corrupt", `${names.join(", ")} could not be read (${message(error)})`);
      return fail(names, issues);
    }
    if (!opened) {
      // The size limit is checked before a byte is read.
      const sizes = new IssueList();
      for (const f of files) checkSize(f.name, f.size, sizes);
      if (sizes.hasErrors) return fail(names, sizes);
      return readFiles(names, files, keep);
    }
    const next = fromParts(opened, performance.now() - started);
    if (!opened.parts) return done(next);
    await keepAfter(next, files, keep);
  };
  return {
    get value() {
      return value;
    },
    listen(to) {
      publish = to;
    },
    async take(list) {
      const picked = Array.from(list);
      if (!picked.length) return;
      const names = picked.map((f) => f.name);
      // Without an opener for large files, the size limit is checked before the page shows it is reading.
      const sizes = new IssueList();
      if (!options.parts) for (const f of picked) checkSize(f.name, f.size, sizes);
      if (sizes.hasErrors) return fail(names, sizes);
      set({...value, names, loading: true, stage: null});
      await nextFrame();
      await openFiles(names, picked, true);
    },
    async openUrl(url, tokens = null) {
      if (!options.parts) return;
      const started = performance.now();
      const names = tokens ? [url, tokens] : [url];
      set({...value, names, loading: true, stage: "reading the footer"});
      await nextFrame();
      try {
        done({...fromParts(await options.parts.url(url, tokens), performance.now() - started), url, tokensUrl: tokens});
      } catch (error) {
        const issues = new IssueList();
        issues.error("corrupt", `${url} could not be read (${message(error)})`);
        fail(names, issues);
      }
    },
    async restore() {
      // Storage that cannot be read holds nothing to open: the page stays on the example, and keeping the next
      // file says why it failed.
      const kept = await storage.load().catch(() => null);
      if (!kept) return;
      const names = kept.files.map((f) => f.name);
      set({...value, names, loading: true, stage: null});
      await nextFrame();
      await openFiles(names, kept.files, false);
    },
    example: () => done(read([EXAMPLE_NAME], exampleFiles())),
    async forget() {
      try {
        await storage.forget();
        done(read([EXAMPLE_NAME], exampleFiles()));
      } catch (error) {
        set({...value, keepError: String(message(error))});
      }
    },
    renormalise: () => done(renormalisedUpload(value), {kept: value.kept, keepError: value.keepError})
  };
}

/** The report's one-line summary of accepted data (a file held whole, or opened in parts), or null. */
export function uploadSummary(data: Pick<AttentionSet, "source" | "groups" | "layers" | "heads" | "n"> | null, ms: number, inParts = false): string | null {
  if (!data) return null;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const how = inParts ? `opened from its footer in ${ms.toFixed(0)} ms; each head is read and checked when a view draws it` : `read and checked in ${ms.toFixed(0)} ms`;
  return `${data.source}: ${plural(data.groups.length, "sequence")} × ${plural(data.layers, "layer")} × ${data.heads} heads × ${data.n} tokens, ${how}`;
}

