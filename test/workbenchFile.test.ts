// A reader's file in the head workbench, without a DOM: the file's models (one per `model` value), its maps
// through the upload source, the detection on its own inputs (the position-based induction score on the
// inputs that repeat a segment only), what the page says when the file is there or not, and when a page that
// also has models of its own (the explorer) waits for the file.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromArrays, tableToIPC} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {describe, expect, test} from "vitest";
import {fileModels, hasKnockouts, ModelRegistry, nextState} from "../src/pages/workbench/state.js";
import {loadDetectionInputs, loadMaps} from "../src/pages/workbench/maps.js";
import {detectHeads, inputScores, typeSummary} from "../src/pages/workbench/detection.js";
import {uploadSource} from "../src/sources/uploadSource.js";
import {cellIndex, type AttentionSet} from "../src/upload/attentionSet.js";
import {defaultState} from "../src/state/workbenchState.js";
import {askedUrl, asksForFile, keptFileUpdates, keptNote, NO_KEPT_FILE, openKeptFile, openUrlFile, withAskedUrl, type KeptFile} from "../src/pages/readerFile.js";
import {localFooter, partsOpener} from "../src/pages/readerParts.js";
import {footerAnswer} from "../src/sources/readerParquet.js";
import {keptHref} from "../src/pages/yourData/keptView.js";
import {loadUpload} from "../src/upload/load.js";
import {readPicked, type PickedFile} from "../src/upload/readers.js";
import {serve} from "../scripts/serve.js";

const L = 2;
const H = 3;
const SEGMENT = 4;
const N = 1 + 2 * SEGMENT;
const REPEATED = ["BOS", "a", "b", "c", "d", "a", "b", "c", "d"];
const PLAIN = ["BOS", "e", "f", "g", "h", "i", "j", "k", "l"];

/** parquet-wasm as the parts opener starts it, and a file of the known tensor written for reading in parts (one row group per head). */
const module = async () => Parquet as never;
const PARTS = "parts-dense-f16.parquet";
const partsFile = () => new File([readFileSync(new URL(`./fixtures/upload/${PARTS}`, import.meta.url))], PARTS);

/** Per-head rules: L0H1 previous-token, L1H2 induction on the repeat (BOS elsewhere), every other head uniform over keys ≤ query. */
function weight(l: number, h: number, q: number, k: number, repeated: boolean): number {
  if (k > q) return 0;
  if (l === 0 && h === 1) return k === Math.max(q - 1, 0) ? 1 : 0;
  if (l === 1 && h === 2) return k === (repeated && q > SEGMENT ? q - SEGMENT + 1 : 0) ? 1 : 0;
  return 1 / (q + 1);
}

/** A file of `models` × the given token lists, with or without tokens and effective maps. */
function fileSet(sequences: string[][], options: {models?: string[]; numbered?: boolean; effective?: boolean} = {}): AttentionSet {
  const models = options.models ?? [null];
  const groups = models.flatMap((model) => sequences.map((tokens, s) => ({label: `sample ${s}`, model, sample: String(s), tokens, numbered: options.numbered ?? false})));
  const set = {source: "tidy Arrow IPC stream", layers: L, heads: H, n: N, groups, values: [] as Float32Array[], effective: null as Float32Array[] | null, mixing: null, ablation: null};
  set.values = groups.map((g) => {
    const values = new Float32Array(L * H * N * N);
    const repeated = g.tokens === REPEATED;
    for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) for (let q = 0; q < N; q++) for (let k = 0; k < N; k++) values[cellIndex(set, l, h, q, k)] = weight(l, h, q, k, repeated);
    return values;
  });
  if (options.effective) set.effective = set.values.map((v) => v.map((x) => x / 2));
  return set;
}

