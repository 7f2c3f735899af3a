// The head workbench's page module (src/pages/workbench/: state, maps, detection) without a DOM: the model registry built from the
// two JSON shapes, the state store and its model switches, the maps read through a source, what the views
// draw, the head-type detection with and without the induction probe, and the ablation and knockout rows.
import {fromArrow} from "arquero";
import {describe, expect, test} from "vitest";
import {arrowTable, nullableFloat32} from "../src/data/arrow.js";
import type {HeadMap} from "../src/components/headStack.js";
import {lockPatch, lookKey, ModelRegistry, workbenchModels, workbenchStore, type LmSamples, type RelationMetrics, type RelationSamples} from "../src/pages/workbench/state.js";
import {headAcross, layerMeans, meanFlow, loadDetectionInputs, loadMaps, scoreHeads, shownMaps, tokenWeights, type ModelMaps} from "../src/pages/workbench/maps.js";
import {
  ablationPoints,
  detectHeads,
  inputScores,
  gridNotes,
  headAblations,
  knockoutLayers,
  NO_PROBE,
  probeCaption,
  probeScores,
  probeTokens,
  typeSummary
} from "../src/pages/workbench/detection.js";
import type {AttentionSource, LayerSlice} from "../src/sources/source.js";
import type {ViewMapKind} from "../src/model/vocabulary.js";
import {serializeWorkbench} from "../src/state/workbenchState.js";

const RELATION: RelationSamples = {
  task: {m: 2},
  archs: ["mha", "iha"],
  samples: [0, 1, 2].map((sample) => ({sample, tokens: ["a", "b", "c", "d"]}))
};
const METRICS: RelationMetrics = {model: {n_layers: 1, n_heads: 2}};
const LM: LmSamples = {
  n_ctx: 5,
  token_labels: ["BOS", "x", "y", "z"],
  archs: ["iha"],
  samples: [{sample: 0, tokens: [0, 1, 2, 1, 2]}, {sample: 1, tokens: [0, 3, 1, 3, 1]}],
  architectures: {iha: {config: {n_layers: 2, n_heads: 2}}}
};
const registry = () => new ModelRegistry(workbenchModels(RELATION, METRICS, LM));

const rows = (values: number[][]): HeadMap => values.map((r) => Float32Array.from(r));
/** An n×n map that puts all weight on key(q). */
const pointMap = (n: number, key: (q: number) => number): HeadMap =>
  Array.from({length: n}, (_, q) => {
    const row = new Float32Array(n);
    row[Math.max(0, key(q))] = 1;
    return row;
  });

describe("the model registry", () => {
  test("reconciles the relation and language-model JSON into one list, language models first", () => {
    const models = registry();
    expect(models.ids).toEqual(["lm-iha", "relation-mha", "relation-iha"]);
    const lm = models.get("lm-iha");
    expect(lm).toMatchObject({family: "lm", name: "Language model · IHA", layers: 2, heads: 2, tokens: 5, metric: "induction accuracy"});
    expect(lm.samples[1]).toEqual({caption: "sequence 1", tokens: ["BOS", "z", "x", "z", "x"], ids: [0, 3, 1, 3, 1]});
    const relation = models.get("relation-mha");
    expect(relation).toMatchObject({family: "relation", layers: 1, heads: 2, tokens: 4, setting: {m: 2, tokens: false, causal: false}});
    expect(relation.samples[2]).toEqual({caption: "sample 2", tokens: ["a", "b", "c", "d"], ids: null});
    expect(relation.ablation?.base).toBe("test_f1");
    expect(models.limitsOf("lm-iha")).toEqual({samples: 2, layers: 2, heads: 2, tokens: 5, causal: true, kinds: ["raw", "effective"]});
    expect(() => models.get("nope")).toThrow(/no model nope/);
  });
});

