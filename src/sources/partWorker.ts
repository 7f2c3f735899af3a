// A module worker that decodes and checks the parts of a reader's file read in parts, off the page's thread (a
// row group of 2²⁰ tidy rows is about a second of parquet-wasm, apache-arrow and the checks): it gets a File by
// reference or an absolute URL with each request, and answers with the part's maps (their buffers transferred)
// and its warnings, or its error (readerParquet.partMessages). Driven by src/pages/readerParts.workerParts, one
// worker per page, started from import.meta.resolve("./sources/partWorker.js").
import {startParquet} from "../upload/parquetWasm.js";
import {partMessages, type DecoderModule, type PartAnswer, type PartMessage} from "./readerParquet.js";
import {memo} from "./source.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<PartMessage>) => void) | null;
  postMessage(answer: PartAnswer, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** parquet-wasm from the URLs the page sends, started once (again after a failure). */
const started = memo((urls) => startParquet<DecoderModule>(JSON.parse(urls) as PartMessage["parquet"]));
const load = (parquet: PartMessage["parquet"]) => started(JSON.stringify(parquet));

const answer = partMessages(load);
scope.onmessage = async (event) => {
  const {answer: reply, transfer} = await answer(event.data);
  scope.postMessage(reply, transfer);
};