describe("a reader's file as workbench models", () => {
  test("one model per value of the model column, equal tokens sharing an id across the file", () => {
    const models = fileModels(fileSet([REPEATED, PLAIN], {models: ["gpt2", "gpt2-xl"]}), "f.arrow");
    expect(models.map((m) => [m.id, m.name, m.arch, m.family, m.samples.length])).toEqual([
      ["file-0", "Your file · gpt2", "gpt2", "file", 2],
      ["file-1", "Your file · gpt2-xl", "gpt2-xl", "file", 2]
    ]);
    expect(models[0].samples[0].ids).toEqual([0, 1, 2, 3, 4, 1, 2, 3, 4]);
    expect(models[1].samples[0].ids).toEqual(models[0].samples[0].ids);
    expect(models[0].samples[1].ids?.slice(0, 2)).toEqual([0, 5]); // BOS shared, "e" new
    expect(models[0]).toMatchObject({layers: L, heads: H, tokens: N, ablation: null, kinds: ["raw"], setting: {m: null, tokens: true, causal: true, probe: true}});
    expect(hasKnockouts({...models[0], arch: "iha"})).toBe(false);
  });

  test("a file of one model is `file`, named after the file; without tokens it has no token scores", () => {
    const [model] = fileModels(fileSet([PLAIN], {numbered: true}), "att.parquet");
    expect([model.id, model.name]).toEqual(["file", "Your file · att.parquet"]);
    expect(model.samples[0].ids).toBeNull();
    expect(model.setting).toEqual({m: null, tokens: false, causal: true, probe: false});
  });

  test("causal only when no weight lies after a query; the position-based score only with a repeated input", () => {
    const bidirectional = fileSet([PLAIN]);
    bidirectional.values[0][cellIndex(bidirectional, 1, 0, 2, 5)] = 0.01;
    expect(fileModels(bidirectional, "f")[0].setting).toMatchObject({causal: false, probe: false});
    expect(fileModels(fileSet([PLAIN], {effective: true}), "f")[0].kinds).toEqual(["raw", "effective"]);
  });

  test("a model without effective maps keeps the raw kind when chosen", () => {
    const registry = new ModelRegistry(fileModels(fileSet([REPEATED]), "f"));
    const state = {...defaultState("file", registry.limitsOf("file")), kind: "effective" as const};
    expect(nextState(registry, {...state, model: "elsewhere"}, {model: "file"}).kind).toBe("raw");
  });
});

describe("a reader's file through the source and the detection", () => {
  test("the source hands each layer's maps of the named model and sample, and no effective maps the file lacks", async () => {
    const set = fileSet([REPEATED, PLAIN], {models: ["a", "b"]});
    set.values[3][cellIndex(set, 1, 2, 4, 4)] = 0.5; // model b, sample 1
    const source = uploadSource(set);
    const maps = await source.maps({arch: "b", sample: 1, layer: 1}, ["raw", "effective"]);
    expect(maps.raw![2][4][4]).toBe(0.5);
    expect(maps.effective).toBeNull();
    expect(await source.blocks({sample: 0, layer: 0, head: 0})).toBeNull();
    await expect(source.maps({arch: "c", sample: 0, layer: 0}, ["raw"])).rejects.toThrow(/no sequence 0 of model "c"/);
    await expect(source.maps({arch: "a", sample: 0, layer: 2}, ["raw"])).rejects.toThrow(/no layer 2/);
    const [, b] = fileModels(set, "f");
    const loaded = await loadMaps(source, b, 1);
    expect(loaded.effective).toBe(loaded.raw); // the raw maps stand in, and the caption says so
    expect(typeSummary(b, [])).toContain("no effective maps");
  });

  test("the planted heads are labelled, and the position-based induction score reads the repeated inputs only", async () => {
    const set = fileSet([REPEATED, PLAIN]);
    const [model] = fileModels(set, "f");
    const inputs = await loadDetectionInputs(uploadSource(set), model);
    const {cells} = detectHeads(model, inputs.map((maps, i) => inputScores(model, maps, i)), null, {});
    expect(cells[0][1].raw).toContain("previous_token");
    expect(cells[1][2].raw).toEqual(expect.arrayContaining(["induction_position", "first_token"]));
    expect(cells[1][2].rawScores.induction_position).toBe(1); // the plain input is left out, not averaged in as 0
    // token-based: 4 of the 9 rows of the repeated input, 0 on the plain one
    expect(cells[1][2].rawScores.induction).toBeCloseTo(4 / 9 / 2, 6);
    const others = cells.flatMap((row, l) => row.filter((_, h) => !(l === 0 && h === 1) && !(l === 1 && h === 2)));
    expect(others.flatMap((c) => c.raw.filter((t) => t === "previous_token" || t.startsWith("induction")))).toEqual([]);
    // Without a repeated input the position-based score is not computed at all.
    const plain = fileSet([PLAIN]);
    const [plainModel] = fileModels(plain, "f");
    const plainCells = detectHeads(plainModel, (await loadDetectionInputs(uploadSource(plain), plainModel)).map((maps, i) => inputScores(plainModel, maps, i)), null, {}).cells;
    expect(plainCells[1][2].rawScores.induction_position).toBeUndefined();
  });
});

