// The explorer's page module without a DOM (src/pages/explorer.ts) and what it shares with "your data"
// (src/pages/mapPage.ts): sizes from the data, which part of the state rebuilds which view, the reasoning
// paths a view rings, the live region's words, the epoch shown, the export name and what each key does.
import {readFileSync} from "node:fs";
import {fromArrow} from "arquero";
import * as Parquet from "parquet-wasm/node";
import {describe, expect, it, vi} from "vitest";
import {arrowTable} from "../src/data/arrow.js";
import {windowNote} from "../src/pages/mapPage.js";
import {announcement, detailFailed, detailKey, detailLoading, explorer, explorerDefaults, explorerSearch, explorerSizes, keptData, exportName, farPath, FILE_TABS, fileTabsNote, layerMaps, modelOf, pseudoNote, showcaseShape, shownKey, singleLayerNote, viewLabel, type RunMetrics, type Showcase} from "../src/pages/explorer.js";
import {directionWords, mapKeyEffect} from "../src/pages/mapPage.js";
import {keptNote, NO_KEPT_FILE, urlFileName} from "../src/pages/readerFile.js";
import {cellIndex, type AttentionSet} from "../src/upload/attentionSet.js";
import {syntheticWeights} from "./helpers/attentionFiles.js";
import type {AttentionSource, LayerSlice} from "../src/sources/source.js";
import type {ViewMapKind} from "../src/model/vocabulary.js";
import {BEST_EPOCH, DEFAULT_STATE, parseState, shownEpoch, type ExplorerState} from "../src/state/explorerState.js";
import {blobBuffer, openParts, partAnswer, readFooter, type PartsFile, type RowGroupDecoder} from "../src/sources/readerParquet.js";
import {IssueList} from "../src/upload/issues.js";
import {HALF, HEADS, knownWeights, LAYERS, N} from "./helpers/knownAttention.js";

const M = 2; // a 2×2 relation: 4 tokens
const meta: Showcase = {
  task: {m: M},
  samples: [
    {tokens: ["a", "b", "c", "d"], relation: [1, 0, 0, 1], labels: [0, 0, 1, 1], paths: [[], [], [0, 3], [1, 3]], predictions: {}},
    {tokens: ["e", "f", "g", "h"], relation: [0, 0, 0, 0], labels: [1, 0, 0, 0], paths: [[2], [], [], []], predictions: {}}
  ]
};
const runs = {mha: {epochs_run: 12, best_epoch: 11}, iha: {epochs_run: 7, best_epoch: 5}, talking_heads: {epochs_run: 9, best_epoch: 2}};
const metrics: RunMetrics = {model: {n_heads: 3, n_layers: 1, n_pseudo: 2}, main_seed: 0, architectures: runs};
const state = (change: Partial<ExplorerState> = {}): ExplorerState => ({...DEFAULT_STATE, ...change});

describe("the explorer's sizes", () => {
  it("come from samples.json and metrics.json, the mixing replay's epochs from the main seed's runs that mix heads", () => {
    const sizes = explorerSizes(meta, metrics);
    expect(showcaseShape(meta, metrics)).toEqual({heads: 3, tokens: 4});
    expect(sizes.limits).toEqual({samples: 2, layers: 1, heads: 3, tokens: 4, maxEpoch: 9});
    expect(sizes.epochs).toEqual({iha: {last: 7, best: 5}, talking_heads: {last: 9, best: 2}});
    expect(sizes.firstQuery).toBe(2); // the first cell of sample 0 that composes
    expect([sizes.n_pseudo, sizes.seed]).toEqual([2, 0]);
    const unmixed = {...metrics, architectures: {mha: runs.mha}};
    expect(explorerSizes({...meta, samples: [{...meta.samples[0], labels: [0, 0, 0, 0]}]}, unmixed).limits.maxEpoch).toBe(0);
    expect(explorerSizes({...meta, samples: [{...meta.samples[0], labels: [0, 0, 0, 0]}]}, unmixed).firstQuery).toBe(0);
  });

  it("read the mixing table only when asked, and once", async () => {
    const table = fromArrow(arrowTable({arch: ["iha"], seed: Int16Array.of(0)}));
    let loads = 0;
    const source = {} as AttentionSource;
    const ex = explorer(meta, metrics, async () => (loads++, table), source);
    expect(loads).toBe(0);
    expect(await ex.mixing()).toBe(table);
    expect(await ex.mixing()).toBe(table);
    expect(loads).toBe(1);
    expect(ex.source).toBe(source);
  });

  it("read the mixing table again after a failed read", async () => {
    const table = fromArrow(arrowTable({arch: ["iha"], seed: Int16Array.of(0)}));
    let loads = 0;
    const ex = explorer(meta, metrics, async () => {
      if (loads++ === 0) throw new Error("network down");
      return table;
    }, {} as AttentionSource);
    await expect(ex.mixing()).rejects.toThrow(/network down/);
    expect(await ex.mixing()).toBe(table);
    expect(loads).toBe(2);
  });
});

