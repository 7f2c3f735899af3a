// Files too large to hold, read in parts (src/sources/readerParquet.ts, src/pages/readerParts.ts): real
// pyarrow and pandas files (test/fixtures/upload/make_parts.py) holding the known tensor, one row group per head
// or per layer. Every head read back value by value; only the row groups a view asks for are decoded; files
// that cannot be read in parts say why and what to write instead; a bad part fails alone.
import {readFileSync} from "node:fs";
import {tableFromArrays, tableToIPC} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {describe, expect, test, vi} from "vitest";
import {localFooter, localParts, partsOpener, workerFooter, workerParts, type PartReaders} from "../src/pages/readerParts.js";
import {blobBuffer, declaredWeights, footerAnswer, openParts, partAnswer, partCache, partMessages, type PartAnswer, type PartMessage, readFooter, readQueue, type FooterReply, type FooterRequest, type RowGroupDecoder} from "../src/sources/readerParquet.js";
import {partsSource} from "../src/sources/uploadSource.js";
import type {AttentionSet} from "../src/upload/attentionSet.js";
import {attentionFromTable} from "../src/upload/fromTable.js";
import {IssueList} from "../src/upload/issues.js";
import {HALF, HEADS, knownWeights, LAYERS, N, SINGLE, TOKENS} from "./helpers/knownAttention.js";

const KNOWN = knownWeights();
const DIR = new URL("./fixtures/upload/", import.meta.url);
const blob = (name: string) => new File([readFileSync(new URL(name, DIR))], name);

/** parquet-wasm's reader over the file, counting the row groups each read decodes. */
async function counted(file: Blob): Promise<{decoder: RowGroupDecoder; reads: number[][]}> {
  const reader = await Parquet.ParquetFile.fromFile(file);
  const reads: number[][] = [];
  return {reads, decoder: {read: (options) => (reads.push(options.rowGroups), reader.read(options))}};
}

async function open(name: string, tokens: string[] | null = null) {
  const file = blob(name);
  const issues = new IssueList();
  const index = await readFooter(name, blobBuffer(file), issues);
  const {decoder, reads} = await counted(file);
  const parts = openParts({name, index: index!, reader: (request) => partAnswer(async () => decoder, request), tokens: tokens && {shared: tokens, bySample: new Map()}}, issues);
  return {parts, issues: issues.list(), reads};
}

function expectHead(map: Float32Array[], layer: number, head: number, tolerance: number) {
  expect(map.length).toBe(N);
  for (let q = 0; q < N; q++) for (let k = 0; k < N; k++) expect(Math.abs(map[q][k] - KNOWN[((layer * HEADS + head) * N + q) * N + k])).toBeLessThanOrEqual(tolerance);
}

