// The "Your data" page's state (src/your-data.md): the current upload (files read and checked, or the
// built-in example), and how files, the example button and "Renormalise" change it. No DOM: the Parquet
// decoder's loader and the wait for a frame (the browser's next frame by default) are passed in, so
// test/yourDataPage.test.ts runs it in Node.
import {renormalise, type AttentionSet} from "../../upload/attentionSet.js";
import {EXAMPLE_NAME, exampleJson} from "../../upload/example.js";
import {IssueList} from "../../upload/issues.js";
import {loadUpload, type LoadResult, type ParquetDecoder, type UploadFile} from "../../upload/load.js";
import {checkSize, detectKind} from "../../upload/readers.js";

/** The current upload: which files, what reading them gave, how long it took. */
export interface Upload {
  names: string[];
  result: LoadResult;
  ms: number;
  /** true while files are being read (the report says so) */
  loading: boolean;
  /** counts loads, so a test can wait for the next one */
  serial: number;
}

/** A file as the page gets it from the picker or a drop (the browser's File has these). */
export interface PickedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The parts of parquet-wasm's web build the page uses; `default` starts its wasm from a URL. */
export interface ParquetModule {
  default(init: {module_or_path: string}): Promise<unknown>;
  readParquet(bytes: Uint8Array): {intoIPCStream(): Uint8Array};
}

export interface UploadStoreOptions {
  /** loads parquet-wasm, the first time a Parquet file comes in (the page: `() => import("npm:parquet-wasm")`) */
  loadParquet: () => Promise<ParquetModule>;
  /** the URL of parquet-wasm's .wasm file */
  parquetWasm: string;
  /** resolves once the browser has shown the "reading" state (the next frame; a test passes its own) */
  nextFrame?: () => Promise<void>;
}

/** The upload state: its value now, and the three things that change it. */
export interface UploadStore {
  readonly value: Upload;
  /** `publish` is called with every new value (the page's Mutable) */
  listen(publish: (value: Upload) => void): void;
  /** reads and checks picked or dropped files; never throws, every problem becomes a message */
  take(files: ArrayLike<PickedFile>): Promise<void>;
  /** back to the built-in example */
  example(): void;
  /** the current data with every row divided by its sum */
  renormalise(): void;
}

type Read = Pick<Upload, "names" | "result" | "ms">;

const browserFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const exampleFiles = (): UploadFile[] => [{name: EXAMPLE_NAME, bytes: new TextEncoder().encode(exampleJson())}];
const failure = (issues: IssueList): LoadResult => ({issues: issues.list(), data: null, offRows: 0});
const message = (error: unknown) => (error as Error | undefined)?.message ?? error;

/** Reads and checks files, timed. */
function read(names: string[], files: readonly UploadFile[], decode: ParquetDecoder | undefined): Read {
  const started = performance.now();
  const result = loadUpload(files, decode);
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
  let value: Upload = {...read([EXAMPLE_NAME], exampleFiles(), undefined), loading: false, serial: 0};
  let publish: (value: Upload) => void = () => {};
  let decode: ParquetDecoder | undefined;
  const set = (next: Upload) => publish((value = next));
  const done = (next: Read) => set({...next, loading: false, serial: value.serial + 1});
  const fail = (names: string[], issues: IssueList) => done({names, result: failure(issues), ms: 0});
  const ensureParquet = async () => {
    if (decode) return;
    const Parquet = await options.loadParquet();
    await Parquet.default({module_or_path: options.parquetWasm});
    decode = (bytes) => Parquet.readParquet(bytes).intoIPCStream();
  };
  /** The files' bytes, with the Parquet decoder started when one of them needs it; null (and a message) on failure. */
  const bytesOf = async (files: PickedFile[], names: string[]): Promise<UploadFile[] | null> => {
    try {
      const picked = await Promise.all(files.map(async (f) => ({name: f.name, bytes: new Uint8Array(await f.arrayBuffer())})));
      if (picked.some((f) => detectKind(f.bytes) === "parquet")) await ensureParquet();
      return picked;
    } catch (error) {
      const issues = new IssueList();
      issues.error("corrupt", `the browser could not read ${names.join(", ")} (${message(error)})`);
      fail(names, issues);
      return null;
    }
  };
  return {
    get value() {
      return value;
    },
    listen(to) {
      publish = to;
    },
    async take(list) {
      const files = Array.from(list);
      if (!files.length) return;
      const names = files.map((f) => f.name);
      // The size limit is checked before a byte is read.
      const sizes = new IssueList();
      for (const f of files) checkSize(f.name, f.size, sizes);
      if (sizes.hasErrors) return fail(names, sizes);
      set({...value, names, loading: true});
      await nextFrame();
      const bytes = await bytesOf(files, names);
      if (!bytes) return;
      try {
        done(read(names, bytes, decode));
      } catch (error) {
        // The checks report problems as messages; anything thrown here is unforeseen, and still only a message.
        const issues = new IssueList();
        issues.error("corrupt", `${names.join(", ")} could not be read (${message(error)})`);
        fail(names, issues);
      }
    },
    example: () => done(read([EXAMPLE_NAME], exampleFiles(), decode)),
    renormalise: () => done(renormalisedUpload(value))
  };
}

/** The report's one-line summary of accepted data, or null. */
export function uploadSummary(data: AttentionSet | null, ms: number): string | null {
  if (!data) return null;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${data.source}: ${plural(data.groups.length, "sequence")} × ${plural(data.layers, "layer")} × ${data.heads} heads × ${data.n} tokens, read and checked in ${ms.toFixed(0)} ms`;
}

