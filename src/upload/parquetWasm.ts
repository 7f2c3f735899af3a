// Parquet through parquet-wasm: the decoder a reader's files need, started once, the first time one of them is
// Parquet. The module is started by the caller (the upload worker and the part worker: startParquet, from the
// URLs the page resolved; the unit tests and benches: parquet-wasm's Node build), so this file runs anywhere.
import type {ParquetDecoder, UploadFile} from "./readers.js";
import {detectKind} from "./readers.js";

/** The parts of parquet-wasm's web build used here; `default` starts its wasm from a URL. */
export interface ParquetModule {
  default(init: {module_or_path: string}): Promise<unknown>;
  readParquet(bytes: Uint8Array, options?: {batchSize?: number; rowGroups?: number[]}): {recordBatches(): {intoIPCStream(): Uint8Array}[]; free(): void};
  readSchema(bytes: Uint8Array): {intoIPCStream(): Uint8Array};
}

/**
 * Rows per Arrow record batch when decoding. parquet-wasm's default (1,024) turns a 12 × 12 × 512 tidy file into
 * 36,864 batches and decodes it 8–10 times slower; a whole row group (pandas' and pyarrow's 2²⁰ rows) costs
 * three times more to hand over than batches of 2¹⁶ (bench/uploadRead.ts).
 */
export const PARQUET_BATCH_ROWS = 1 << 16;

/** Starts parquet-wasm (a page: its web build from URLs, startParquet; Node: its Node build, started as loaded). */
export type StartParquet = () => Promise<Pick<ParquetModule, "readParquet" | "readSchema">>;

/** parquet-wasm's web build from the URLs a page resolved (`import.meta.resolve`), its wasm started. */
export async function startParquet<Module>(urls: {module: string; wasm: string}): Promise<Module> {
  const module = await import(/* @vite-ignore */ urls.module);
  await module.default({module_or_path: urls.wasm});
  return module as Module;
}

/** A started parquet-wasm as the readers' decoder: the schema, then one row group at a time, a batch per IPC stream. */
export function wasmDecoder(Parquet: Pick<ParquetModule, "readParquet" | "readSchema">): ParquetDecoder {
  return {
    schema: (bytes) => Parquet.readSchema(bytes).intoIPCStream(),
    rowGroup(bytes, index) {
      const table = Parquet.readParquet(bytes, {batchSize: PARQUET_BATCH_ROWS, rowGroups: [index]});
      try {
        return table.recordBatches().map((batch) => batch.intoIPCStream());
      } finally {
        table.free();
      }
    }
  };
}

/** The decoder files need: started once, the first time one of them is Parquet; undefined while none is. */
export function parquetDecoder(start: StartParquet): (files: readonly UploadFile[]) => Promise<ParquetDecoder | undefined> {
  let decode: ParquetDecoder | undefined;
  return async (files) => {
    if (!decode && files.some((f) => detectKind(f.bytes) === "parquet")) decode = wasmDecoder(await start());
    return decode;
  };
}
