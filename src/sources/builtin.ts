// The site's own tensors in the browser: attention.parquet and pseudo-blocks.parquet read by HTTP range with
// parquet-wasm's web build, started the first time a slice is asked for.
import init, {ParquetFile} from "parquet-wasm";
import {parquetSource, type OpenParquet, type ParquetFiles} from "./parquetSource.js";
import type {AttentionSource} from "./source.js";

/** `files` are the pages' FileAttachment hrefs; `wasm` is the URL of parquet-wasm's .wasm file. */
export function builtinSource(files: ParquetFiles, shape: {heads: number; tokens: number}, wasm: string): AttentionSource {
  let ready: Promise<unknown> | undefined;
  const open: OpenParquet = async (url) => {
    ready ??= init({module_or_path: wasm});
    await ready;
    return ParquetFile.fromUrl(new URL(url, location.href).href);
  };
  return parquetSource(files, shape, open);
}
