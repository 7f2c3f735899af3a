// The playground's pure parts: edits land on the mixing entry that data/mixing.arrow names (mixing.mixingRows
// reads it back), knockouts are the ablation module's, the live model's edited run equals a fresh model of
// the edited weights, reset gives the trained logits back, and typed relations and addresses parse or say
// what is wrong.
import {describe, expect, it} from "vitest";
import {TINY, makeConfig} from "../src/model/config.js";
import {ablateHead, ablateSourceHead} from "../src/model/ablation.js";
import {MIX_MATRICES, mixingRows} from "../src/model/mixing.js";
import {disposeCache, runWithCache} from "../src/model/model.js";
import {disposeParams, initWeights, paramSpecs, weightsToParams} from "../src/model/params.js";
import {encodeSafetensors} from "../src/model/safetensors.js";
import {splitSamples} from "../src/model/task.js";
import {LiveModel, applyEdits, type Edit} from "../src/runtime/liveModel.js";
import {readTrained} from "../src/runtime/weights.js";
import {formatRelation, parsePlaygroundState, parseRelation, serializePlaygroundState} from "../src/state/playgroundState.js";

const SEED = 5;
const VALUE = 7.25;
const m = TINY.task.m;

describe("applyEdits", () => {
  for (const arch of ["talking_heads", "iha"] as const) {
    const cfg = makeConfig(TINY, arch);
    const trained = initWeights(cfg, SEED);
    for (const matrix of MIX_MATRICES[arch]) {
      it(`${arch} ${matrix}: the edited entry is the one mixingRows reads at (source, target, pseudo), and only it`, () => {
        const edit: Edit = {kind: "entry", layer: 0, matrix, source: 3, target: 5, pseudo: matrix === "P_l" || matrix === "P_w" ? -1 : 1, value: VALUE};
        const before = mixingRows(trained, cfg);
        const after = mixingRows(applyEdits(trained, cfg, [edit]), cfg);
        const changed = after.filter((row, i) => row.value !== before[i].value);
        expect(changed).toEqual([{arch, layer: 0, matrix, source_head: 3, target_head: 5, pseudo: edit.pseudo, value: VALUE}]);
      });
    }
  }

  it("knockouts are ablation.ablateHead / ablateSourceHead, a zeroed R row is row h of R, and the trained weights are left alone", () => {
    const cfg = makeConfig(TINY, "iha");
    const trained = initWeights(cfg, SEED);
    const copy = Object.fromEntries(Object.entries(trained).map(([k, v]) => [k, v.slice()]));
    expect(applyEdits(trained, cfg, [{kind: "head", layer: 0, head: 2}])).toEqual(ablateHead(trained, cfg, 0, 2));
    expect(applyEdits(trained, cfg, [{kind: "source", layer: 0, head: 4}])).toEqual(ablateSourceHead(trained, cfg, 0, 4));
    const R = applyEdits(trained, cfg, [{kind: "r_row", layer: 0, target: 6}])["blocks.0.attn.R"];
    const HP = cfg.n_heads * cfg.n_pseudo;
    for (let h = 0; h < cfg.n_heads; h++) {
      const row = R.subarray(h * HP, (h + 1) * HP);
      if (h === 6) expect([...row].every((v) => v === 0)).toBe(true);
      else expect(row).toEqual(trained["blocks.0.attn.R"].subarray(h * HP, (h + 1) * HP));
    }
    expect(trained).toEqual(copy);
  });
});