describe("the state store", () => {
  test("writes the whole state to the address bar from the start and after every change", () => {
    const written: string[] = [];
    const store = workbenchStore(registry(), "?model=lm-iha&layer=0&head=1", (q) => written.push(q));
    expect(written).toEqual([serializeWorkbench(store.value)]);
    expect(store.value).toMatchObject({model: "lm-iha", layer: 0, head: 1, mask: true});
    store.set({head: 0, locked: true});
    expect(written).toHaveLength(2);
    expect(new URLSearchParams(written[1]).get("lock")).toBe("1");
  });

  test("a new model keeps display choices and brings positions into its range", () => {
    const store = workbenchStore(registry(), "?model=lm-iha&sample=1&layer=1&head=1&token=3&scheme=viridis&score=induction", () => {});
    store.set({model: "relation-mha"});
    expect(store.value).toMatchObject({model: "relation-mha", sample: 1, layer: 0, head: 1, token: -1, mask: false, scheme: "viridis", score: "previous_token"});
    store.set({model: "lm-iha", sample: 1});
    expect(store.value).toMatchObject({layer: 0, mask: true, score: "previous_token"});
  });

  test("a watcher hears the state now and on changes of its key only, until it unsubscribes", () => {
    const store = workbenchStore(registry(), "?model=relation-mha", () => {});
    const heard: number[] = [];
    const stop = store.watch(lookKey, (s) => heard.push(s.sample));
    store.set({token: 2}); // not part of lookKey
    store.set({sample: 2});
    stop();
    store.set({sample: 1});
    expect(heard).toEqual([0, 2]);
  });

  test("clicking a head locks it; clicking the locked head lets go", () => {
    const state = workbenchStore(registry(), "?model=lm-iha&layer=1&head=0&lock=1", () => {}).value;
    expect(lockPatch(state, {layer: 1, head: 0})).toEqual({layer: 1, head: 0, locked: false});
    expect(lockPatch(state, {layer: 0, head: 1})).toEqual({layer: 0, head: 1, locked: true});
    expect(lockPatch({...state, locked: false}, {layer: 1, head: 0})).toEqual({layer: 1, head: 0, locked: true});
  });
});

/** A source whose maps encode their slice: head h of (arch, sample, layer) is the identity times the code. */
function fakeSource(reads: string[]): AttentionSource {
  const code = (slice: LayerSlice, kind: ViewMapKind, head: number) => (slice.arch === "iha" ? 100 : 0) + slice.sample * 10 + slice.layer + head / 10 + (kind === "effective" ? 0.05 : 0);
  return {
    heads: 2,
    tokens: 5,
    maps: async (slice, kinds) => {
      reads.push(`${slice.arch}/${slice.sample}/${slice.layer}:${kinds.join(",")}`);
      return Object.fromEntries(kinds.map((kind) => [kind, [0, 1].map((h) => pointMap(5, (q) => q).map((row) => row.map((v) => v * code(slice, kind, h))))]));
    },
    blocks: async () => null
  };
}