describe("what each view is built for", () => {
  it("no view is rebuilt for the query: it moves them in place", () => {
    for (const key of [shownKey, detailKey]) expect(key(state({query: 9}))).toBe(key(state({query: 1})));
  });

  it("the linked views rebuild for the model, sample, map and direction; the head and the layer move them in place", () => {
    for (const change of [{arch: "mha"}, {kind: "effective"}, {direction: "to"}, {sample: 1}] as const) expect(shownKey(state(change))).not.toBe(shownKey(state()));
    expect(shownKey(state({tab: "mixing", epoch: 3}))).toBe(shownKey(state()));
    expect(shownKey(state({head: 2}))).toBe(shownKey(state())); // the head and the layer move the views in place
    expect(shownKey(state({layer: 1}))).toBe(shownKey(state()));
  });

  it("each detail tab is rebuilt for its own part of the state only", () => {
    expect(detailKey(state({tab: "mixing", sample: 1, head: 2}))).toBe(detailKey(state({tab: "mixing"})));
    expect(detailKey(state({tab: "mixing", epoch: 4}))).not.toBe(detailKey(state({tab: "mixing"})));
    expect(detailKey(state({tab: "triptych", arch: "mha"}))).toBe(detailKey(state({tab: "triptych"})));
    expect(detailKey(state({tab: "triptych", direction: "to"}))).not.toBe(detailKey(state({tab: "triptych"})));
    expect(detailKey(state({tab: "heatmap", epoch: 4}))).toBe(detailKey(state({tab: "heatmap"})));
    expect(detailKey(state({tab: "pseudo", kind: "effective"}))).toBe(detailKey(state({tab: "pseudo"})));
    expect(detailKey(state({tab: "pseudo"}))).not.toBe(detailKey(state({tab: "heatmap"})));
  });

  it("the source is asked for one layer, every map kind at once", async () => {
    const asked: [LayerSlice, readonly ViewMapKind[]][] = [];
    const source = {heads: 3, tokens: 4, maps: async (slice: LayerSlice, kinds: readonly ViewMapKind[]) => (asked.push([slice, kinds]), {}), blocks: async () => null};
    await layerMaps(explorer(meta, metrics, async () => fromArrow(arrowTable({arch: ["iha"]})), source), "talking_heads", 1, 0);
    expect(asked).toEqual([[{arch: "talking_heads", sample: 1, layer: 0}, ["raw", "effective", "naive"]]]);
  });
});

describe("the linked views' words and rings", () => {
  const paths = meta.samples[0].paths;

  it("from a query, the rings are its path; to a key, the queries whose path runs through it", () => {
    expect(farPath(paths, "from", 2)).toEqual([0, 3]);
    expect(farPath(paths, "to", 3)).toEqual([2, 3]);
    expect(farPath(paths, "to", 2)).toEqual([]);
  });

  it("the live region names the token, the view and the three strongest keys, or queries", () => {
    const map = [Float32Array.of(1, 0, 0, 0), Float32Array.of(0.5, 0.5, 0, 0), Float32Array.of(0.1, 0.2, 0.3, 0.4), Float32Array.of(0, 0, 0.9, 0.1)];
    const label = viewLabel("IHA", {layer: 0, head: 3, kind: "raw"});
    expect(label).toBe("IHA L0H3, raw");
    expect(announcement(map, ["a", "b", "c", "d"], 2, "from", label)).toBe("Query c, IHA L0H3, raw. Top keys: d 0.40, c 0.30, b 0.20.");
    expect(announcement(map, ["a", "b", "c", "d"], 0, "to", label)).toBe("Key a, IHA L0H3, raw. Top queries: a 1.00, b 0.50, c 0.10.");
  });

  it("captions say what a line joins and what its opacity is relative to", () => {
    expect(directionWords("from")).toEqual({lines: "query on the left to every key on the right", of: "row"});
    expect(directionWords("to")).toEqual({lines: "key on the right to every query on the left", of: "column"});
  });
});

