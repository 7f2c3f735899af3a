// The "Your data" page module without a DOM (src/pages/yourData/): the upload store (files in, a checked
// upload or messages out, the example, renormalising; Parquet's decoder loaded once, only when needed), the
// report's summary, where the controls open, which part of the selection rebuilds which view, the views'
// titles and the mixing rows shown for a layer.
import * as Parquet from "parquet-wasm/node";
import {describe, expect, test} from "vitest";
import type {UploadMixingRow} from "../src/upload/attentionSet.js";
import {EXAMPLE_NAME, EXAMPLE_START} from "../src/upload/example.js";
import {MAX_FILE_BYTES} from "../src/upload/limits.js";
import {localLoader} from "../src/upload/workerLoad.js";
import {readFileSync} from "node:fs";
import {localFooter, partsOpener} from "../src/pages/readerParts.js";
import {uploadStore, uploadSummary, type KeptStorage, type PickedFile, type Upload} from "../src/pages/yourData/state.js";
import {urlAddress} from "../src/pages/yourData/views.js";
import {fieldTitle, heatKey, layerKey, sentenceTitle, shownKey, startSelection, uploadSizes} from "../src/pages/yourData/views.js";
import {layerMixing} from "../src/pages/mapPage.js";
import {arrowStream, bertviz, parquet, syntheticWeights, tidyColumns, tidyTable, tokenList, utf8, type Shape} from "./helpers/attentionFiles.js";
import {tableFromArrays} from "apache-arrow";

const SHAPE: Shape = {layers: 2, heads: 3, tokens: 5};
const file = (name: string, bytes: Uint8Array): PickedFile => ({name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer});

/** Storage in memory, as IndexedDB keeps Files; `full` makes keeping fail as a full storage does. */
function memoryStorage(): KeptStorage & {kept: PickedFile[] | null; full: boolean} {
  return {
    kept: null,
    full: false,
    async keep(files) {
      if (this.full) throw Object.assign(new Error("The quota has been exceeded."), {name: "QuotaExceededError"});
      this.kept = [...files];
    },
    async load() {
      return this.kept && {files: this.kept};
    },
    async forget() {
      this.kept = null;
    }
  };
}

/** A store reading on this thread, whose Parquet loader counts its loads and whose published values are kept in order. */
function store(storage = memoryStorage()) {
  const published: Upload[] = [];
  let loads = 0;
  const load = localLoader(async () => {
    loads++;
    return {readParquet: (bytes: Uint8Array, options?: {batchSize?: number; rowGroups?: number[]}) => Parquet.readParquet(bytes, options), readSchema: (bytes: Uint8Array) => Parquet.readSchema(bytes)};
  });
  const uploads = uploadStore({load, nextFrame: async () => undefined, storage});
  uploads.listen((value) => published.push(value));
  return {uploads, published, storage, loads: () => loads};
}

