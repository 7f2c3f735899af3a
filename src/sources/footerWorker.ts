// A module worker that reads a Parquet file's footer off the page's thread (hyparquet's parse of a large footer,
// 1,024 row groups in ~450 kB, is about a second of short-lived objects): it gets a File by reference or an
// absolute URL and answers with the small footer index that opening in parts needs (readerParquet.footerAnswer).
// Started by the pages that open a reader's file in parts (src/pages/readerParts.browserParts) from
// import.meta.resolve("./sources/footerWorker.js").
import {footerAnswer, type FooterReply, type FooterRequest} from "./readerParquet.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<FooterRequest>) => void) | null;
  postMessage(reply: FooterReply): void;
}
const scope = self as unknown as WorkerScope;
scope.onmessage = async (event) => scope.postMessage(await footerAnswer(event.data));