describe("details, export and notes", () => {
  it("the mixing replay shows the kept epoch, or the chosen one capped at the last; 0 without a replay", () => {
    const range = {last: 7, best: 5};
    expect(shownEpoch(BEST_EPOCH, range)).toBe(5);
    expect(shownEpoch(3, range)).toBe(3);
    expect(shownEpoch(30, range)).toBe(7);
    expect(shownEpoch(3, null)).toBe(0);
    expect(shownEpoch(BEST_EPOCH, undefined)).toBe(0);
  });

  it("the pseudo-blocks are IHA's: another architecture gets a note naming the head shown", () => {
    expect(pseudoNote("iha", 0, 2)).toBe("");
    expect(pseudoNote("mha", 0, 2)).toContain("IHA's L0H2");
  });

  it("a tab's card says what it reads while it reads it, and what went wrong when the read fails", () => {
    expect(detailLoading(state({tab: "pseudo", arch: "mha", layer: 0, head: 3}), "MHA")).toBe("Reading IHA L0H3's pseudo-blocks…");
    expect(detailLoading(state({tab: "heatmap", arch: "talking_heads", head: 1}), "Talking Heads")).toBe("Reading Talking Heads L0H1's maps…");
    expect(detailLoading(state({tab: "mixing"}), "IHA")).toMatch(/^Reading the mixing weights/);
    expect(detailLoading(state({tab: "mixing", arch: "file"}), "Your file · f.arrow")).toBe("Reading the mixing table of Your file · f.arrow…");
    expect(detailFailed(state({tab: "pseudo"}), new Error("HTTP 404 for pseudo-blocks.parquet"))).toBe("The Pseudo-blocks tab could not be drawn: HTTP 404 for pseudo-blocks.parquet. Reload the page to try again.");
  });

  it("an export is named after the state; the one-layer note names the layer", () => {
    expect(exportName(state({arch: "talking_heads", sample: 3, head: 5, query: 17, kind: "effective"}))).toBe("mixviz-talking_heads-s3-L0H5-q17-effective");
    expect(singleLayerNote()).toContain("single layer");
  });
});

describe("the map pages' keys", () => {
  const at = {query: 0, head: 1, layer: 0};
  const sizes = {tokens: 4, heads: 3, layers: 1};

  it("arrows and brackets move the state, wrapping around", () => {
    expect(mapKeyEffect("ArrowLeft", at, sizes)).toEqual({kind: "move", change: {query: 3}});
    expect(mapKeyEffect("ArrowDown", at, sizes)).toEqual({kind: "move", change: {head: 2}});
    expect(mapKeyEffect("]", at, {...sizes, layers: 2})).toEqual({kind: "move", change: {layer: 1}});
    expect(mapKeyEffect("x", at, sizes)).toBeNull();
  });

  it("space plays only where the page has a timeline; [ ] note a single layer only where asked", () => {
    expect(mapKeyEffect(" ", at, sizes)).toBeNull();
    expect(mapKeyEffect(" ", at, sizes, {play: true})).toEqual({kind: "play"});
    expect(mapKeyEffect("[", at, sizes)).toEqual({kind: "move", change: {layer: 0}});
    expect(mapKeyEffect("[", at, sizes, {oneLayerNote: true})).toEqual({kind: "single-layer"});
    expect(mapKeyEffect("]", at, {...sizes, layers: 2}, {oneLayerNote: true})).toEqual({kind: "move", change: {layer: 1}});
  });
});

