// How a page reads and checks a reader's files: `workerLoader`, the main thread's side of loadWorker.ts (files
// in, the checked result out, the worker's stages reported on the way; a worker that fails is a rejected
// promise with its message, which the upload store shows as an error), or `localLoader`, the same reading on
// the calling thread (Node and the unit tests).
import type {LoadReply, LoadRequest} from "./loadWorker.js";
import {loadUpload, type LoadResult} from "./load.js";
import {parquetDecoder, type StartParquet} from "./parquetWasm.js";
import {readPicked, type PickedFile} from "./readers.js";

/** Reads and checks files; `onStage` hears what the reader is doing while it works. */
export type Loader = (files: readonly PickedFile[], onStage: (stage: string) => void) => Promise<LoadResult>;

/** What the loader needs of a Worker (a test passes its own). */
export interface WorkerPort {
  postMessage(request: LoadRequest): void;
  addEventListener(type: "message" | "error", listener: (event: MessageEvent<LoadReply> | ErrorEvent) => void): void;
}

export function workerLoader(worker: WorkerPort, parquet: LoadRequest["parquet"]): Loader {
  let next = 0;
  const pending = new Map<number, {resolve: (result: LoadResult) => void; reject: (error: Error) => void; onStage: (stage: string) => void}>();
  worker.addEventListener("message", (event) => {
    const reply = (event as MessageEvent<LoadReply>).data;
    const job = pending.get(reply.id);
    if (!job) return;
    if ("stage" in reply) return job.onStage(reply.stage);
    pending.delete(reply.id);
    if ("error" in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.result);
  });
  // A worker that failed takes no more work: this load and every later one are that failure (reload the page).
  let stopped: Error | null = null;
  worker.addEventListener("error", (event) => {
    stopped = new Error(`the file reader stopped (${(event as ErrorEvent).message || "its worker failed"}); reload the page to read files again`);
    for (const job of pending.values()) job.reject(stopped);
    pending.clear();
  });
  return (files, onStage) => new Promise((resolve, reject) => {
    if (stopped) return reject(stopped);
    const id = next++;
    pending.set(id, {resolve, reject, onStage});
    try {
      worker.postMessage({id, files: [...files], parquet} satisfies LoadRequest);
    } catch (error) {
      pending.delete(id);
      reject(error as Error);
    }
  });
}

/**
 * The same reading on this thread: the files' bytes, Parquet decoded by the parquet-wasm `start` gives. It reports
 * no progress: the thread it would be drawn on is the one reading.
 */
export function localLoader(start: StartParquet): Loader {
  const decoderFor = parquetDecoder(start);
  return async (picked) => {
    const files = await readPicked(picked);
    return loadUpload(files, await decoderFor(files));
  };
}