describe("a file read in parts", () => {
  test("one row group per head (dense float16): the shape from the statistics, each head read alone and value by value", async () => {
    const {parts, issues, reads} = await open("parts-dense-f16.parquet", TOKENS);
    expect(issues).toEqual([]);
    expect(parts).toMatchObject({layers: LAYERS, heads: HEADS, n: N, hasEffective: false, weights: LAYERS * HEADS * N * N, source: "dense Parquet, read in parts (6 row groups)"});
    expect(parts!.groups.map((g) => g.tokens)).toEqual([TOKENS]);
    expect(reads).toEqual([]); // opening reads the footer only
    expectHead(await parts!.head(0, 1, 2), 1, 2, HALF);
    expect(reads).toEqual([[5]]);
    const layer0 = await parts!.layer(0, 0);
    layer0.forEach((map, h) => expectHead(map, 0, h, HALF));
    expect(reads).toEqual([[5], [0], [1], [2]]);
    await parts!.head(0, 0, 1); // kept
    expect(reads.length).toBe(4);
    parts!.prefetch(0, 1, 0); // read ahead, with no view waiting
    parts!.prefetch(0, 2, 0); // no layer 2: nothing
    await vi.waitFor(() => expect(reads).toEqual([[5], [0], [1], [2], [3]]));
    expectHead(await parts!.head(0, 1, 0), 1, 0, HALF);
    expect(reads.length).toBe(5); // not read again
  });

  test("one row group per layer (tidy float32 with an effective map): a head decodes its layer once", async () => {
    const {parts, issues, reads} = await open("parts-tidy-layer.parquet");
    expect(issues.map((i) => i.code)).toEqual(["no_tokens"]);
    expect(parts).toMatchObject({layers: LAYERS, heads: HEADS, n: N, hasEffective: true, source: "tidy Parquet, read in parts (2 row groups)"});
    expect(parts!.groups[0].tokens).toEqual(["0", "1", "2", "3", "4", "5"]);
    expectHead(await parts!.head(0, 1, 0), 1, 0, SINGLE);
    expectHead(await parts!.head(0, 1, 2, "effective"), 1, 2, SINGLE);
    expect(reads).toEqual([[1]]);
  });

  test("runs of whole heads per row group (as pandas writes 512 tokens): a head decodes its run once", async () => {
    const {parts, issues, reads} = await open("parts-tidy-runs.parquet");
    expect(issues.map((i) => i.code)).toEqual(["no_tokens"]);
    expect(parts).toMatchObject({layers: LAYERS, heads: HEADS, n: N, source: "tidy Parquet, read in parts (4 row groups)"});
    expectHead(await parts!.head(0, 1, 1), 1, 1, SINGLE);
    expect(reads).toEqual([[2]]);
    expectHead(await parts!.head(0, 1, 0), 1, 0, SINGLE);
    expect(reads).toEqual([[2]]);
    const layer1 = await parts!.layer(0, 1);
    layer1.forEach((map, h) => expectHead(map, 1, h, SINGLE));
    expect(reads).toEqual([[2], [3]]);
  });

  test("behind the source interface: a slice names the layer; the kinds the file lacks are null", async () => {
    const tidy = (await open("parts-tidy-layer.parquet")).parts!;
    const source = partsSource(tidy);
    expect([source.heads, source.tokens]).toEqual([HEADS, N]);
    const maps = await source.maps({sample: 0, layer: 1}, ["raw", "effective", "naive"]);
    maps.raw!.forEach((map, h) => expectHead(map, 1, h, SINGLE));
    maps.effective!.forEach((map, h) => expectHead(map, 1, h, SINGLE));
    expect(maps.naive).toBeNull();
    expect((await partsSource((await open("parts-dense-f16.parquet")).parts!).maps({sample: 0, layer: 0}, ["effective"])).effective).toBeNull();
    await expect(source.maps({sample: 1, layer: 0}, ["raw"])).rejects.toThrow('the file has no sequence 1 of model ""');
    await expect(source.maps({sample: 0, layer: 2}, ["raw"])).rejects.toThrow("the file has no layer 2 (layers 0–1)");
  });

  test("a bad part fails alone, naming the file's own layer, head, query and key", async () => {
    const {parts, issues} = await open("parts-negative.parquet", TOKENS);
    expect(issues).toEqual([]);
    await expect(parts!.head(0, 1, 2)).rejects.toThrow(/attention weights cannot be negative \("pattern"\): row 3 \(layer 1, head 2, query 3\), key 0 is -0\.25/);
    expectHead(await parts!.head(0, 1, 1), 1, 1, SINGLE);
    expect(parts!.warnings()).toEqual([]);
  });

  test("files that cannot be read in parts say why and how to write them", async () => {
    const one = await open("parts-one-group.parquet");
    expect(one.parts).toBeNull();
    expect(one.issues.find((i) => i.level === "error")).toMatchObject({code: "parts", message: expect.stringMatching(/a row group holds rows of more than one layer.*row_group_size=.*: row group 0 \(layer 0–1\)/)});
    const split = await open("parts-tidy-split.parquet");
    expect(split.parts).toBeNull();
    expect(split.issues.find((i) => i.level === "error")?.message).toMatch(/a head's rows are in more than one row group.*: layer 0, head 1 \(row groups 0 and 1\); layer 1, head 1 \(row groups 2 and 3\)/);
    const none = await open("parts-no-stats.parquet");
    expect(none.parts).toBeNull();
    expect(none.issues.find((i) => i.level === "error")?.message).toMatch(/no min\/max statistics for "layer", "head_index", "query_pos"/);
  });

  test("tokens must cover the positions", async () => {
    const {parts, issues} = await open("parts-dense-f16.parquet", TOKENS.slice(0, 4));
    expect(parts).toBeNull();
    expect(issues[0]).toMatchObject({code: "token_mismatch", message: expect.stringContaining("the tokens list has 4 tokens but the positions go up to 5")});
  });

  test("the weights a footer declares: rows × N when dense, rows when tidy", async () => {
    for (const name of ["parts-dense-f16.parquet", "parts-tidy-layer.parquet", "parts-one-group.parquet"]) {
      const index = await readFooter(name, blobBuffer(blob(name)), new IssueList());
      expect(declaredWeights(index!)).toBe(LAYERS * HEADS * N * N);
    }
    expect(declaredWeights((await readFooter("x", blobBuffer(blob("parts-no-stats.parquet")), new IssueList()))!)).toBeNull();
  });
});

describe("the export recipe's block 2d, run as written on a real GPT-2 (fixtures/upload/hf_export.py)", () => {
  test("opens in parts with its tokens table, and every head holds the model's attention within float16's rounding", async () => {
    const HF = new URL("./fixtures/upload/hf/", import.meta.url);
    const hf = (name: string) => new File([readFileSync(new URL(name, HF))], name);
    const reference = new Float32Array(new Uint8Array(readFileSync(new URL("attention-f32.bin", HF))).buffer);
    const opened = await partsOpener(async () => Parquet as never, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity}).files([hf("attention-parts.parquet"), hf("tokens.arrow")]);
    expect(opened!.issues).toEqual([]);
    const parts = opened!.parts!;
    expect([parts.layers, parts.heads, parts.n, parts.groups.length]).toEqual([2, 4, 12, 1]);
    expect(parts.groups[0].tokens[2]).toBe(" cat");
    let worst = 0;
    for (let l = 0; l < 2; l++) {
      const maps = await parts.layer(0, l);
      maps.forEach((map, h) => map.forEach((row, q) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - reference[((l * 4 + h) * 12 + q) * 12 + k]))))));
    }
    expect(worst).toBeGreaterThan(0); // float16, not the float32 file
    expect(worst).toBeLessThanOrEqual(HALF);
  });
});

