// A module worker that decodes and checks the parts of a reader's file read in parts, off the page's thread (a
// row group of 2²⁰ tidy rows is about a second of parquet-wasm, apache-arrow and the checks): it gets a File by
// reference or an absolute URL with each request, and answers with the part's maps (their buffers transferred)
// and its warnings, or its error (readerParquet.partAnswer). Driven by src/pages/readerParts.workerParts, one
// worker per page, started from import.meta.resolve("./sources/partWorker.js").
import {partAnswer, sourceDecoder, type DecoderModule, type PartAnswer, type PartMaps, type PartMessage, type RowGroupDecoder} from "./readerParquet.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<PartMessage>) => void) | null;
  postMessage(answer: PartAnswer, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** The files whose decoders are kept: a page reads one file at a time, and reads of the one before may still be queued. */
const KEPT_FILES = 2;

let module: Promise<DecoderModule> | null = null;
const decoders = new Map<number, () => Promise<RowGroupDecoder>>();

/** parquet-wasm's web build, started once (again after a failure). */
function load(parquet: PartMessage["parquet"]): Promise<DecoderModule> {
  const start = async () => {
    const started = await import(/* @vite-ignore */ parquet.module);
    await started.default({module_or_path: parquet.wasm});
    return started as DecoderModule;
  };
  return (module ??= start().catch((error) => ((module = null), Promise.reject(error))));
}

/** The buffers under a part's maps, each once (a part's rows are views of one buffer). */
const buffersOf = (maps: PartMaps | null): Transferable[] => [...new Set([...(maps?.pattern ?? []), ...(maps?.effective ?? [])].flat().map((row) => row.buffer as ArrayBuffer))];

scope.onmessage = async (event) => {
  const {id, file, source, parquet, request} = event.data;
  let decoder = decoders.get(file);
  if (!decoder) {
    decoders.set(file, (decoder = sourceDecoder(() => load(parquet), source)));
    if (decoders.size > KEPT_FILES) decoders.delete(decoders.keys().next().value!);
  }
  const reply = await partAnswer(decoder, request);
  scope.postMessage({id, ...reply}, buffersOf(reply.maps));
};
