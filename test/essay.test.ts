// The essay's pure helpers: head picks, correlation and the essay's URL state.
import {describe, expect, test} from "vitest";
import {argmax, pathShares, rankOf} from "../src/essay/figures.js";
import {pearson} from "../src/model/metrics.js";
import {explorerHref, parseEssayState, serializeEssayState} from "../src/state/essayState.js";
import {parseState} from "../src/state/explorerState.js";

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
    const state = parseState(href.slice(href.indexOf("?")), {samples: 4, layers: 1, heads: 8, tokens: 36, maxEpoch: 4});
    expect(state).toMatchObject({arch: "talking_heads", sample: 1, head: 5, query: 7, tab: "mixing"});
  });
});