describe("a reader's file in the explorer", () => {
  const shape = {layers: 2, heads: 3, tokens: 5};
  const words = [["<b>x</b>", "b", "c", "d", "e"], ["f", "g", "h", "i", "j"]];
  /** Two models ("a", "b"), each with both sequences, distinct weights per group. */
  const set: AttentionSet = {
    source: "tidy Arrow IPC stream",
    layers: shape.layers,
    heads: shape.heads,
    n: shape.tokens,
    groups: ["a", "b"].flatMap((model) => words.map((tokens, s) => ({label: `${model} · sample ${s}`, model, sample: String(s), tokens, numbered: false}))),
    values: [1, 2, 3, 4].map((seed) => syntheticWeights(shape, seed)),
    effective: null,
    mixing: null,
    ablation: null
  };
  const ex = explorer(meta, metrics, async () => fromArrow(arrowTable({arch: ["iha"]})), {} as AttentionSource, {set, names: "f.arrow", url: null});

  it("offers the file's models after the built-in architectures, with the file's sizes, kinds and tabs", () => {
    expect(ex.models.map((m) => [m.id, m.name, m.family])).toEqual([
      ["mha", "MHA", "built-in"],
      ["talking_heads", "Talking Heads", "built-in"],
      ["iha", "IHA", "built-in"],
      ["file-0", "Your file · a", "file"],
      ["file-1", "Your file · b", "file"]
    ]);
    const b = modelOf(ex, "file-1");
    expect(b).toMatchObject({key: "b", limits: {samples: 2, layers: 2, heads: 3, tokens: 5, maxEpoch: 0}, kinds: ["raw"], tabs: FILE_TABS, samples: ["b · sample 0", "b · sample 1"]});
    expect(b.inputs[0]).toEqual({tokens: words[0], paths: [[], [], [], [], []]});
    expect(modelOf(ex, "iha").limits).toEqual(ex.limits);
    expect(() => modelOf(ex, "file-2")).toThrow(/no model "file-2"/);
    expect(explorer(meta, metrics, async () => fromArrow(arrowTable({arch: ["iha"]})), {} as AttentionSource, {set: {...set, effective: set.values}, names: "f", url: null}).models[3].kinds).toEqual(["raw", "effective"]);
  });

  it("reads a file model's maps from the file: the model's own sequence and layer, no kind it lacks", async () => {
    const maps = await layerMaps(ex, "file-1", 1, 1);
    const group = 3; // model b, sample 1
    expect(maps.raw![2][4][1]).toBe(set.values[group][cellIndex(set, 1, 2, 4, 1)]);
    expect(maps.raw![2][4][1]).not.toBe(set.values[1][cellIndex(set, 1, 2, 4, 1)]);
    expect([maps.effective, maps.naive]).toEqual([null, null]);
  });

  it("names the file's model in the views, the export and the notes", () => {
    const name = modelOf(ex, "file-0").name;
    expect(viewLabel(name, {layer: 1, head: 2, kind: "raw"})).toBe("Your file · a L1H2, raw");
    expect(exportName(state({arch: "file-0", sample: 1, layer: 1, head: 2, query: 3}))).toBe("mixviz-file-0-s1-L1H2-q3-raw");
    expect(fileTabsNote(modelOf(ex, "file-0"))).toMatch(/your file has neither/);
    expect(fileTabsNote(modelOf(ex, "iha"))).toBe("");
    const kept = {...NO_KEPT_FILE, names: ["f.arrow"], result: {issues: [], data: set, offRows: 0}};
    expect(keptNote(kept, ex.models, "?model=file-0")).toBe("Your file (f.arrow, kept in this browser by Your data) is under Model: Your file · a, Your file · b.");
    expect(keptNote(NO_KEPT_FILE, explorer(meta, metrics, async () => fromArrow(arrowTable({arch: ["iha"]})), {} as AttentionSource).models, "?model=file")).toMatch(/^No file is kept/);
  });

  it("says which tokens the Attention Field's window shows of a long sequence, and nothing when it shows them all", () => {
    expect(windowNote({start: 10, size: 64}, 512)).toBe("Tokens 10–73 of 512: the window follows the query.");
    expect(windowNote({start: 0, size: 17}, 17)).toBe("");
  });
});