describe("the upload store", () => {
  test("starts on the built-in example, read and checked, serial 0", () => {
    const {uploads} = store();
    expect(uploads.value.names).toEqual([EXAMPLE_NAME]);
    expect(uploads.value.result.issues).toEqual([]);
    expect(uploads.value.result.data?.heads).toBe(4);
    expect([uploads.value.loading, uploads.value.serial]).toEqual([false, 0]);
  });

  test("a good file is shown as loading, then loaded with the next serial", async () => {
    const {uploads, published} = store();
    await uploads.take([file("b.json", utf8(bertviz(SHAPE, syntheticWeights(SHAPE), tokenList(SHAPE.tokens))))]);
    expect(published.map((u) => [u.names.join(), u.loading, u.serial])).toEqual([["b.json", true, 0], ["b.json", false, 1]]);
    expect(uploads.value.result.data?.layers).toBe(2);
    expect(uploads.value.ms).toBeGreaterThanOrEqual(0);
  });

  test("Parquet's decoder is loaded the first time a Parquet file comes in, and only once", async () => {
    const {uploads, loads} = store();
    await uploads.take([file("t.arrow", arrowStream(tidyTable(SHAPE)))]);
    expect(loads()).toBe(0);
    const tokens = file("t.json", utf8(JSON.stringify(tokenList(SHAPE.tokens))));
    await uploads.take([file("t.parquet", parquet(tidyTable(SHAPE))), tokens]);
    await uploads.take([file("t.parquet", parquet(tidyTable(SHAPE))), tokens]);
    expect(loads()).toBe(1);
    expect(uploads.value.result.data?.source).toContain("Parquet");
    expect(uploads.value.result.issues).toEqual([]);
  });

  test("a file that loads is kept, a reload opens it again, and Forget removes it", async () => {
    const first = store();
    expect(first.uploads.value.kept).toBe(false); // the example is never kept
    await first.uploads.take([file("t.parquet", parquet(tidyTable(SHAPE))), file("t.json", utf8(JSON.stringify(tokenList(SHAPE.tokens))))]);
    expect([first.uploads.value.kept, first.uploads.value.keepError]).toEqual([true, null]);
    expect(first.storage.kept?.map((f) => f.name)).toEqual(["t.parquet", "t.json"]);
    const reload = store(first.storage);
    await reload.uploads.restore();
    expect(reload.published.map((u) => [u.names.join(), u.loading])).toEqual([["t.parquet,t.json", true], ["t.parquet,t.json", false]]);
    expect(reload.uploads.value.kept).toBe(true);
    expect(Array.from(reload.uploads.value.result.data!.values[0])).toEqual(Array.from(first.uploads.value.result.data!.values[0]));
    expect(reload.loads()).toBe(1); // the kept Parquet file starts the decoder
    await reload.uploads.forget();
    expect([reload.storage.kept, reload.uploads.value.names, reload.uploads.value.kept]).toEqual([null, [EXAMPLE_NAME], false]);
    const empty = store(reload.storage);
    await empty.uploads.restore();
    expect(empty.published).toEqual([]); // nothing kept: the example stays
  });

  test("a file with errors is not kept, and what was kept stays", async () => {
    const {uploads, storage} = store();
    await uploads.take([file("good.arrow", arrowStream(tidyTable(SHAPE)))]);
    await uploads.take([file("bad.arrow", new Uint8Array([1, 2, 3]))]);
    expect(uploads.value.result.data).toBeNull();
    expect(uploads.value.kept).toBe(false);
    expect(storage.kept?.map((f) => f.name)).toEqual(["good.arrow"]);
  });

  test("a file the browser cannot keep is still shown, and the page says why it is not kept", async () => {
    const storage = memoryStorage();
    storage.full = true;
    const {uploads} = store(storage);
    await uploads.take([file("good.arrow", arrowStream(tidyTable(SHAPE)))]);
    expect(uploads.value.result.data?.layers).toBe(SHAPE.layers);
    expect([uploads.value.kept, uploads.value.keepError]).toEqual([false, `the storage this browser gives this site has no room for ${(arrowStream(tidyTable(SHAPE)).length / 1e6).toFixed(1)} MB`]);
    // What Chromium throws for a 2 GB file: a DOMException with a name and an empty message.
    const silent = memoryStorage();
    silent.keep = async () => {
      throw Object.assign(new Error(""), {name: "QuotaExceededError"});
    };
    const second = store(silent).uploads;
    await second.take([file("good.arrow", arrowStream(tidyTable(SHAPE)))]);
    expect(second.value.keepError).toMatch(/^the storage this browser gives this site has no room for \d/);
    // Any other failure is named as it came.
    const broken = memoryStorage();
    broken.keep = async () => {
      throw Object.assign(new Error(""), {name: "UnknownError"});
    };
    const third = store(broken).uploads;
    await third.take([file("good.arrow", arrowStream(tidyTable(SHAPE)))]);
    expect(third.value.keepError).toBe("UnknownError");
  });

  test("a Parquet file too large to hold opens in parts, is kept, and opens in parts again after a reload", async () => {
    const storage = memoryStorage();
    const parts = partsOpener(async () => Parquet as never, localFooter, {bytes: 1000, weights: Infinity, partsFrom: Infinity});
    const uploads = uploadStore({load: () => Promise.reject(new Error("read whole")), nextFrame: async () => undefined, storage, parts});
    const name = "parts-dense-f16.parquet";
    const big = new File([readFileSync(new URL(`./fixtures/upload/${name}`, import.meta.url))], name);
    await uploads.take([big]);
    expect(uploads.value.result.data).toBeNull();
    expect(uploads.value.parts).toMatchObject({layers: 2, heads: 3, n: 6});
    expect(uploads.value.kept).toBe(true);
    expect(storage.kept).toEqual([big]);
    expect(uploadSummary(uploads.value.parts, 3, true)).toBe("dense Parquet, read in parts (6 row groups): 1 sequence × 2 layers × 3 heads × 6 tokens, opened from its footer in 3 ms; each head is read and checked when a view draws it");
    uploads.example();
    expect(uploads.value.parts).toBeNull();
    await uploads.restore();
    expect(uploads.value.parts?.source).toBe("dense Parquet, read in parts (6 row groups)");
    // Under the limits the same file is read whole, by the page's reader.
    const whole = uploadStore({load: () => Promise.reject(new Error("read whole")), nextFrame: async () => undefined, storage, parts: partsOpener(async () => Parquet as never, localFooter)});
    await whole.take([big]);
    expect(whole.value.result.issues[0].message).toContain("could not be read (read whole)");
  });

  test("a file at a URL opens in parts and is not kept; an opener that fails is a message", async () => {
    const storage = memoryStorage();
    const name = "parts-dense-f16.parquet";
    const file = new File([readFileSync(new URL(`./fixtures/upload/${name}`, import.meta.url))], name);
    const opener = partsOpener(async () => Parquet as never, localFooter);
    // The URL's bytes come from the file here: the opener's footer and decoder are given the File.
    const parts = {files: opener.files, url: async () => (await partsOpener(async () => Parquet as never, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity}).files([file]))!};
    const uploads = uploadStore({load: () => Promise.reject(new Error("read whole")), nextFrame: async () => undefined, storage, parts});
    await uploads.openUrl("https://host/f.parquet");
    expect(uploads.value.parts?.source).toBe("dense Parquet, read in parts (6 row groups)");
    expect(uploads.value.kept).toBe(false);
    expect(storage.kept).toBeNull();
    const failing = uploadStore({load: () => Promise.reject(new Error("read whole")), nextFrame: async () => undefined, storage, parts: {files: async () => null, url: () => Promise.reject(new Error("boom"))}});
    await failing.openUrl("https://host/f.parquet");
    expect(failing.value.result.issues).toEqual([{level: "error", code: "corrupt", message: "https://host/f.parquet could not be read (boom)."}]);
    expect(failing.value.loading).toBe(false);
  });

  test("an empty or oversized file is refused before a byte is read, and nothing is drawn", async () => {
    const {uploads, published} = store();
    const unread: PickedFile = {name: "big.arrow", size: MAX_FILE_BYTES + 1, arrayBuffer: () => Promise.reject(new Error("read"))};
    await uploads.take([unread, file("empty.arrow", new Uint8Array(0))]);
    expect(published.map((u) => u.loading)).toEqual([false]);
    expect(uploads.value.result.data).toBeNull();
    expect(uploads.value.result.issues.map((i) => i.code).sort()).toEqual(["empty", "too_large"]);
    expect(uploads.value.serial).toBe(1);
  });

  test("a file the browser cannot read, or one the checks choke on, is a message", async () => {
    const {uploads} = store();
    await uploads.take([{name: "gone.arrow", size: 10, arrayBuffer: () => Promise.reject(new Error("NotReadableError"))}]);
    expect(uploads.value.result.issues).toEqual([expect.objectContaining({level: "error", code: "corrupt", message: expect.stringContaining("gone.arrow could not be read (NotReadableError)")})]);
    const before = uploads.value.serial;
    await uploads.take([]);
    expect(uploads.value.serial).toBe(before); // nothing picked: nothing changes
  });

  test("renormalising divides every row by its sum and says so; the example comes back", async () => {
    const columns = tidyColumns(SHAPE, syntheticWeights(SHAPE));
    for (let i = 0; i < columns.pattern.length; i++) columns.pattern[i] *= 0.5;
    const {uploads} = store();
    await uploads.take([file("half.arrow", arrowStream(tableFromArrays(columns)))]);
    const offRows = SHAPE.layers * SHAPE.heads * SHAPE.tokens;
    expect(uploads.value.result.offRows).toBe(offRows);
    uploads.renormalise();
    const {result, names} = uploads.value;
    expect(names).toEqual(["half.arrow"]);
    expect(result.offRows).toBe(0);
    expect(result.issues).toEqual([{level: "warning", code: "row_sum", message: `${offRows} rows were renormalised on this page to sum to 1 (the file is unchanged).`}]);
    const row = result.data!.values[0].subarray(0, SHAPE.tokens);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    uploads.example();
    expect(uploads.value.names).toEqual([EXAMPLE_NAME]);
  });
});

