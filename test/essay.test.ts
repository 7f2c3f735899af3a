// The essay's pure helpers: head picks, correlation, the essay's URL state, the ablation sentences and the results table.
import {describe, expect, test} from "vitest";
import {argmax, mapGaps, pathShares, rankOf} from "../src/essay/figures.js";
import {blocksAhead, blocksHead} from "../src/essay/readAhead.js";
import {ablationSentence, mainSeedAblation} from "../src/essay/ablation.js";
import {RESULT_FORMAT, resultRows, studyRows, trainingTimeText} from "../src/essay/results.js";
import {STUDY} from "../src/essay/study.js";
import {metricAt} from "../src/essay/metricText.js";
import {pearson} from "../src/model/metrics.js";
import {explorerHref, parseEssayState, serializeEssayState} from "../src/state/essayState.js";
import {builtInModels, parseState} from "../src/state/explorerState.js";

const map = (rows: number[][]) => rows.map((r) => Float32Array.from(r));

describe("essay figures", () => {
  test("the head shown is the one with the most mass on the path", () => {
    const stack = [map([[0.5, 0.5, 0], [1, 0, 0], [1, 0, 0]]), map([[0.1, 0.1, 0.8], [1, 0, 0], [1, 0, 0]])];
    const mass = pathShares(stack, 0, [2]);
    expect(mass[0]).toBeCloseTo(0);
    expect(mass[1]).toBeCloseTo(0.8);
    expect(argmax(mass)).toBe(1);
    expect(argmax([])).toBe(-1);
    expect(rankOf([0.2, 0.9, 0.5], 2)).toBe(2);
  });

  test("the IHA head shown is the one whose raw and effective maps differ most", () => {
    const raw = [map([[1, 0], [0, 1]]), map([[1, 0], [0, 1]]), map([[0.5, 0.5], [0.5, 0.5]])];
    const effective = [map([[1, 0], [0, 1]]), map([[0, 1], [0, 1]]), map([[0.25, 0.75], [0.5, 0.5]])];
    const gaps = mapGaps(raw, effective);
    expect(gaps[0]).toBe(0);
    expect(gaps[1]).toBeCloseTo(0.5); // rows differ by 1 and by 0
    expect(gaps[2]).toBeCloseTo(0.125);
    expect(argmax(gaps)).toBe(1);
  });

  test("the essay shows the blocks of the IHA head whose raw and effective maps differ most, and reads ahead only IHA's", () => {
    const raw = [0, 1, 2].map(() => map([[1, 0], [0, 1]]));
    const maps = {raw, effective: raw.map((m, h) => (h === 2 ? map([[0, 1], [1, 0]]) : m))};
    expect(blocksHead(maps)).toBe(2);
    expect(blocksAhead({arch: "iha", sample: 3, layer: 0}, maps)).toBe(2);
    expect(blocksAhead({arch: "mha", sample: 3, layer: 0}, maps)).toBeNull();
    expect(blocksHead({raw, effective: raw.map((m, h) => (h === 0 ? map([[0.5, 0.5], [0, 1]]) : m))})).toBe(0);
  });

  test("correlation", () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 1, 1], [2, 4, 6])).toBeNaN();
  });

  test("the essay state round-trips and falls back on bad values", () => {
    const limits = {samples: 4, tokens: 36};
    const defaults = {sample: 0, query: 3};
    expect(parseEssayState(`?${serializeEssayState({sample: 2, query: 35})}`, limits, defaults)).toEqual({sample: 2, query: 35});
    expect(parseEssayState("?sample=9&query=x", limits, defaults)).toEqual(defaults);
  });

  test("an explorer link parses back to its state", () => {
    const href = explorerHref({arch: "talking_heads", sample: 1, head: 5, query: 7, tab: "mixing"});
    expect(href.startsWith("./explorer.html?")).toBe(true);
    const state = parseState(href.slice(href.indexOf("?")), builtInModels({samples: 4, layers: 1, heads: 8, tokens: 36, maxEpoch: 4}));
    expect(state).toMatchObject({arch: "talking_heads", sample: 1, head: 5, query: 7, tab: "mixing"});
  });
});