const PARQUET = {module: "parquet-wasm.js", wasm: "parquet-wasm.wasm"};
/** A part worker as the page starts it, its messages and answers structured-cloned, the maps' buffers transferred; `detached` holds the buffers sent. */
const fakeWorker = (counts: {started: number; detached: ArrayBuffer[]}, fail?: (listener: (event: ErrorEvent) => void) => void) => () => {
  counts.started++;
  const answer = partMessages(async (parquet) => (expect(parquet).toEqual(PARQUET), Parquet as never));
  let listener: (event: MessageEvent<PartAnswer>) => void = () => {};
  return {
    addEventListener: (type: string, l: unknown) => void (type === "message" ? (listener = l as typeof listener) : fail?.(l as (event: ErrorEvent) => void)),
    postMessage: (message: PartMessage) =>
      void answer({...structuredClone({...message, source: null}), source: message.source}).then(({answer, transfer}) => {
        const cloned = structuredClone(answer, {transfer});
        counts.detached.push(...transfer);
        setTimeout(() => listener({data: cloned} as MessageEvent<PartAnswer>), 0);
      })
  };
};

describe("the warnings of the parts read", () => {
  test.each([
    ["on this thread", localParts(async () => Parquet as never)],
    ["in the part worker", workerParts(fakeWorker({started: 0, detached: []}), PARQUET)]
  ])("the same problem in many parts is one line, counted, at the file's own layers and heads; listeners hear of each new one (%s)", async (_, readers) => {
    // A tidy file of 2 layers × 2 heads × 4 tokens whose rows sum to 0.5, one row group per head (parquet-wasm writes statistics).
    const [L, H, T] = [2, 2, 4];
    const rows = L * H * T * T;
    const at = (i: number, size: number) => Int8Array.from({length: rows}, (_, r) => Math.floor(r / i) % size);
    const table = tableFromArrays({layer: at(H * T * T, L), head_index: at(T * T, H), query_pos: at(T, T), key_pos: at(1, T), pattern: new Float32Array(rows).fill(0.5 / T)});
    const written = Parquet.writeParquet(Parquet.Table.fromIPCStream(tableToIPC(table, "stream")), new Parquet.WriterPropertiesBuilder().setMaxRowGroupSize(T * T).build());
    const file = new File([new Uint8Array(written)], "half.parquet");
    const issues = new IssueList();
    const index = await readFooter(file.name, blobBuffer(file), issues);
    const parts = openParts({name: file.name, index: index!, reader: readers(file), tokens: null}, issues)!;
    expect(parts.source).toBe("tidy Parquet, read in parts (4 row groups)");
    let heard = 0;
    const stop = parts.listen(() => heard++);
    await parts.head(0, 1, 1);
    expect(parts.warnings()).toEqual([{level: "warning", code: "row_sum", message: "half.parquet: attention rows do not sum to 1 (each query's weights over the keys should): layer 1, head 1, query 0 sums to 0.5000; layer 1, head 1, query 1 sums to 0.5000; layer 1, head 1, query 2 sums to 0.5000 (4 rows in all)."}]);
    await parts.head(0, 0, 1);
    expect(parts.warnings()[0].message).toMatch(/\(8 rows in all\)\.$/);
    expect(heard).toBe(2);
    stop();
    await parts.head(0, 0, 0);
    expect(heard).toBe(2);
  });
});