describe("what the page shows of an upload", () => {
  test("the summary counts sequences and layers, in words that agree with the numbers", () => {
    const one = {source: "BertViz JSON", groups: [{}], layers: 1, heads: 4, n: 11} as never;
    expect(uploadSummary(one, 12.4)).toBe("BertViz JSON: 1 sequence × 1 layer × 4 heads × 11 tokens, read and checked in 12 ms");
    const two = {source: "tidy Parquet", groups: [{}, {}], layers: 12, heads: 12, n: 512} as never;
    expect(uploadSummary(two, 1)).toBe("tidy Parquet: 2 sequences × 12 layers × 12 heads × 512 tokens, read and checked in 1 ms");
    expect(uploadSummary(null, 1)).toBeNull();
  });

  test("the controls open on the example's head and token, and at the start for a reader's file", () => {
    expect(startSelection([EXAMPLE_NAME])).toEqual(EXAMPLE_START);
    expect(startSelection(["mine.arrow"])).toEqual({});
  });

  test("the query rebuilds no view; the field for the head and direction, the heatmap for the head, the mixing for the layer", () => {
    const at = {group: 0, layer: 1, head: 2, query: 3, direction: "from" as const};
    for (const key of [shownKey, heatKey, layerKey]) expect(key({...at, query: 4})).toBe(key(at));
    expect(shownKey({...at, direction: "to"})).not.toBe(shownKey(at));
    expect(heatKey({...at, direction: "to"})).toBe(heatKey(at));
    expect(heatKey({...at, head: 0})).not.toBe(heatKey(at));
    expect(layerKey({...at, head: 0, group: 1})).toBe(layerKey(at));
    expect(layerKey({...at, layer: 0})).not.toBe(layerKey(at));
  });

  test("the keys step through the selected sequence's tokens", () => {
    const data = {groups: [{tokens: ["a", "b"]}, {tokens: ["a", "b", "c"]}], heads: 4, layers: 2} as never;
    expect(uploadSizes(data, 1)).toEqual({tokens: 3, heads: 4, layers: 2});
  });

  test("titles name the token and the window", () => {
    expect(sentenceTitle("L0H3", "from", "it")).toBe("Sentence view · L0H3 · query “it”");
    expect(sentenceTitle("L0H3", "to", "<b>")).toBe("Sentence view · L0H3 · key “<b>”");
    expect(fieldTitle(12, 3, {start: 268, size: 64}, 512)).toBe("Attention field · all 12 heads of layer 3 · tokens 268–331 of 512");
    expect(fieldTitle(4, 0, {start: 0, size: 11}, 11)).toBe("Attention field · all 4 heads of layer 0");
  });
});

