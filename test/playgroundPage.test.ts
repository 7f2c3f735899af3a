// The playground's page controller (src/pages/playground/controller.ts) against the tiny trained models:
// its frames predict what the build predicts, a new query or head reuses the last run while an input or an
// edit runs the model again, each action says what to redraw and what to tell the reader, the edit list and
// the editor read the weights the model runs with, the mixing card follows mixing edits (not knockouts) and
// drops a superseded redraw, and switching architecture or resetting gives the trained model back exactly.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ensureRuns} from "../src/data/runs.js";
import {RELATION} from "../src/model/family.js";
import {TINY} from "../src/model/config.js";
import {mulberry32} from "../src/model/prng.js";
import {parseRelation, parsePlaygroundState} from "../src/state/playgroundState.js";
import {sampleRelation, splitSamples} from "../src/model/task.js";
import {predict} from "../src/model/train.js";
import {ARCHS, type Arch} from "../src/model/vocabulary.js";
import {applyEdits, LiveModel} from "../src/runtime/liveModel.js";
import {ModelStore, PlaygroundController, type PlaygroundData} from "../src/pages/playground/controller.js";
import {valueBoxText} from "../src/pages/playground/editor.js";

const task = TINY.task;
const m = task.m;
const SHOWCASE = 3;
const showcase = splitSamples(0, "test", SHOWCASE, task);
const models = new Map<Arch, LiveModel>();
let data: PlaygroundData;

beforeAll(async () => {
  const runs = await ensureRuns(RELATION, TINY, [0]);
  const run = (arch: Arch) => runs.get(`${arch}/0`)!;
  data = {
    samples: {task, samples: showcase.map((s, sample) => ({sample, relation: [...s.relation], labels: [...s.labels]}))},
    configs: Object.fromEntries(ARCHS.map((a) => [a, {config: run(a).record.config, best_epoch: run(a).record.best_epoch}])) as PlaygroundData["configs"]
  };
  for (const arch of ARCHS) models.set(arch, new LiveModel({cfg: run(arch).record.config, weights: run(arch).weights}));
});

afterAll(() => models.forEach((model) => model.dispose()));

/** A controller on `arch` opened at `search`, its model reset to the trained weights. */
function open(arch: Arch, search = `?arch=${arch}`): PlaygroundController {
  for (const model of models.values()) model.setEdits([]);
  const state = PlaygroundController.initialState(data, search);
  return new PlaygroundController(data, state, models.get(state.arch)!);
}

describe("the playground's frames", () => {
  it("predict what the build predicts, for every showcase sample and architecture", () => {
    for (const arch of ARCHS) {
      const play = open(arch);
      const model = models.get(arch)!;
      const built = predict(model.trained, model.cfg, showcase);
      for (const [i, sample] of showcase.entries()) {
        expect(play.loadSample(String(i))).toEqual({redraw: "views", message: ""});
        const frame = play.frame();
        expect(frame.relation).toEqual(sample.relation);
        expect(frame.labels).toEqual(sample.labels);
        expect([...frame.out.predictions]).toEqual([...built.pred.subarray(i * m * m, (i + 1) * m * m)]);
        frame.out.logits.forEach((logit, n) => expect(Math.abs(logit - built.logits[i * m * m + n])).toBeLessThan(1e-4));
        const right = sample.labels.filter((label, n) => label === built.pred[i * m * m + n]).length;
        expect(frame.status).toMatch(new RegExp(`: ${right} of ${m * m} cells right\\.$`));
      }
    }
  });

  it("run the model again for a new input or edit, not for a new query or head, and say which views are rebuilt", () => {
    const play = open("iha", "?arch=iha&query=8&head=2");
    const first = play.frame();
    expect([first.version, first.rebuild, first.newData, first.query, first.head]).toEqual([1, true, true, 8, 2]);
    expect(first.status).toMatch(/^IHA, trained weights: \d+ of 36 cells right\.$/);
    expect(play.setQuery(20)).toEqual({redraw: "views"});
    const moved = play.frame();
    expect(moved.out).toBe(first.out);
    expect([moved.version, moved.rebuild, moved.newData, moved.query]).toEqual([2, false, false, 20]);
    expect(play.setHead(3)).toEqual({redraw: "views"});
    const head = play.frame();
    expect(head.out).toBe(first.out);
    expect([head.rebuild, head.newData, head.headNames[head.head]]).toEqual([true, false, "L0H3"]);
    expect(play.flip(1)).toEqual({redraw: "views", clearSample: true});
    const flipped = play.frame();
    expect(flipped.out).not.toBe(first.out);
    expect([...flipped.relation].filter((bit, n) => bit !== first.relation[n])).toHaveLength(1);
    expect(flipped.relation[1]).toBe(1 - first.relation[1]);
    expect([flipped.rebuild, flipped.newData]).toEqual([false, true]);
    play.knock();
    const knocked = play.frame();
    expect(knocked.out).not.toBe(flipped.out);
    expect(knocked.out.logits).not.toEqual(flipped.out.logits);
    expect([knocked.rebuild, knocked.newData]).toEqual([false, true]);
    expect(knocked.status).toMatch(/^IHA, 1 edit: \d+ of 36 cells right\.$/);
  });
});

