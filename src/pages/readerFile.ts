// The reader's own file as the head workbench opens it: the file kept in this browser by "Your data" read back
// and checked again (Parquet with parquet-wasm, loaded only for a Parquet file). No DOM: the decoder's loader
// and the storage are passed in, so tests run it in Node.
import {keptUpload, type KeptUpload} from "../upload/kept.js";
import {loadUpload, type LoadResult} from "../upload/load.js";
import {parquetDecoder, type ParquetOptions} from "../upload/parquetWasm.js";

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