describe("the essay's ablation sentences (main seed)", () => {
  const row = (arch: string, h: number, drop: number, alignRank: number) => ({arch, head_index: h, head: `L0H${h}`, test_f1: 0.9, ablated_f1: 0.9 - drop, source_ablated_f1: 0.9 - drop, drop, alignment: 0, alignRank});
  const rows = [
    row("mha", 0, 0.01, 3), row("mha", 1, 0.3, 1), row("mha", 2, 0.02, 2),
    row("talking_heads", 0, 0, 1), row("talking_heads", 1, -0.01, 1), row("talking_heads", 2, 0, 1),
    row("iha", 0, 0, 1), row("iha", 1, 0.3, 3), row("iha", 2, 0.01, 2)
  ];

  test("names the costliest head and where its map ranks by alignment", () => {
    const by = mainSeedAblation(rows);
    expect(by.mha.worstRow?.head).toBe("L0H1");
    expect(ablationSentence("mha", by.mha, 0)).toBe("In MHA (seed 0), removing L0H1 costs the most (F1 0.900 → 0.600); by the alignment of its map it ranks 1 of 3.");
    // IHA's costliest head has the least aligned map: the rank follows the rows
    expect(ablationSentence("iha", by.iha, 0)).toMatch(/removing L0H1 costs the most .*ranks 3 of 3\.$/);
  });

  test("says no head matters when no removal lowers F1", () => {
    const by = mainSeedAblation(rows);
    expect(ablationSentence("talking_heads", by.talking_heads, 0)).toBe("In Talking Heads, no single head's removal lowers test F1.");
    expect(ablationSentence("mha", mainSeedAblation(rows.map((r) => ({...r, drop: -Math.abs(r.drop)}))).mha, 0)).toBe("In MHA, no single head's removal lowers test F1.");
  });
});

describe("the results table", () => {
  const spread = (mean: number, std: number | null = null, max = mean) => ({mean, std, min: mean, max});
  const maps = (a: number) => ({raw: {alignment: spread(a, 0.01), best_head_alignment: spread(a + 0.1), redundancy: spread(0.2), entropy: spread(1.5)}});
  const arch = (a: number, n: number, seconds: number) => ({map_kinds: ["raw"], over_seeds: {n, test_f1: spread(0.95, n > 1 ? 0.01 : null), best_epoch: spread(n > 1 ? 12.5 : 12), seconds: spread(seconds, null, seconds), maps: maps(a)}});
  const metrics = (n: number, seconds = [30, 50, 70]) => ({architectures: {mha: arch(0.5, n, seconds[0]), talking_heads: arch(0.4, n, seconds[1]), iha: arch(0.3, n, seconds[2])}});

  test("has a row per architecture and reading, ± columns only with several seeds", () => {
    const one = resultRows(metrics(1));
    expect(one.map((r) => r.architecture)).toEqual(["MHA", "Talking Heads", "IHA"]);
    expect(one[0]).not.toHaveProperty("± alignment");
    expect(one[0]["best epoch"]).toBe("12");
    const three = resultRows(metrics(3));
    expect(three[2]).toMatchObject({alignment: 0.3, "± alignment": 0.01, seeds: 3, "best epoch": "12.5"});
    expect(studyRows(STUDY).map((r) => r.alignment)).toEqual([STUDY.mha.alignment, STUDY.talking_heads.alignment, STUDY.iha.alignment]);
    expect(RESULT_FORMAT["± alignment"](null)).toBe("");
    expect(RESULT_FORMAT["test F1"]("> 0.999")).toBe("> 0.999");
  });

  test("names each reading by its label, not by its key in metrics.json", () => {
    const m = metrics(1);
    const iha = {...m.architectures.iha, map_kinds: ["raw", "naive_renormalised"], over_seeds: {...m.architectures.iha.over_seeds, maps: {...maps(0.3), naive_renormalised: maps(0.2).raw}}};
    const rows = resultRows({architectures: {...m.architectures, iha}});
    expect(rows.map((r) => r.reading)).toEqual(["raw", "raw", "raw", "naive renormalised"]);
    expect(rows[3].alignment).toBe(0.2);
  });

  test("gives the longest run in seconds under a minute, else in whole minutes", () => {
    expect(trainingTimeText(metrics(1, [30, 50, 59]))).toBe("59 seconds");
    expect(trainingTimeText(metrics(1, [30, 61, 59]))).toBe("2 minutes");
  });
});

describe("numbers bound to metrics.json", () => {
  test("are read by dotted key, and a missing key reads as undefined rather than throwing", () => {
    const metrics = {architectures: {iha: {maps: {raw: {alignment: 0.25}}}}, seeds: [0, 1]};
    expect(metricAt(metrics, "architectures.iha.maps.raw.alignment")).toBe(0.25);
    expect(metricAt(metrics, "seeds.1")).toBe(1);
    expect(metricAt(metrics, "architectures.mha.maps.raw.alignment")).toBeUndefined();
  });
});
