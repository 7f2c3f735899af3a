// The site's own tensors in the browser: attention.parquet, pseudo-blocks.parquet and lm-attention.parquet read
// by HTTP range with parquet-wasm's web build, started once per page the first time a slice is asked for.
import init, {ParquetFile} from "parquet-wasm";
import {parquetSource, type OpenParquet, type ParquetFiles} from "./parquetSource.js";
import type {AttentionSource} from "./source.js";

/** parquet-wasm's start, shared by every source of the page. */
let ready: Promise<unknown> | undefined;

/** `files` are the pages' FileAttachment hrefs; `wasm` is the URL of parquet-wasm's .wasm file. */
export function builtinSource(files: ParquetFiles, shape: {heads: number; tokens: number}, wasm: string): AttentionSource {
  const open: OpenParquet = async (url) => {
    ready ??= init({module_or_path: wasm});
    await ready;
    return ParquetFile.fromUrl(new URL(url, location.href).href);
  };
  return parquetSource(files, shape, open);
}