describe("what the workbench says of the kept file", () => {
  const kept: KeptFile = {...NO_KEPT_FILE, names: ["att.arrow", "tokens.json"], result: {issues: [], data: fileSet([PLAIN]), offRows: 0}};
  const models = fileModels(kept.result!.data!, "att.arrow, tokens.json");

  test("names the file and its models when it is there", () => {
    expect(keptNote(kept, models, "?model=lm-iha")).toBe("Your file (att.arrow, tokens.json, kept in this browser by Your data) is under Model: Your file · att.arrow, tokens.json.");
  });

  test("says why a file asked for is missing, and nothing when none was asked for", () => {
    const none: KeptFile = NO_KEPT_FILE;
    expect(keptNote(none, [], "?model=file")).toMatch(/^No file is kept in this browser/);
    expect(keptNote(none, [], "?model=lm-iha")).toBeNull();
    expect(keptNote({...NO_KEPT_FILE, error: "IndexedDB refused"}, [], "?model=file-1")).toContain("(IndexedDB refused)");
    const broken: KeptFile = {...NO_KEPT_FILE, names: ["x"], result: {issues: [{level: "error", code: "corrupt", message: "x is truncated"}], data: null, offRows: 0}};
    expect(keptNote(broken, [], "?model=file")).toContain("no longer loads (x is truncated)");
  });
});

