// The essay's pure helpers: head picks, reading gaps, mixing shares and the essay's URL state.
import {describe, expect, test} from "vitest";
import {argmax, correlation, explorerHref, mixingSummary, parseEssayState, pathMass, rankOf, rowDistance, selfShare, serializeEssayState} from "../src/components/essayFigures.js";
import {parseState} from "../src/components/explorerState.js";

const map = (rows: number[][]) => rows.map((r) => Float32Array.from(r));

describe("essay figures", () => {
  test("the head shown is the one with the most mass on the path", () => {
    const stack = [map([[0.5, 0.5, 0], [1, 0, 0], [1, 0, 0]]), map([[0.1, 0.1, 0.8], [1, 0, 0], [1, 0, 0]])];
    const mass = pathMass(stack, 0, [2]);
    expect(mass[0]).toBeCloseTo(0);
    expect(mass[1]).toBeCloseTo(0.8);
    expect(argmax(mass)).toBe(1);
    expect(argmax([])).toBe(-1);
    expect(rankOf([0.2, 0.9, 0.5], 2)).toBe(2);
  });

  test("row distance is total variation", () => {
    expect(rowDistance([1, 0], [0, 1])).toBe(1);
    expect(rowDistance([0.5, 0.5], [0.5, 0.5])).toBe(0);
  });

  test("self share reads a mixing matrix by columns", () => {
    const rows = [
      {matrix: "P_w", source_head: 0, target_head: 0, value: 0.9},
      {matrix: "P_w", source_head: 1, target_head: 0, value: -0.1},
      {matrix: "P_w", source_head: 1, target_head: 1, value: 1},
      {matrix: "P_l", source_head: 0, target_head: 1, value: 5}
    ];
    const g = mixingSummary(rows, "P_w", 2);
    expect(selfShare(g, 0)).toBeCloseTo(0.9);
    expect(selfShare(g, 1)).toBe(1);
  });

  test("correlation", () => {
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(correlation([1, 1, 1], [2, 4, 6])).toBeNaN();
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
    const state = parseState(href.slice(href.indexOf("?")), {samples: 4, layers: 1, heads: 8, tokens: 36, maxEpoch: 4});
    expect(state).toMatchObject({arch: "talking_heads", sample: 1, head: 5, query: 7, tab: "mixing"});
  });
});
