// The reader's own file as the pages open it: Parquet decoded with parquet-wasm (loaded the first time a
// Parquet file comes in), and the file kept in this browser by "Your data" read back and checked again, for
// the head workbench and the explorer. No DOM: the decoder's loader is passed in, so tests run it in Node.
import {keptUpload, type KeptUpload} from "../upload/kept.js";
import {loadUpload, type LoadResult, type ParquetDecoder, type UploadFile} from "../upload/load.js";
import {detectKind} from "../upload/readers.js";

/** The parts of parquet-wasm's web build the pages use; `default` starts its wasm from a URL. */
export interface ParquetModule {
  default(init: {module_or_path: string}): Promise<unknown>;
  readParquet(bytes: Uint8Array): {intoIPCStream(): Uint8Array};
}

export interface ParquetOptions {
  /** loads parquet-wasm (a page: `() => import("npm:parquet-wasm")`) */
  loadParquet: () => Promise<ParquetModule>;
  /** the URL of parquet-wasm's .wasm file */
  parquetWasm: string;
}

/** The decoder files need: started once, the first time one of them is Parquet; undefined while none is. */
export function parquetDecoder(options: ParquetOptions): (files: readonly UploadFile[]) => Promise<ParquetDecoder | undefined> {
  let decode: ParquetDecoder | undefined;
  return async (files) => {
    if (!decode && files.some((f) => detectKind(f.bytes) === "parquet")) {
      const Parquet = await options.loadParquet();
      await Parquet.default({module_or_path: options.parquetWasm});
      decode = (bytes) => Parquet.readParquet(bytes).intoIPCStream();
    }
    return decode;
  };
}

/** The kept file: its names and what reading it gave (null when none is kept), or why the storage could not be read. */
export interface KeptFile {
  names: string[];
  result: LoadResult | null;
  error: string | null;
}

/** Opens the file "Your data" kept in this browser; none kept is `{result: null, error: null}`. */
export async function openKeptFile(options: ParquetOptions, kept: () => Promise<KeptUpload | null> = keptUpload): Promise<KeptFile> {
  try {
    const upload = await kept();
    if (!upload) return {names: [], result: null, error: null};
    const decode = await parquetDecoder(options)(upload.files);
    return {names: upload.files.map((f) => f.name), result: loadUpload(upload.files, decode), error: null};
  } catch (error) {
    return {names: [], result: null, error: (error as Error).message};
  }
}