describe("a part is checked as the part its statistics name", () => {
  const table = tableFromArrays({layer: Int8Array.of(0, 0), head_index: Int8Array.of(0, 0), query_pos: Int8Array.of(0, 1), key_pos: Int8Array.of(0, 0), pattern: Float32Array.of(1, 1)});
  test("rows of another layer or head are an error; the set holds the part alone", () => {
    const wrong = new IssueList();
    expect(attentionFromTable(table, "f", "Parquet", null, wrong, {layer: 1, firstHead: 0, headCount: 2, n: 2})).toBeNull();
    expect(wrong.list()[0].message).toMatch(/statistics say it holds only layer 1, heads 0–1 has other rows: row 0 \(layer 0, head 0, query 0, key 0\)/);
    const right = new IssueList();
    const set = attentionFromTable(table, "f", "Parquet", null, right, {layer: 0, firstHead: 0, headCount: 1, n: 2});
    expect(set).toMatchObject({layers: 1, heads: 1, n: 2});
    expect(Array.from(set!.values[0])).toEqual([1, 0, 1, 0]);
  });
  test("a run of heads is held from its first head; a head before or after the run is an error", () => {
    const run = tableFromArrays({layer: Int8Array.of(2, 2), head_index: Int8Array.of(1, 2), query_pos: Int8Array.of(0, 1), key_pos: Int8Array.of(1, 0), pattern: Float32Array.of(1, 1)});
    const issues = new IssueList();
    const set = attentionFromTable(run, "f", "Parquet", null, issues, {layer: 2, firstHead: 1, headCount: 2, n: 2});
    expect(set).toMatchObject({layers: 1, heads: 2, n: 2});
    expect(Array.from(set!.values[0])).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
    for (const [firstHead, headCount] of [[2, 1], [0, 2]]) {
      const wrong = new IssueList();
      expect(attentionFromTable(run, "f", "Parquet", null, wrong, {layer: 2, firstHead, headCount, n: 2})).toBeNull();
      expect(wrong.list()[0].message).toMatch(/has other rows: row \d \(layer 2, head (1|2),/);
    }
  });
});

describe("the cache of parts", () => {
  const part = (tag: number) => async () => ({source: String(tag)}) as unknown as AttentionSet;
  test("keeps at most its budget, dropping the least recently used; a failed read is read again", async () => {
    const cache = partCache(10);
    const reads: number[] = [];
    const read = (i: number) => () => (reads.push(i), part(i)());
    await cache(1, 4, read(1));
    await cache(2, 4, read(2));
    await cache(1, 4, read(1)); // used: 2 is now the oldest
    await cache(3, 4, read(3)); // 12 > 10: 2 goes
    await cache(1, 4, read(1));
    await cache(2, 4, read(2));
    expect(reads).toEqual([1, 2, 3, 2]);
    let tries = 0;
    const failing = () => (tries++, Promise.reject(new Error("bad")));
    await expect(cache(9, 1, failing)).rejects.toThrow("bad");
    await expect(cache(9, 1, failing)).rejects.toThrow("bad");
    expect(tries).toBe(2);
  });
});

describe("the footer, read off the page's thread", () => {
  test("the worker is started once; each request gets its own answer", async () => {
    let started = 0;
    const fakeWorker = () => {
      started++;
      let listener: (event: MessageEvent<FooterReply>) => void = () => {};
      return {
        addEventListener: (type: string, l: unknown) => void (type === "message" && (listener = l as typeof listener)),
        postMessage: (request: FooterRequest) => void footerAnswer(request).then((reply) => setTimeout(() => listener({data: reply} as MessageEvent<FooterReply>), request.id === 0 ? 20 : 0))
      };
    };
    const footer = workerFooter(fakeWorker);
    const [dense, tidy] = await Promise.all([footer("a", blob("parts-dense-f16.parquet")), footer("b", blob("parts-tidy-layer.parquet"))]);
    expect(started).toBe(1);
    expect(dense.index!.rows).toEqual([6, 6, 6, 6, 6, 6]);
    expect(tidy.index!.columns).toContain("key_pos");
  });

  test("a worker that fails answers the request waiting with a message, and the next request starts a new one", async () => {
    let started = 0;
    let fail: (event: ErrorEvent) => void = () => {};
    const footer = workerFooter(() => {
      started++;
      return {addEventListener: (type: string, l: unknown) => void (type === "error" && (fail = l as typeof fail)), postMessage: () => undefined};
    });
    const waiting = footer("a", blob("parts-dense-f16.parquet"));
    fail({message: "out of memory"} as ErrorEvent);
    expect(await waiting).toEqual({id: 0, index: null, issues: [{level: "error", code: "corrupt", message: "the footer reader stopped (out of memory); try again"}]});
    void footer("b", blob("parts-dense-f16.parquet"));
    expect(started).toBe(2);
  });

  test("a truncated file or an unreachable URL is a message", async () => {
    const bytes = readFileSync(new URL("parts-dense-f16.parquet", DIR));
    const cut = await footerAnswer({id: 1, name: "cut.parquet", source: new Blob([new Uint8Array(bytes.subarray(0, bytes.length - 100))])});
    expect(cut.index).toBeNull();
    expect(cut.issues[0]).toMatchObject({code: "corrupt", message: expect.stringContaining("cut.parquet is truncated or corrupt")});
    const away = await footerAnswer({id: 2, name: "http://127.0.0.1:9/x.parquet", source: "http://127.0.0.1:9/x.parquet"});
    expect(away.issues[0].message).toMatch(/^http:\/\/127\.0\.0\.1:9\/x\.parquet could not be read \(.*\); from a URL, the host must allow this page's origin \(CORS\)/);
  });
});

describe("parts, decoded and checked off the page's thread", () => {
  async function openThrough(name: string, readers: PartReaders, tokens: string[] | null = null) {
    const file = blob(name);
    const issues = new IssueList();
    const index = await readFooter(name, blobBuffer(file), issues);
    return openParts({name, index: index!, reader: readers(file), tokens: tokens && {shared: tokens, bySample: new Map()}}, issues)!;
  }

  test("one worker for every file; each head arrives transferred (its buffer detached where it was read) and equal to the file's weights", async () => {
    const counts = {started: 0, detached: [] as ArrayBuffer[]};
    const readers = workerParts(fakeWorker(counts), PARQUET);
    const dense = await openThrough("parts-dense-f16.parquet", readers, TOKENS);
    const tidy = await openThrough("parts-tidy-layer.parquet", readers);
    const [layer0, effective] = await Promise.all([dense.layer(0, 0), tidy.head(0, 1, 2, "effective")]);
    layer0.forEach((map, h) => expectHead(map, 0, h, HALF));
    expectHead(effective, 1, 2, SINGLE);
    expect(counts.started).toBe(1);
    expect(counts.detached.length).toBe(HEADS + 2); // a buffer per dense part (one head), two for the tidy layer (pattern and effective)
    expect(counts.detached.every((buffer) => buffer.byteLength === 0)).toBe(true);
  });

  test("a bad part's errors reach the page as the part's error, and the other parts read", async () => {
    const readers = workerParts(fakeWorker({started: 0, detached: []}), PARQUET);
    const negative = await openThrough("parts-negative.parquet", readers, TOKENS);
    await expect(negative.head(0, 1, 2)).rejects.toThrow(/attention weights cannot be negative \("pattern"\): row 3 \(layer 1, head 2, query 3\), key 0 is -0\.25/);
    expectHead(await negative.head(0, 1, 1), 1, 1, SINGLE);
    expect(negative.warnings()).toEqual([]);
    // A row group parquet-wasm cannot decode (or a file it cannot open) is the part's error, naming the row group.
    const where = {layer: 1, firstHead: 0, headCount: 2, n: 4};
    const unreadable = await partAnswer(() => Promise.reject(new Error("unreachable")), {rowGroup: 3, columns: ["pattern"], label: "f.parquet", where, tokens: null});
    expect(unreadable).toEqual({maps: null, summary: null, error: "f.parquet: row group 3 (layer 1, heads 0–1) could not be read (unreachable).", warnings: []});
  });

  test("a worker that fails fails the parts waiting with its message; the next read starts a new worker and reads the part", async () => {
    const counts = {started: 0, detached: [] as ArrayBuffer[]};
    let crash: (event: ErrorEvent) => void = () => {};
    const readers = workerParts(fakeWorker(counts, (listener) => (crash = listener)), PARQUET);
    const parts = await openThrough("parts-dense-f16.parquet", readers, TOKENS);
    const waiting = parts.head(0, 0, 0);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the read has left the queue for the worker
    crash({message: "out of memory"} as ErrorEvent);
    await expect(waiting).rejects.toThrow("the part reader stopped (out of memory); try again");
    expectHead(await parts.head(0, 0, 0), 0, 0, HALF);
    expect(counts.started).toBe(2);
  });
});

describe("the queue of reads", () => {
  test("one read at a time, each in a task of its own; urgent reads first, and a waiting read can be moved to the front", async () => {
    const queue = readQueue();
    const log: string[] = [];
    let running = 0;
    const read = (name: string) => async () => {
      running++;
      log.push(`${name}${running}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      return name;
    };
    const all = [queue.run(1, false, read("a")), queue.run(2, false, read("b")), queue.run(3, false, read("c")), queue.run(4, true, read("urgent"))];
    queue.promote(3);
    log.push("queued"); // nothing has started yet: each read starts in a task of its own
    expect(await Promise.all(all)).toEqual(["a", "b", "c", "urgent"]);
    expect(log).toEqual(["queued", "c1", "urgent1", "a1", "b1"]);
  });
});

describe("which picked files open in parts", () => {
  const module = async () => Parquet as never;
  test("a Parquet attention file over either limit opens in parts, with its tokens file; under both, it is read whole", async () => {
    const files = [blob("parts-dense-f16.parquet"), new File([JSON.stringify(TOKENS)], "tokens.json")];
    expect(await partsOpener(module, localFooter).files(files)).toBeNull();
    const opened = await partsOpener(module, localFooter, {bytes: Infinity, weights: 100, partsFrom: Infinity}).files(files);
    expect(opened!.names).toEqual(["parts-dense-f16.parquet", "tokens.json"]);
    expect(opened!.issues).toEqual([]);
    expect(opened!.parts!.groups[0].tokens).toEqual(TOKENS);
    expectHead(await opened!.parts!.head(0, 0, 0), 0, 0, HALF);
    const bytes = readFileSync(new URL("parts-dense-f16.parquet", DIR));
    const cut = new File([new Uint8Array(bytes.subarray(0, bytes.length - 100))], "cut.parquet");
    expect(await partsOpener(module, localFooter).files([cut])).toBeNull(); // read whole, which names the problem
    expect((await partsOpener(module, localFooter, {bytes: 100, weights: Infinity, partsFrom: Infinity}).files([cut]))!.issues[0].message).toContain("cut.parquet is truncated or corrupt: its Parquet footer could not be read");
    const small = await partsOpener(module, localFooter, {bytes: 100, weights: Infinity, partsFrom: Infinity}).files([blob("parts-one-group.parquet")]);
    expect(small!.parts).toBeNull();
    expect(small!.issues.map((i) => i.code)).toEqual(["parts"]);
  });

  test("from partsFrom weights, a file it could hold opens in parts when its row groups allow it and no table comes with it", async () => {
    const weights = LAYERS * HEADS * N * N;
    const first = (from: number) => partsOpener(module, localFooter, {bytes: Infinity, weights: Infinity, partsFrom: from});
    expect(await first(weights + 1).files([blob("parts-tidy-runs.parquet")])).toBeNull();
    const opened = await first(weights).files([blob("parts-tidy-runs.parquet")]);
    expect(opened).toMatchObject({holdable: true, names: ["parts-tidy-runs.parquet"]});
    expectHead(await opened!.parts!.head(0, 1, 2), 1, 2, SINGLE);
    // Row groups that do not allow parts, or a table beside it: read whole, which checks and reads everything.
    expect(await first(weights).files([blob("parts-tidy-split.parquet")])).toBeNull();
    const ablation = new File([new Uint8Array(tableToIPC(tableFromArrays({layer: Int8Array.of(0), head_index: Int8Array.of(0), base: Float32Array.of(1), ablated: Float32Array.of(0.5)}), "stream"))], "ablation.arrow");
    expect(await first(weights).files([blob("parts-tidy-runs.parquet"), ablation])).toBeNull();
    // Too large to hold, the same table is named and not read.
    const large = await partsOpener(module, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity}).files([blob("parts-tidy-runs.parquet"), ablation]);
    expect(large).toMatchObject({holdable: false});
    expect(large!.issues.map((i) => [i.code, i.message.split(" was")[0]])).toEqual([["extra_file", "ablation.arrow"], ["no_tokens", "parts-tidy-runs.parquet: no tokens list came with the file, so positions are shown as numbers (add a tokens file to see tokens)."]]);
  });

  test("anything but one Parquet file with a pattern column is read whole", async () => {
    const opener = partsOpener(module, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity});
    expect(await opener.files([new File([JSON.stringify(TOKENS)], "tokens.json")])).toBeNull();
    expect(await opener.files([blob("parts-dense-f16.parquet"), blob("parts-tidy-layer.parquet")])).toBeNull();
  });
});
