// A module worker that reads and checks a reader's files (load.ts's `loadUpload`) off the main thread, so the
// page stays responsive while a large file is read, and says which stage it is in (with the share of a Parquet
// file's rows read so far). It gets the browser's Files by reference and reads their bytes itself. Started by the page with
// new Worker(import.meta.resolve("./upload/loadWorker.js"), {type: "module"}) and driven by workerLoad.ts.
// The weights come back transferred, not copied.
import {loadUpload, progressStage, type LoadResult} from "./load.js";
import {parquetDecoder, startParquet, type ParquetModule} from "./parquetWasm.js";
import {detectKind, readPicked, type PickedFile} from "./readers.js";

/** `files`: the browser's Files, read here; `parquet`: the URLs of parquet-wasm's module and .wasm file, as the page resolved them. */
export interface LoadRequest {
  id: number;
  files: PickedFile[];
  parquet: {module: string; wasm: string};
}

export type LoadReply = {id: number; stage: string} | {id: number; result: LoadResult} | {id: number; error: string};

interface WorkerScope {
  onmessage: ((event: MessageEvent<LoadRequest>) => void) | null;
  postMessage(reply: LoadReply, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;
let decoder: ReturnType<typeof parquetDecoder> | null = null;

/** The buffers of the result's weights, each once (several arrays may share one). */
const buffersOf = (result: LoadResult): Transferable[] => [...new Set([...(result.data?.values ?? []), ...(result.data?.effective ?? [])].map((v) => v.buffer as ArrayBuffer))];

scope.onmessage = async (event) => {
  const {id, parquet} = event.data;
  try {
    const files = await readPicked(event.data.files);
    decoder ??= parquetDecoder(() => startParquet<ParquetModule>(parquet));
    if (files.some((f) => detectKind(f.bytes) === "parquet")) scope.postMessage({id, stage: "starting the Parquet reader"});
    const decode = await decoder(files);
    scope.postMessage({id, stage: "reading and checking"});
    let shown = "";
    const result = loadUpload(files, decode, (rows, total, read) => {
      const stage = progressStage(rows, total, read);
      if (stage !== shown) scope.postMessage({id, stage: (shown = stage)});
    });
    scope.postMessage({id, result}, buffersOf(result));
  } catch (error) {
    scope.postMessage({id, error: (error as Error | undefined)?.message ?? String(error)});
  }
};