describe("LiveModel", () => {
  it("reads a safetensors file, runs edited weights like a fresh model of them, and reset restores the trained run", () => {
    const cfg = makeConfig(TINY, "iha");
    const weights = initWeights(cfg, SEED);
    const bytes = encodeSafetensors(Object.fromEntries(paramSpecs(cfg).map(({name, shape}) => [name, {shape, data: weights[name]}])));
    const live = new LiveModel(readTrained(bytes, cfg));
    const relation = splitSamples(SEED, "test", 1, TINY.task)[0].relation;
    const trained = live.run(relation);
    const edits: Edit[] = [{kind: "entry", layer: 0, matrix: "alpha_Q", source: 0, target: 1, pseudo: 0, value: 3}, {kind: "head", layer: 0, head: 2}];
    live.setEdits(edits);
    const edited = live.run(relation);
    const params = weightsToParams(applyEdits(weights, cfg, edits), cfg);
    const {logits, cache} = runWithCache(params, cfg, Int32Array.from(relation));
    expect(edited.logits).toEqual(Float32Array.from(logits.dataSync()));
    expect(edited.logits).not.toEqual(trained.logits);
    expect(edited.raw[0][1]).not.toEqual(trained.raw[0][1]);
    expect(edited.effective[0][2].every((row) => row.every((v) => v === 0))).toBe(true); // W_O[2] = 0 writes nothing
    logits.dispose();
    disposeCache(cache);
    disposeParams(params);
    // dropping one edit restores that parameter and keeps the other edit
    live.setEdits([edits[1]]);
    const kept = weightsToParams(applyEdits(weights, cfg, [edits[1]]), cfg);
    const fresh = runWithCache(kept, cfg, Int32Array.from(relation));
    expect(live.run(relation).logits).toEqual(Float32Array.from(fresh.logits.dataSync()));
    fresh.logits.dispose();
    disposeCache(fresh.cache);
    disposeParams(kept);
    live.setEdits([]);
    expect(live.run(relation).logits).toEqual(trained.logits);
    live.dispose();
  });

  it("refuses a file whose shapes do not fit the config, naming the parameter", () => {
    const cfg = makeConfig(TINY, "mha");
    const bytes = encodeSafetensors({"embed.W_bit": {shape: [3, cfg.d_model], data: new Float32Array(3 * cfg.d_model)}});
    expect(() => readTrained(bytes, cfg)).toThrow(`embed.W_bit has shape [3,${cfg.d_model}] in the file, the mha config needs [2,${cfg.d_model}]`);
  });
});

describe("typed relations and the address bar", () => {
  const relation = Uint8Array.from({length: m * m}, (_, n) => (n % 3 === 0 ? 1 : 0));
  it("reads rows, one run of digits, and its own format", () => {
    const rows = formatRelation(relation, m);
    expect(parseRelation(rows, m).relation).toEqual(relation);
    expect(parseRelation(rows.replaceAll("/", "\n"), m).relation).toEqual(relation);
    expect(parseRelation(rows.replaceAll("/", ""), m).relation).toEqual(relation);
  });
  it("names what is wrong", () => {
    expect(parseRelation("  ", m).error).toBe("The relation is empty: type 6 rows of 6 digits, 0 or 1.");
    expect(parseRelation("000000\n011x00", m).error).toBe('Row 2, position 4: "x" is not 0 or 1.');
    expect(parseRelation("0101", m).error).toBe("One line of 4 digits: a relation on one line needs exactly 36 (or type 6 rows of 6).");
    expect(parseRelation("010101\n101010", m).error).toBe("2 rows: the relation needs exactly 6 rows of 6 digits.");
    expect(parseRelation("1111111/00000/111111/000000/111111/000000", m).error).toBe("Row 1 has 7 digits; every row needs 6.");
  });
  it("round-trips a state and falls back to the defaults on garbage", () => {
    const defaults = {arch: "iha" as const, relation: new Uint8Array(m * m), query: 3, head: 0};
    const state = {arch: "talking_heads" as const, relation, query: 20, head: 5};
    expect(parsePlaygroundState(`?${serializePlaygroundState(state, m)}`, m, 8, defaults)).toEqual(state);
    expect(parsePlaygroundState("?arch=gpt&relation=<b>&query=36&head=-1", m, 8, defaults)).toEqual(defaults);
  });
});