describe("the playground's input actions", () => {
  it("a bad seed or relation gets a message naming it and changes nothing; good ones replace the relation", () => {
    const play = open("mha");
    const before = play.state.relation;
    expect(play.drawSeed("-3")).toEqual({redraw: "none", message: 'Seed "-3" is not a whole number from 0 to 999999999.'});
    expect(play.applyRelation("000000\n011x00")).toEqual({redraw: "none", message: 'Row 2, position 4: "x" is not 0 or 1. The model still shows the last good relation.'});
    expect(play.applyRelation("<img src=x onerror=alert(1)>").message).toBe('Position 1: "<" is not 0 or 1. The model still shows the last good relation.');
    expect(play.state.relation).toBe(before);
    expect(play.drawSeed(" 7 ")).toEqual({redraw: "views", message: "", clearSample: true});
    expect(play.state.relation).toEqual(sampleRelation(mulberry32(7), task));
    const typed = "110000 011000 001100 000110 000011 100001";
    expect(play.applyRelation(typed)).toEqual({redraw: "views", message: "", clearSample: true});
    expect(play.state.relation).toEqual(parseRelation(typed, m).relation);
    expect(play.relationText()).toBe("110000\n011000\n001100\n000110\n000011\n100001");
    expect(play.loadSample("")).toEqual({redraw: "none"});
    expect(play.loadSample(String(SHOWCASE))).toEqual({redraw: "none"});
  });

  it("the address holds the state and a garbage one gives the defaults", () => {
    const play = open("talking_heads", "?arch=talking_heads&query=20&head=5");
    play.flip(0);
    expect(parsePlaygroundState(`?${play.search()}`, m, 8, PlaygroundController.initialState(data, ""))).toEqual(play.state);
    const garbage = PlaygroundController.initialState(data, "?arch=gpt&relation=11%3Cb%3E&query=999&head=-1");
    expect(garbage).toEqual({arch: "iha", relation: showcase[0].relation, query: showcase[0].labels.indexOf(1), head: 0});
  });
});

