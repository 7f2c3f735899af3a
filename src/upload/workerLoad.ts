// The main thread's side of loadWorker.ts: files in, the checked result out, with the worker's stages reported
// on the way. A worker that fails (or a request it cannot take) is a rejected promise with its message; the
// upload store turns it into an error the page shows.
import type {LoadReply, LoadRequest} from "./loadWorker.js";
import type {LoadResult} from "./load.js";
import type {PickedFile} from "./readers.js";

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
  worker.addEventListener("error", (event) => {
    const error = new Error(`the file reader stopped (${(event as ErrorEvent).message || "its worker failed"})`);
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  });
  return (files, onStage) => new Promise((resolve, reject) => {
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