describe("a reader's file read in parts in the explorer (pyarrow's file of the known tensor, one row group per head)", () => {
  const PARTS = "parts-dense-f16.parquet";
  const mixing = async () => fromArrow(arrowTable({arch: ["iha"]}));

  /** The file opened in parts as Your data opens it, its decoder counting the row groups each read decodes. */
  async function openCounted(): Promise<{parts: PartsFile; reads: number[][]}> {
    const file = new File([readFileSync(new URL(`./fixtures/upload/${PARTS}`, import.meta.url))], PARTS);
    const issues = new IssueList();
    const index = await readFooter(PARTS, blobBuffer(file), issues);
    const reader = await Parquet.ParquetFile.fromFile(file);
    const reads: number[][] = [];
    const decoder: RowGroupDecoder = {read: (options) => (reads.push(options.rowGroups), reader.read(options))};
    return {parts: openParts({name: PARTS, index: index!, reader: (request) => partAnswer(async () => decoder, request), tokens: null}, issues)!, reads};
  }
  const expectHead = (map: readonly Float32Array[], layer: number, head: number) => {
    for (let q = 0; q < N; q++) for (let k = 0; k < N; k++) expect(Math.abs(map[q][k] - KNOWN[((layer * HEADS + head) * N + q) * N + k])).toBeLessThanOrEqual(HALF);
  };
  const KNOWN = knownWeights();

  it("offers its model from the footer alone, reads one head alone, a layer head by head, and a head ahead of need", async () => {
    const {parts, reads} = await openCounted();
    const kept = keptData({...NO_KEPT_FILE, names: [PARTS], result: {issues: [], data: null, offRows: 0}, parts});
    const ex = explorer(meta, metrics, mixing, {} as AttentionSource, kept);
    const model = modelOf(ex, "file");
    expect(model).toMatchObject({name: `Your file · ${PARTS}`, family: "file", key: "", limits: {samples: 1, layers: LAYERS, heads: HEADS, tokens: N, maxEpoch: 0}, kinds: ["raw"], tabs: FILE_TABS});
    expect(reads).toEqual([]); // naming the model read nothing (no causality scan, no head read)
    expect(explorerDefaults(ex).arch).toBe("iha"); // a kept file: the explorer opens on the built-in models
    // One head: its own row group (layer · heads + head), and nothing else.
    expectHead((await model.source.head!({arch: "", sample: 0, layer: 1, head: 2}, "raw"))!, 1, 2);
    expect(reads).toEqual([[1 * HEADS + 2]]);
    expect(await model.source.head!({arch: "", sample: 0, layer: 1, head: 2}, "effective")).toBeNull();
    // The layer: every head, each row group decoded once (head 2 is kept).
    const maps = await layerMaps(ex, "file", 0, 1);
    maps.raw!.forEach((map, h) => expectHead(map, 1, h));
    expect([maps.effective, maps.naive]).toEqual([null, null]);
    expect(reads.slice(1).flat().sort()).toEqual([3, 4]);
    // Ahead of need: the same head of layer 0; nothing for a layer the file does not have.
    model.source.prefetch!({arch: "", sample: 0, layer: 0, head: 2});
    model.source.prefetch!({arch: "", sample: 0, layer: 2, head: 2});
    await vi.waitFor(() => expect(reads.length).toBe(4));
    expect(reads[3]).toEqual([2]);
    await expect(model.source.head!({arch: "", sample: 0, layer: 0, head: 3}, "raw")).rejects.toThrow("the file has no head 3 (heads 0–2)");
  });

  it("a file at a URL opens on its first model, and the address keeps the URL so a reload opens it again", async () => {
    const {parts} = await openCounted();
    const url = "https://host/data/f.parquet";
    const ex = explorer(meta, metrics, mixing, {} as AttentionSource, keptData({...NO_KEPT_FILE, names: [url], result: {issues: [], data: null, offRows: 0}, parts, url}));
    const opened = explorerDefaults(ex);
    expect(opened).toMatchObject({arch: "file", query: 0});
    expect(modelOf(ex, "file").name).toBe("Your file · f.parquet"); // its address is in the note above the controls
    expect([urlFileName("https://host/a%20b.parquet?x=1"), urlFileName("https://host/"), urlFileName("not a url")]).toEqual(["a b.parquet", "https://host/", "not a url"]);
    const asked = `?url=${encodeURIComponent(url)}`;
    const search = explorerSearch({...opened, layer: 1, head: 2, query: 3}, asked);
    expect(new URLSearchParams(search).get("url")).toBe(url);
    expect(new URLSearchParams(search).get("model")).toBe("file");
    expect(parseState(search, ex.models, opened)).toEqual({...opened, layer: 1, head: 2, query: 3});
    expect(new URLSearchParams(explorerSearch(opened, "?model=file")).has("url")).toBe(false);
  });

  it("a file that neither loads nor opens in parts offers no model", () => {
    expect(keptData(NO_KEPT_FILE)).toBeNull();
    expect(keptData({...NO_KEPT_FILE, names: ["x"], result: {issues: [{level: "error", code: "parts", message: "no statistics"}], data: null, offRows: 0}})).toBeNull();
  });
});
