// The explorer's state and its URL form with a reader's file beside the built-in architectures: each model's
// own sizes, map kinds and tabs bound what a link may ask for, a file's model is written `model=…` (as on the
// head workbench) and reads back to the same state, and anything unknown falls back to a valid view.
import {describe, expect, test} from "vitest";
import {ARCHS, viewMapKindsFor} from "../src/model/vocabulary.js";
import {builtInModels, clampState, DEFAULT_STATE, isArch, parseState, serializeState, TABS, type ExplorerModel, type ExplorerState} from "../src/state/explorerState.js";

const BUILT_IN = {samples: 4, layers: 1, heads: 8, tokens: 36, maxEpoch: 9};
const FILE: ExplorerModel = {id: "file-0", limits: {samples: 2, layers: 3, heads: 4, tokens: 17, maxEpoch: 0}, kinds: ["raw"], tabs: ["heatmap", "mixing"]};
const EFFECTIVE: ExplorerModel = {...FILE, id: "file-1", kinds: ["raw", "effective"]};
const MODELS = [...builtInModels(BUILT_IN), FILE, EFFECTIVE];
/** The explorer's defaults on the built-in models: the first cell that composes is past the file's tokens. */
const DEFAULTS: ExplorerState = {...DEFAULT_STATE, query: 30};

describe("the models a state may name", () => {
  test("the built-in architectures share their sizes and keep their own map kinds and every tab", () => {
    const built = builtInModels(BUILT_IN);
    expect(built.map((m) => m.id)).toEqual(ARCHS);
    for (const m of built) expect(m).toEqual({id: m.id, limits: BUILT_IN, kinds: viewMapKindsFor(m.id as (typeof ARCHS)[number]), tabs: TABS});
    expect(ARCHS.every(isArch)).toBe(true);
    expect(["file", "file-0", "IHA", ""].some(isArch)).toBe(false);
  });
});

describe("a file's model in the address", () => {
  test("a precise view of a file's model round-trips, written model=… and never arch=…", () => {
    const state: ExplorerState = {arch: "file-1", sample: 1, layer: 2, head: 3, query: 16, kind: "effective", direction: "to", tab: "mixing", epoch: -1};
    const search = serializeState(state);
    expect(search).toBe("model=file-1&sample=1&layer=2&head=3&query=16&map=effective&dir=to&tab=mixing&epoch=best");
    expect(parseState(`?${search}`, MODELS, DEFAULTS)).toEqual(state);
    const builtIn = {...DEFAULTS, arch: "talking_heads", head: 7};
    expect(serializeState(builtIn).startsWith("arch=talking_heads&")).toBe(true);
    expect(parseState(`?${serializeState(builtIn)}`, MODELS, DEFAULTS)).toEqual(builtIn);
  });

  test("the file's sizes bound the rest: a value past them takes the default, brought into the file's range", () => {
    const parsed = parseState("?model=file-0&sample=2&layer=3&head=4&query=17", MODELS, DEFAULTS);
    expect(parsed).toMatchObject({arch: "file-0", sample: 0, layer: 0, head: 0, query: 0});
    expect(parseState("?model=file-0&sample=1&layer=2&head=3&query=16", MODELS, DEFAULTS)).toMatchObject({sample: 1, layer: 2, head: 3, query: 16});
    // the same values are in range on the built-in models' sizes, where they are kept
    expect(parseState("?arch=mha&head=7&query=35", MODELS, DEFAULTS)).toMatchObject({arch: "mha", head: 7, query: 35});
    expect(parseState("?arch=mha", MODELS, DEFAULTS).query).toBe(30);
  });

  test("map kinds and tabs the file lacks fall back to raw and the heatmap", () => {
    expect(parseState("?model=file-0&map=effective&tab=triptych", MODELS, DEFAULTS)).toMatchObject({kind: "raw", tab: "heatmap"});
    expect(parseState("?model=file-0&map=naive&tab=pseudo", MODELS, DEFAULTS)).toMatchObject({kind: "raw", tab: "heatmap"});
    expect(parseState("?model=file-1&map=effective&tab=mixing", MODELS, DEFAULTS)).toMatchObject({kind: "effective", tab: "mixing"});
    expect(parseState("?model=file-1&map=naive", MODELS, DEFAULTS).kind).toBe("raw");
  });

  test("model= names any model and wins over arch=; an unknown one opens the default architecture", () => {
    expect(parseState("?model=iha&map=naive", MODELS, DEFAULTS)).toMatchObject({arch: "iha", kind: "naive"});
    expect(parseState("?arch=mha&model=file-0", MODELS, DEFAULTS).arch).toBe("file-0");
    for (const search of ["?model=file", "?model=file-7&head=6", "?model=%3Cb%3Ex%3C%2Fb%3E", "?arch=file-"]) {
      const parsed = parseState(search, MODELS, DEFAULTS);
      expect(parsed.arch, search).toBe("iha");
      expect(parsed.query, search).toBe(30);
    }
    expect(parseState("?model=file-7&head=6", MODELS, DEFAULTS).head).toBe(6); // the built-in sizes apply
    // without the file (it is no longer kept), its link opens the default architecture
    expect(parseState("?model=file-0&head=3", builtInModels(BUILT_IN), DEFAULTS)).toMatchObject({arch: "iha", head: 3});
  });

  test("switching model keeps what fits and brings the rest into the new model's range", () => {
    const onIha: ExplorerState = {...DEFAULTS, arch: "iha", head: 6, layer: 0, query: 12, kind: "naive", tab: "pseudo", sample: 3};
    expect(clampState({...onIha, arch: "file-0"}, MODELS, DEFAULTS)).toMatchObject({arch: "file-0", head: 0, query: 12, kind: "raw", tab: "heatmap", sample: 0});
    const onFile: ExplorerState = {...DEFAULTS, arch: "file-0", layer: 2, head: 3, query: 16};
    expect(clampState({...onFile, arch: "mha"}, MODELS, DEFAULTS)).toMatchObject({arch: "mha", layer: 0, head: 3, query: 16});
    expect(clampState({...onFile, arch: "gone"}, MODELS, DEFAULTS).arch).toBe("iha");
  });
});
