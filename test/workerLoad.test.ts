// The upload reader off the main thread, without a browser: loadWorker.ts's message handler run in this
// process behind a fake worker (messages as structured clones, transfers detaching the sender's buffers), and
// workerLoad.ts's client: results, stages, the weights transferred, a failing worker as a message.
import * as Parquet from "parquet-wasm/node";
import {afterAll, beforeAll, describe, expect, test, vi} from "vitest";
import type {LoadReply, LoadRequest} from "../src/upload/loadWorker.js";
import {workerLoader} from "../src/upload/workerLoad.js";
import {PARQUET_BATCH_ROWS, parquetDecoder} from "../src/upload/parquetWasm.js";
import {loadUpload} from "../src/upload/load.js";
import {readPicked} from "../src/upload/readers.js";
import {uploadStore} from "../src/pages/yourData/state.js";
import {arrowStream, decodeParquet, parquet, tidyTable, type Shape} from "./helpers/attentionFiles.js";

const SHAPE: Shape = {layers: 2, heads: 3, tokens: 5};

/**
 * A worker whose other side is loadWorker.ts's handler in this process; `parquet.module` is imported by the
 * handler. Requests pass their Files by reference (as a browser passes Blobs), everything else as a clone.
 */
function fakeWorker() {
  const listeners = {message: [] as ((event: MessageEvent) => void)[], error: [] as ((event: Event) => void)[]};
  const scope = {
    onmessage: null as ((event: MessageEvent<LoadRequest>) => void) | null,
    postMessage(reply: LoadReply, transfer: Transferable[] = []) {
      const data = structuredClone(reply, {transfer});
      transferred.push(...transfer);
      setTimeout(() => listeners.message.forEach((l) => l({data} as MessageEvent)), 0);
    }
  };
  const transferred: Transferable[] = [];
  return {
    scope,
    transferred,
    fail: (message: string) => listeners.error.forEach((l) => l({message} as ErrorEvent)),
    worker: {
      addEventListener: (type: "message" | "error", listener: (event: never) => void) => void listeners[type].push(listener as never),
      postMessage: (request: LoadRequest) => void setTimeout(() => scope.onmessage!({data: {...structuredClone({...request, files: []}), files: request.files}} as MessageEvent<LoadRequest>), 0)
    }
  };
}

let fake: ReturnType<typeof fakeWorker>;

beforeAll(async () => {
  fake = fakeWorker();
  vi.stubGlobal("self", fake.scope);
  await import("../src/upload/loadWorker.js");
});

afterAll(() => vi.unstubAllGlobals());

describe("the reader in a worker", () => {
  const parquetModule = new URL("./helpers/parquetWasmNode.ts", import.meta.url).href;

  test("reads what the page would read, reports its stages and transfers the weights", async () => {
    const load = workerLoader(fake.worker, {module: parquetModule, wasm: "unused.wasm"});
    const bytes = parquet(tidyTable(SHAPE));
    const stages: string[] = [];
    const result = await load([new File([bytes.slice()], "t.parquet")], (stage) => stages.push(stage));
    // the file states its sizes in its statistics: one read of its one row group
    expect(stages).toEqual(["starting the Parquet reader", "reading and checking", "reading and checking: 100% of 150 rows"]);
    const here = loadUpload([{name: "t.parquet", bytes}], decodeParquet);
    expect(result.issues).toEqual(here.issues);
    expect(result.data!.values).toEqual(here.data!.values);
    expect(fake.transferred.length).toBeGreaterThan(0);
    expect(fake.transferred.every((b) => (b as ArrayBuffer).byteLength === 0)).toBe(true); // detached on the worker's side: moved, not copied
  });

  test("a file the checks refuse is a result with its message; a worker that fails rejects every pending load", async () => {
    const load = workerLoader(fake.worker, {module: parquetModule, wasm: "unused.wasm"});
    const bad = await load([new File([new Uint8Array([1, 2, 3])], "bad.arrow")], () => {});
    expect(bad.data).toBeNull();
    expect(bad.issues[0].level).toBe("error");
    const pending = load([new File([arrowStream(tidyTable(SHAPE)).slice()], "t.arrow")], () => {});
    fake.fail("out of memory");
    await expect(pending).rejects.toThrow("the file reader stopped (out of memory); reload the page");
    // a stopped reader takes no more work: the next load is the same message at once, not a wait forever
    await expect(load([new File([arrowStream(tidyTable(SHAPE)).slice()], "t.arrow")], () => {})).rejects.toThrow("the file reader stopped (out of memory)");
  });

  test("the store shows the reader's stage while it works, and a failed reader as an error", async () => {
    let resolve = () => {};
    const uploads = uploadStore({
      nextFrame: async () => undefined,
      storage: {keep: async () => {}, load: async () => null, forget: async () => {}},
      load: async (files, onStage) => {
        onStage("reading and checking");
        await new Promise<void>((r) => (resolve = r));
        if (files[0].name === "boom.arrow") throw new Error("the file reader stopped (out of memory)");
        return loadUpload(await readPicked(files));
      }
    });
    const seen: (string | null)[] = [];
    uploads.listen((value) => seen.push(value.stage));
    const taking = uploads.take([{name: "t.arrow", size: 10, arrayBuffer: async () => arrowStream(tidyTable(SHAPE)).slice().buffer}]);
    await vi.waitFor(() => expect(seen).toContain("reading and checking"));
    resolve();
    await taking;
    expect(uploads.value.stage).toBeNull();
    expect(uploads.value.result.data?.layers).toBe(SHAPE.layers);
    const failing = uploads.take([{name: "boom.arrow", size: 10, arrayBuffer: async () => new ArrayBuffer(10)}]);
    await vi.waitFor(() => expect(uploads.value.stage).toBe("reading and checking"));
    resolve();
    await failing;
    expect(uploads.value.result.issues[0].message).toContain("could not be read (the file reader stopped (out of memory))");
  });
});

describe("the Parquet decoder", () => {
  const counting = () => {
    const asked: unknown[] = [];
    const decoderFor = parquetDecoder(async () => ({readSchema: Parquet.readSchema, readParquet: (bytes, options) => (asked.push(options), Parquet.readParquet(bytes, options))}));
    return {asked, decoderFor};
  };
  const once = {batchSize: PARQUET_BATCH_ROWS, rowGroups: [0]};

  test("asks parquet-wasm for one row group at a time, in batches of PARQUET_BATCH_ROWS, not its default 1,024 rows; once where the file states its sizes", async () => {
    const {asked, decoderFor} = counting();
    const file = {name: "t.parquet", bytes: parquet(tidyTable(SHAPE))};
    const result = loadUpload([file], await decoderFor([file]));
    expect(result.data?.layers).toBe(SHAPE.layers); // no tokens file: a warning, and the data
    expect(asked).toEqual([once]);
    expect(PARQUET_BATCH_ROWS).toBeGreaterThan(1024);
  });

  test("a file without statistics is read twice (the sizes, then the weights), to the same result", async () => {
    const {asked, decoderFor} = counting();
    const plain = new Parquet.WriterPropertiesBuilder().setStatisticsEnabled(Parquet.EnabledStatistics.None).build();
    const file = {name: "t.parquet", bytes: Parquet.writeParquet(Parquet.Table.fromIPCStream(arrowStream(tidyTable(SHAPE))), plain)};
    const result = loadUpload([file], await decoderFor([file]));
    expect(asked).toEqual([once, once]);
    expect(result.data!.values).toEqual(loadUpload([{name: "t.arrow", bytes: arrowStream(tidyTable(SHAPE))}]).data!.values);
  });
});