describe("maps through the source", () => {
  test("one read per layer of raw and effective maps, arranged by kind, layer and head", async () => {
    const reads: string[] = [];
    const model = registry().get("lm-iha");
    const maps = await loadMaps(fakeSource(reads), model, 1);
    expect(reads).toEqual(["iha/1/0:raw,effective", "iha/1/1:raw,effective"]);
    expect(maps.raw[1][0][2][2]).toBeCloseTo(111);
    expect(maps.effective[0][1][3][3]).toBeCloseTo(110.15);
    const inputs = await loadDetectionInputs(fakeSource(reads), model);
    expect(inputs).toHaveLength(2); // fewer inputs than DETECTION_INPUTS: all of them
    expect(headAcross(inputs, "raw", {layer: 1, head: 1}, false).map((m) => m[0][0])).toEqual([101 + 0.1, 111 + 0.1].map(Math.fround));
  });

  test("the shown maps hide the first token on request; weights of a token along either direction", () => {
    const map = rows([[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.2, 0.6]]);
    const maps: ModelMaps = {raw: [[map]], effective: [[map]]};
    expect(shownMaps(maps, "raw", false)[0][0]).toBe(map);
    expect(Array.from(shownMaps(maps, "raw", true)[0][0][1])).toEqual([0, 1, 0]);
    expect(Array.from(tokenWeights(map, 0, "from"))).toEqual([1, 0, 0]);
    expect(Array.from(tokenWeights(map, 0, "to"))).toEqual([1, 0.5, 0.2].map(Math.fround));
    expect(headAcross([maps], "raw", {layer: 0, head: 0}, true)[0][0][0]).toBe(0);
  });

  test("the layer flow is each layer's mean over heads, read along the direction", () => {
    const a = rows([[1, 0], [1, 0]]);
    const b = rows([[0, 1], [0, 1]]);
    const flows = meanFlow(layerMeans([[a, b], [a, a]]), 1, "from");
    expect(flows.map((r) => Array.from(r))).toEqual([[0.5, 0.5], [1, 0]]);
    expect(Array.from(meanFlow(layerMeans([[a, b]]), 0, "to")[0])).toEqual([0.5, 0.5]);
  });

  test("the reader's score function gets every head's map flattened row-major", () => {
    const heads = scoreHeads([[rows([[1, 2], [3, 4]])], [rows([[5, 6], [7, 8]])]]);
    expect(heads.map((h) => h.label)).toEqual(["L0H0", "L1H0"]);
    expect(heads[1]).toMatchObject({layer: 1, head: 0, n: 2});
    expect(Array.from(heads[1].map)).toEqual([5, 6, 7, 8]);
  });
});