describe("the playground's edits", () => {
  it("IHA: a set entry is listed with its trained value, replaces an earlier value of the same entry, and reset restores the trained run exactly", () => {
    const play = open("iha");
    const model = models.get("iha")!;
    const trained = play.frame().out.logits;
    expect(play.selection.matrix).toBe("alpha_Q");
    expect(play.select({target: 1})).toEqual({redraw: "editor"});
    const entry = play.entry()!;
    expect(entry).toMatchObject({layer: 0, matrix: "alpha_Q", source: 0, target: 1, pseudo: 0});
    expect(entry.current).toBe(entry.trained);
    expect(play.setEntry("abc")).toEqual({redraw: "none", message: 'Value "abc" is not a number.'});
    expect(play.setEntry(" ")).toEqual({redraw: "none", message: 'Value " " is not a number.'});
    expect(play.setEntry("8")).toEqual({redraw: "weights", message: ""});
    expect(play.setEntry("9")).toEqual({redraw: "weights", message: ""});
    expect(play.edits).toEqual([{kind: "entry", layer: 0, matrix: "alpha_Q", source: 0, target: 1, pseudo: 0, value: 9}]);
    expect(play.entry()!.current).toBe(9);
    const view = play.editorView();
    expect(view.items).toEqual([`α^Q[L0H0 → L0H1, p 0] = 9.000 (trained ${entry.trained.toFixed(3)})`]);
    expect([view.heading, view.edited, view.entryInfo]).toEqual(["Edited (1):", true, `now 9.000, trained ${entry.trained.toFixed(3)}`]);
    expect(play.frame().out.logits).not.toEqual(trained);
    expect(play.reset()).toEqual({redraw: "weights", message: ""});
    expect(play.frame().out.logits).toEqual(trained);
    expect(play.editorView().heading).toBe("Running the trained IHA weights, unedited.");
    expect(model.weights).toEqual(model.trained);
  });

  it("undoing one edit leaves the model as if only the others had been made, and the list names what is left", () => {
    const play = open("iha");
    const model = models.get("iha")!;
    play.select({knock: 3});
    play.knock();
    play.select({matrix: "R", target: 6});
    expect(play.editorView().zeroRowHidden).toBe(false);
    play.zeroRow();
    play.select({knock: 5});
    play.knockSource();
    expect(play.editorView().items).toEqual([
      "L0H3 knocked out: W_O[3] = 0",
      "row 6 of R zeroed: output head L0H6 reads no pseudo-output",
      "source head L0H5 cut from every pseudo-query, key and value: α^Q, α^K, α^V[5, :, :] = 0"
    ]);
    expect(play.undo(1)).toEqual({redraw: "weights"});
    expect(play.edits.map((e) => e.kind)).toEqual(["head", "source"]);
    expect(model.weights).toEqual(applyEdits(model.trained, model.cfg, play.edits));
  });

  it("the mixing card follows mixing edits, not knockouts, in place for the same layer, and drops a superseded redraw", () => {
    const play = open("talking_heads");
    const first = play.mixingStale()!;
    const card = play.mixingCard(first)!;
    expect([card.arch, card.layer, card.inPlace, card.epoch]).toEqual(["talking_heads", 0, false, data.configs.talking_heads.best_epoch]);
    expect(card.rows.map((r) => r.matrix)).toContain("P_w");
    expect(play.mixingStale()).toBeNull(); // nothing changed
    play.knock();
    expect(play.mixingStale()).toBeNull(); // a knockout leaves every mixing weight as it was
    play.select({matrix: "P_w", source: 3, target: 3});
    play.zeroEntry();
    const stale = play.mixingStale()!;
    play.select({source: 2});
    play.zeroEntry();
    const latest = play.mixingStale()!;
    expect(play.mixingCard(stale)).toBeNull();
    const redrawn = play.mixingCard(latest)!;
    expect(redrawn.inPlace).toBe(true);
    const pw = (source: number) => redrawn.rows.find((r) => r.matrix === "P_w" && r.source_head === source && r.target_head === 3)!.value;
    expect([pw(3), pw(2)]).toEqual([0, 0]);
  });

  it("a new architecture runs its own model unedited, resets the one it replaces, and the editor offers its matrices", () => {
    const play = open("iha");
    const iha = models.get("iha")!;
    const trainedIha = play.frame().out.logits;
    play.setEntry("5");
    expect(play.setArch("talking_heads", models.get("talking_heads")!)).toEqual({redraw: "weights"});
    expect(play.edits).toEqual([]);
    expect(iha.weights).toEqual(iha.trained);
    expect(iha.run(play.state.relation).logits).toEqual(trainedIha);
    expect(play.selection.matrix).toBe("P_l");
    const th = play.editorView();
    expect([th.matrices, th.mixes, th.pseudoDisabled, th.knockSourceHidden, th.zeroRowHidden]).toEqual([["P_l", "P_w"], true, true, true, true]);
    expect(play.frame().status).toMatch(/^Talking Heads, trained weights: /);
    play.setArch("mha", models.get("mha")!);
    const mha = play.editorView();
    expect([mha.matrices, mha.mixes, mha.entry, mha.entryInfo]).toEqual([[], false, null, "MHA has no mixing weights: knock out a head instead."]);
    expect(play.zeroEntry()).toEqual({redraw: "none"});
    const card = play.mixingCard(play.mixingStale()!)!;
    expect([card.arch, card.inPlace, card.rows]).toEqual(["mha", false, []]);
    expect(play.select({layer: 0})).toEqual({redraw: "weights"});
  });
});

describe("the playground's helpers", () => {
  it("the value box keeps what was typed while it means the entry's value", () => {
    expect(valueBoxText("8", 8)).toBeNull();
    expect(valueBoxText(" 0.1 ", Math.fround(0.1))).toBeNull();
    expect(valueBoxText("", 8)).toBe("8.000");
    expect(valueBoxText("8", -0.25)).toBe("-0.250");
  });

  it("each model is read once, when first asked for, and disposed with the store", async () => {
    const loaded: Arch[] = [];
    const disposed: Arch[] = [];
    const store = new ModelStore(async (arch) => {
      loaded.push(arch);
      return {dispose: () => disposed.push(arch)} as unknown as LiveModel;
    });
    const a = store.get("iha");
    expect(store.get("iha")).toBe(a);
    await store.get("mha");
    expect(loaded).toEqual(["iha", "mha"]);
    store.dispose();
    await a;
    await Promise.resolve();
    expect(disposed.sort()).toEqual(["iha", "mha"]);
  });
});
