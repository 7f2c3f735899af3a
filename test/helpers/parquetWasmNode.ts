// parquet-wasm's Node build in the shape of its web build (a `default` that starts it, then its readers), for
// tests that run the upload worker's code in Node.
import * as Parquet from "parquet-wasm/node";

export default async function start(): Promise<void> {}
export const readParquet = (bytes: Uint8Array, options?: {batchSize?: number; rowGroups?: number[]}) => Parquet.readParquet(bytes, options);
export const readSchema = (bytes: Uint8Array) => Parquet.readSchema(bytes);
