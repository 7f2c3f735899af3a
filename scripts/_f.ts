import {openAsBlob} from "node:fs";
import {parquetMetadataAsync, parquetMetadata} from "hyparquet";
import * as Parquet from "parquet-wasm/node";
const blob = await openAsBlob(process.argv[2]);
const tail = new Uint8Array(await blob.slice(blob.size - 8).arrayBuffer());
const len = new DataView(tail.buffer).getUint32(0, true);
console.log("footer bytes", len);
const buf = new Uint8Array(await blob.slice(blob.size - 8 - len).arrayBuffer());
for (let i = 0; i < 3; i++) { const t = performance.now(); const m = parquetMetadata(buf.buffer); console.log("hyparquet parse", (performance.now() - t).toFixed(0), m.row_groups.length); }
const t = performance.now(); await Parquet.ParquetFile.fromFile(blob); console.log("wasm fromFile", (performance.now() - t).toFixed(0));