describe("head-type detection", () => {
  const n = 8; // long enough that a previous-token map is not also a first-token one
  const prev = pointMap(n, (q) => q - 1);
  const self = pointMap(n, (q) => q);
  /** Layer 0: head 0 previous-token on raw and effective, head 1 previous-token raw but current-token effective. */
  const relationMaps: ModelMaps = {raw: [[prev, prev]], effective: [[prev, self]]};

  test("labels every head on raw and effective maps and names those whose labels differ", () => {
    const model = {...registry().get("relation-mha"), tokens: n, setting: {m: null, tokens: false, causal: false, probe: false}};
    const {cells, changed} = detectHeads(model, [inputScores(model, relationMaps, 0)], null, {});
    expect(cells[0][0].raw).toEqual(["previous_token"]);
    expect(cells[0][1].effective).toEqual(["current_token"]);
    expect(changed).toEqual(["L0H1"]);
    expect(gridNotes(cells, "effective")).toEqual([["previous-token", "current-token"]]);
    expect(detectHeads(model, [inputScores(model, relationMaps, 0)], null, {previous_token: 1.01}).cells[0][0].raw).toEqual([]);
  });

  test("on a language model the token scores come from the probe, and are absent without one", () => {
    const model = registry().get("lm-iha");
    // BOS, segment [1, 2, 3] twice: an induction head's queries 4…6 attend to the token after the earlier copy (q − 2)
    const tokens = Int32Array.of(0, 1, 2, 3, 1, 2, 3);
    const before = pointMap(7, (q) => q - 1);
    const induction = pointMap(7, (q) => (q >= 4 ? q - 2 : 0));
    const maps: ModelMaps = {raw: [[before, before], [before, before]], effective: [[before, before], [before, before]]};
    const scored = [inputScores(model, maps, 0)];
    const without = detectHeads(model, scored, NO_PROBE.scores, {});
    expect(without.cells[1][1].rawScores.induction).toBeUndefined();
    expect(without.cells[1][1].raw).toContain("previous_token");
    const probe = probeScores({raw: [[before, before], [before, induction]], effective: maps.effective}, model.setting, tokens);
    const withProbe = detectHeads(model, scored, probe, {});
    expect(withProbe.cells[1][1].rawScores.induction).toBeGreaterThan(0.3);
    expect(withProbe.cells[1][1].raw).toContain("induction");
    expect(withProbe.cells[1][1].effective).not.toContain("induction");
    // the position-based score of the same head is 1, and it labels it too; the regular inputs never give it
    expect(withProbe.cells[1][1].rawScores.induction_position).toBe(1);
    expect(withProbe.cells[1][1].raw).toContain("induction_position");
    expect(without.cells[1][1].rawScores.induction_position).toBeUndefined();
    expect(withProbe.changed).toEqual(["L1H1"]);
  });

  test("the probe's tokens fit the context or say how to make them fit; its caption names them", () => {
    const cfg = {d_vocab: 4, n_ctx: 7};
    const tokens = probeTokens({length: 3, repeats: 2, seed: 0}, cfg);
    expect(tokens).toHaveLength(7);
    expect(tokens[0]).toBe(0);
    expect(Array.from(tokens.slice(4))).toEqual(Array.from(tokens.slice(1, 4)));
    expect(() => probeTokens({length: 3, repeats: 3, seed: 0}, cfg)).toThrow(/BOS \+ 3 tokens × 3 repeats = 10 tokens, more than the model's 7/);
    const caption = probeCaption({error: null, tokens, scores: {raw: [], effective: []}}, {length: 3, repeats: 2, seed: 0}, ["BOS", "x", "y", "z"]);
    expect("text" in caption && caption.text).toMatch(/^Probe: 7 tokens, BOS [xyz] [xyz] [xyz] …, the segment 2 times\.$/);
    expect(probeCaption({error: "too long", tokens: null, scores: null}, {length: 3, repeats: 2, seed: 0}, [])).toEqual({error: "too long"});
  });

  test("the summary under the grid counts the heads that change and lists the family's tags", () => {
    const models = registry();
    expect(typeSummary(models.get("lm-iha"), ["L0H1"])).toMatch(/^On Language model · IHA, 1 of 4 heads change .*: L0H1\. Tags: prev = previous-token, .*, ind = induction \(token-based\), ind·pos = induction \(position-based\)\./);
    expect(typeSummary(models.get("relation-mha"), [])).toMatch(/no head changes .* row = same row, col = same column\./);
  });
});

describe("ablation and knockout rows", () => {
  const models = registry();
  test("each head's ablation change against its pattern score on the shown kind", () => {
    const heads = fromArrow(arrowTable({
      arch: ["iha", "iha", "mha"],
      layer: Int8Array.of(0, 0, 0),
      head_index: Int8Array.of(1, 0, 0),
      map: ["raw", "raw", "raw"],
      test_f1: Float32Array.of(0.75, 0.75, 0.5),
      ablated_f1: Float32Array.of(0.5, 0.75, 0.25),
      source_ablated_f1: nullableFloat32(Float32Array.of(0.25, 0.5, NaN))
    }));
    const cells = [[0.25, 0.5].map((p) => ({raw: [], effective: [], rawScores: {row: p}, effectiveScores: {row: 1 - p}}))];
    expect(ablationPoints(headAblations(heads, models.get("relation-iha")), cells, "effective", "row")).toEqual([
      {label: "L0H0", head: 0, score: 0.75, change: 0, sourceChange: -0.25},
      {label: "L0H1", head: 1, score: 0.5, change: -0.25, sourceChange: -0.5}
    ]);
    expect(ablationPoints(headAblations(heads, models.get("relation-mha")), cells, "raw", "row")[0]).toMatchObject({score: 0.25, change: -0.25, sourceChange: null});
  });

  test("IHA's knockout cells by layer; none for other architectures", () => {
    const knockout = fromArrow(arrowTable({
      model: ["lm-iha", "lm-iha", "lm-iha", "relation-iha"],
      layer: Int8Array.of(1, 0, 1, 0),
      source_head: Int8Array.of(0, 1, 1, 0),
      output_head: Int8Array.of(1, 1, 0, 0),
      map: ["raw", "raw", "raw", "raw"],
      change: Float32Array.of(0.5, 0.25, 0.125, 1)
    }));
    const layers = knockoutLayers(knockout, models.get("lm-iha"), "raw");
    expect(layers.map((cells) => cells.map((c) => c.change))).toEqual([[0.25], [0.5, 0.125]]);
    expect(knockoutLayers(knockout, models.get("lm-iha"), "effective")).toEqual([[], []]);
    expect(knockoutLayers(knockout, models.get("relation-mha"), "raw")).toEqual([]);
  });
});