describe("opening the kept file", () => {
  const bertviz = new File([JSON.stringify({tokens: ["a", "b"], attention: [[[[1, 0], [0.5, 0.5]]]]})], "b.json");
  test("starts the reader only when a file is kept and is not read in parts, and reads it with that reader", async () => {
    let started = 0;
    const reader = () => (started++, async (files: readonly PickedFile[]) => loadUpload(await readPicked(files)));
    expect(await openKeptFile(reader, partsOpener(module, localFooter), async () => null)).toEqual(NO_KEPT_FILE);
    expect(started).toBe(0);
    const opened = await openKeptFile(reader, partsOpener(module, localFooter), async () => ({files: [bertviz]}));
    expect(started).toBe(1);
    expect(opened.names).toEqual(["b.json"]);
    expect(opened.result?.data?.groups[0].tokens).toEqual(["a", "b"]);
    expect(opened.parts).toBeNull();
  });

  test("a kept file too large to hold opens in parts, as Your data opens it, and is not read whole", async () => {
    let started = 0;
    const reader = () => (started++, async () => Promise.reject(new Error("read whole")));
    const opened = await openKeptFile(reader, partsOpener(module, localFooter, {bytes: 1000, weights: Infinity, partsFrom: Infinity}), async () => ({files: [partsFile()]}));
    expect(started).toBe(0);
    expect([opened.names, opened.url, opened.result?.data, opened.error]).toEqual([[PARTS], null, null, null]);
    expect(opened.parts).toMatchObject({layers: 2, heads: 3, n: 6});
    // Under the limits the same file is read whole, by the reader.
    const whole = await openKeptFile(reader, partsOpener(module, localFooter), async () => ({files: [partsFile()]}));
    expect([started, whole.parts, whole.error]).toEqual([1, null, "read whole"]);
    // Both pages name its models.
    expect(keptNote(opened, [{family: "file", name: "Your file · x"}], "")).toBe(`Your file (${PARTS}, kept in this browser by Your data) is read in parts, one head at a time as the views draw it, and is under Model: Your file · x.`);
  });

  test("a kept file too large to hold whose footer cannot be read says why", async () => {
    const bytes = readFileSync(new URL(`./fixtures/upload/${PARTS}`, import.meta.url));
    const cut = new File([new Uint8Array(bytes.subarray(0, bytes.length - 100))], "cut.parquet");
    const opened = await openKeptFile(() => Promise.reject(new Error("read whole")), partsOpener(module, localFooter, {bytes: 100, weights: Infinity, partsFrom: Infinity}), async () => ({files: [cut]}));
    expect(opened.parts).toBeNull();
    expect(keptNote(opened, [], "?model=file")).toMatch(/^The file kept by Your data no longer loads \(cut\.parquet is truncated or corrupt: its Parquet footer could not be read/);
  });

  test("a file at a URL opens in parts; one that cannot be opened is a message naming what the host must allow", async () => {
    const opened = await openUrlFile({files: async () => null, url: async () => (await partsOpener(module, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity}).files([partsFile()]))!}, "https://host/f.parquet");
    expect([opened.url, opened.parts?.heads]).toEqual(["https://host/f.parquet", 3]);
    expect(keptNote(opened, [{family: "file", name: "Your file · f"}], "?url=x")).toBe("The Parquet file at https://host/f.parquet is read in parts, one head at a time as the views draw it (nothing is kept or uploaded), and is under Model: Your file · f.");
    // The opener's own message for a host that refuses (readerParquet.footerAnswer), and an opener that throws.
    const refused = await openUrlFile(partsOpener(module, async (name) => footerAnswer({id: 0, name, source: "http://127.0.0.1:9/none.parquet"})), "http://127.0.0.1:9/none.parquet");
    expect(refused.parts).toBeNull();
    expect(keptNote(refused, [], "?url=http://127.0.0.1:9/none.parquet")).toMatch(/^The file the address names could not be opened: http:\/\/127\.0\.0\.1:9\/none\.parquet could not be read \(.+\); from a URL, the host must allow this page's origin \(CORS\) and answer range requests/);
    const thrown = await openUrlFile({files: async () => null, url: () => Promise.reject(new Error("boom"))}, "https://host/f.parquet");
    expect(thrown.result?.issues[0].message).toBe("https://host/f.parquet could not be read (boom)");
  });

  test("a file at a URL with its tokens file at a URL: the tokens label its positions; tokens that cannot be read, or do not fit, refuse it, saying why", async () => {
    // the footer of the fixture, whatever address it is asked for (the tokens are what this test serves)
    const opener = partsOpener(module, async (name) => footerAnswer({id: 0, name, source: partsFile()}));
    const without = await opener.url("https://host/f.parquet");
    expect(without.issues.map((i) => i.code)).toContain("no_tokens");
    const n = without.parts!.n;
    expect(without.parts?.groups[0].tokens).toEqual(Array.from({length: n}, (_, k) => String(k)));
    const tokens = Array.from({length: n}, (_, k) => `w${k}`);
    const dir = mkdtempSync(join(tmpdir(), "mixviz-tokens-"));
    writeFileSync(join(dir, "tokens.json"), JSON.stringify(tokens));
    writeFileSync(join(dir, "short.json"), JSON.stringify(tokens.slice(0, 3)));
    writeFileSync(join(dir, "bertviz.json"), JSON.stringify({attention: []}));
    writeFileSync(join(dir, "tokens.parquet"), Parquet.writeParquet(Parquet.Table.fromIPCStream(tableToIPC(tableFromArrays({position: Int32Array.from(tokens, (_, k) => k), token: tokens}), "stream"))));
    const {server, url} = await serve(dir);
    try {
      const at = (name: string) => new URL(name, url).href;
      const good = await opener.url("https://host/f.parquet", at("tokens.json"));
      expect(good.names).toEqual(["https://host/f.parquet", at("tokens.json")]);
      expect(good.issues.map((i) => i.code)).not.toContain("no_tokens");
      expect(good.parts?.groups.map((g) => g.tokens)).toEqual([tokens]);
      // a Parquet table of positions and tokens
      const fromParquet = await opener.url("https://host/f.parquet", at("tokens.parquet"));
      expect(fromParquet.issues.filter((i) => i.level === "error")).toEqual([]);
      expect(fromParquet.parts?.groups.map((g) => g.tokens)).toEqual([tokens]);
      const missing = await opener.url("https://host/f.parquet", at("none.json"));
      expect(missing.parts).toBeNull();
      expect(missing.issues.find((i) => i.level === "error")?.message).toBe(`the tokens file at ${at("none.json")} could not be read (HTTP 404 Not Found).`);
      const short = await opener.url("https://host/f.parquet", at("short.json"));
      expect(short.parts).toBeNull();
      expect(short.issues.find((i) => i.level === "error")?.message).toContain(`the tokens list has 3 tokens but the positions go up to ${n - 1}`);
      const other = await opener.url("https://host/f.parquet", at("bertviz.json"));
      expect(other.parts).toBeNull();
      expect(other.issues.find((i) => i.level === "error")?.message).toBe(`${at("bertviz.json")} is not a tokens file (one is a JSON list of tokens, {"tokens": […]}, or a table with "position" and "token" columns).`);
    } finally {
      server.close();
      rmSync(dir, {recursive: true});
    }
  });

  test("the address's file: a URL relative to the page, or none", () => {
    expect(askedUrl("?url=f.parquet&tokens=t%2Ftokens.json", "https://site/mixviz/explorer", "tokens")).toBe("https://site/mixviz/t/tokens.json");
    expect(askedUrl("?url=f.parquet", "https://site/explorer", "tokens")).toBeNull();
    // the address a page writes keeps the file and its tokens, and tokens only with a file
    expect(withAskedUrl("layer=1", "?url=f.parquet&tokens=t.json&layer=0")).toBe("?layer=1&url=f.parquet&tokens=t.json");
    expect(withAskedUrl("layer=1", "?tokens=t.json")).toBe("?layer=1");
    expect(askedUrl("?url=data%2Ff.parquet&model=file", "https://site/mixviz/explorer")).toBe("https://site/mixviz/data/f.parquet");
    expect(askedUrl("?url=https%3A%2F%2Fhost%2Ff.parquet", "https://site/explorer")).toBe("https://host/f.parquet");
    expect(askedUrl("?model=file", "https://site/explorer")).toBeNull();
    expect(asksForFile("?url=x")).toBe(true);
  });

  test("storage or a reader that fails is a message, not an exception", async () => {
    const failing = () => async () => Promise.reject(new Error("the file reader stopped (out of memory)"));
    expect(await openKeptFile(failing, partsOpener(module, localFooter), async () => ({files: [bertviz]}))).toEqual({...NO_KEPT_FILE, error: "the file reader stopped (out of memory)"});
    expect((await openKeptFile(failing, partsOpener(module, localFooter), () => Promise.reject(new Error("IndexedDB refused")))).error).toBe("IndexedDB refused");
  });
});

describe("the links from Your data", () => {
  const upload = (data: AttentionSet, kept: boolean) => ({names: ["f.arrow"], result: {issues: [], data, offRows: 0}, ms: 0, parts: null, holdable: false, url: null, tokensUrl: null, loading: false, stage: null, serial: 1, kept, keepError: null});

  test("open the workbench and the explorer on the file's first model, by the id both give it; nothing when the file is not kept", () => {
    const two = fileSet([PLAIN], {models: ["a", "b"]});
    expect(keptHref(upload(two, true), "heads")).toBe(`./heads?model=${fileModels(two, "f")[0].id}`);
    expect(keptHref(upload(two, true), "explorer")).toBe("./explorer?model=file-0");
    expect(keptHref(upload(fileSet([PLAIN]), true), "heads")).toBe("./heads?model=file");
    expect(keptHref(upload(fileSet([PLAIN]), true), "explorer")).toBe("./explorer?model=file");
    expect(keptHref(upload(fileSet([PLAIN]), false), "explorer")).toBeNull();
  });

  test("a file read in parts opens in both: kept, by the id of its first model; opened by its URL, with that URL", async () => {
    const opened = await partsOpener(module, localFooter, {bytes: 0, weights: 0, partsFrom: Infinity}).files([partsFile()]);
    const kept = {...upload(fileSet([PLAIN]), true), result: {issues: [], data: null, offRows: 0}, parts: opened!.parts};
    expect(keptHref(kept, "explorer")).toBe("./explorer?model=file");
    expect(keptHref(kept, "heads")).toBe("./heads?model=file");
    expect(keptHref({...kept, kept: false}, "explorer")).toBeNull();
    const byUrl = {...kept, kept: false, url: "https://host/f.parquet?x=1"};
    expect(keptHref(byUrl, "explorer")).toBe("./explorer?model=file&url=https%3A%2F%2Fhost%2Ff.parquet%3Fx%3D1");
    expect(keptHref(byUrl, "heads")).toBe("./heads?model=file&url=https%3A%2F%2Fhost%2Ff.parquet%3Fx%3D1");
    expect(keptHref({...byUrl, tokensUrl: "https://host/t.json"}, "heads")).toBe("./heads?model=file&url=https%3A%2F%2Fhost%2Ff.parquet%3Fx%3D1&tokens=https%3A%2F%2Fhost%2Ft.json");
  });
});

describe("a page that need not wait for the kept file", () => {
  const file: KeptFile = {...NO_KEPT_FILE, names: ["f.arrow"], result: {issues: [], data: fileSet([PLAIN]), offRows: 0}};
  const updates = async (reading: KeptFile, search: string) => {
    const seen: KeptFile[] = [];
    keptFileUpdates(Promise.resolve(reading), search, (k) => seen.push(k));
    const atOnce = [...seen];
    await Promise.resolve();
    await Promise.resolve();
    return {atOnce, seen};
  };

  test("draws its own models at once, then adds the file's when one is kept", async () => {
    expect(await updates(file, "?arch=iha")).toEqual({atOnce: [NO_KEPT_FILE], seen: [NO_KEPT_FILE, file]});
    expect(await updates(NO_KEPT_FILE, "")).toEqual({atOnce: [NO_KEPT_FILE], seen: [NO_KEPT_FILE]});
    const broken: KeptFile = {...NO_KEPT_FILE, error: "IndexedDB refused"};
    expect((await updates(broken, "?model=lm-iha")).seen).toEqual([NO_KEPT_FILE, broken]);
  });

  test("waits for the file when the address asks for one of its models, and tells when none is kept", async () => {
    expect(await updates(file, "?model=file-1&head=2")).toEqual({atOnce: [], seen: [file]});
    expect(await updates(NO_KEPT_FILE, "?model=file")).toEqual({atOnce: [], seen: [NO_KEPT_FILE]});
    expect([asksForFile("?model=file"), asksForFile("?model=file-0"), asksForFile("?arch=file"), asksForFile("?model=lm-iha")]).toEqual([true, true, false, false]);
  });
});