describe("the address of a file opened by its URL", () => {
  test("names the URL, keeps the other parameters, and is taken away for a picked file", () => {
    expect(urlAddress("", "https://host/a b.parquet")).toBe("?url=https%3A%2F%2Fhost%2Fa+b.parquet");
    expect(new URLSearchParams(urlAddress("?x=1", "https://host/f.parquet")).get("url")).toBe("https://host/f.parquet");
    expect(urlAddress("?x=1&url=https%3A%2F%2Fhost%2Ff.parquet", null)).toBe("?x=1");
    expect(urlAddress("?url=u", null)).toBe("");
  });

  test("names its tokens file beside it, drops an old one, and takes both away for a picked file", () => {
    expect(urlAddress("?x=1", "u.parquet", "t.json")).toBe("?x=1&url=u.parquet&tokens=t.json");
    expect(urlAddress("?url=old.parquet&tokens=old.json", "u.parquet")).toBe("?url=u.parquet");
    expect(urlAddress("?url=u.parquet&tokens=t.json&x=1", null)).toBe("?x=1");
  });
});

describe("the mixing rows shown for a layer", () => {
  const row = (change: Partial<UploadMixingRow>): UploadMixingRow => ({arch: "mixing", layer: 0, matrix: "P_l", source_head: 0, target_head: 0, pseudo: -1, value: 1, epoch: 0, is_best: 1, ...change});

  test("the rows marked best, else the last epoch's, of that layer only", () => {
    const rows = [row({epoch: 1, is_best: 0}), row({epoch: 2, is_best: 1}), row({epoch: 3, is_best: 0}), row({layer: 1, epoch: 5})];
    expect(layerMixing(rows, 0).rows.map((r) => r.epoch)).toEqual([2]);
    expect(layerMixing(rows, 0).epoch).toBe(2);
    const none = rows.map((r) => ({...r, is_best: 0}));
    expect(layerMixing(none, 0).rows.map((r) => r.epoch)).toEqual([3]);
    expect(layerMixing(rows, 1).rows).toHaveLength(1);
  });

  test("the architecture is the table's, else IHA for α matrices and Talking Heads otherwise; P from the pseudo column", () => {
    expect(layerMixing([row({arch: "talking_heads"})], 0).arch).toBe("talking_heads");
    expect(layerMixing([row({matrix: "alpha_Q", pseudo: 0}), row({matrix: "alpha_Q", pseudo: 2})], 0)).toMatchObject({arch: "iha", n_pseudo: 3});
    expect(layerMixing([row({})], 0)).toMatchObject({arch: "talking_heads", n_pseudo: 1});
    expect(layerMixing([], 0)).toEqual({rows: [], arch: "talking_heads", n_pseudo: 1, epoch: 0});
  });
});
