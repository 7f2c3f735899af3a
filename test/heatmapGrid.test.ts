import {describe, expect, test} from "vitest";
import {cellAt, cellMove, tickStep} from "../src/components/heatmapGrid.js";
import {shortToken} from "../src/components/tokenText.js";

describe("the cell under the pointer", () => {
  // a map of 4 tokens over x 40…240, queries from the top (y 20…220) as the heatmaps draw them
  const box = {x0: 40, x1: 240, y0: 20, y1: 220};

  test("a point inside a cell names that cell's query and key", () => {
    expect(cellAt(41, 21, box, 4)).toEqual({q: 0, k: 0});
    expect(cellAt(40 + 50 * 2.5, 20 + 50 * 1.5, box, 4)).toEqual({q: 1, k: 2});
    expect(cellAt(239.9, 219.9, box, 4)).toEqual({q: 3, k: 3});
    // a cell's edge belongs to the next cell
    expect(cellAt(90, 70, box, 4)).toEqual({q: 1, k: 1});
  });

  test("a point outside the map names no cell", () => {
    for (const [x, y] of [[39.9, 100], [240, 100], [100, 19.9], [100, 220], [0, 0]]) expect(cellAt(x, y, box, 4), `${x},${y}`).toBeNull();
  });

  test("a reversed axis (queries from the bottom) reads from its own origin", () => {
    const up = {x0: 40, x1: 240, y0: 220, y1: 20};
    expect(cellAt(41, 219, up, 4)).toEqual({q: 0, k: 0});
    expect(cellAt(41, 21, up, 4)).toEqual({q: 3, k: 0});
  });

  test("at 2,048 tokens a point reaches its own cell", () => {
    const n = 2048;
    const big = {x0: 56, x1: 472, y0: 24, y1: 432};
    const at = (q: number, k: number) => cellAt(big.x0 + ((k + 0.5) * (big.x1 - big.x0)) / n, big.y0 + ((q + 0.5) * (big.y1 - big.y0)) / n, big, n);
    for (const [q, k] of [[0, 0], [2047, 2047], [1000, 3], [17, 2046]]) expect(at(q, k)).toEqual({q, k});
  });
});

describe("the keyboard's cell cursor", () => {
  test("arrows move one cell and stop at the edges; Home and End go to the row's ends", () => {
    expect(cellMove({q: 2, k: 2}, "ArrowLeft", 5)).toEqual({q: 2, k: 1});
    expect(cellMove({q: 2, k: 2}, "ArrowRight", 5)).toEqual({q: 2, k: 3});
    expect(cellMove({q: 2, k: 2}, "ArrowUp", 5)).toEqual({q: 1, k: 2});
    expect(cellMove({q: 2, k: 2}, "ArrowDown", 5)).toEqual({q: 3, k: 2});
    expect(cellMove({q: 0, k: 0}, "ArrowLeft", 5)).toEqual({q: 0, k: 0});
    expect(cellMove({q: 4, k: 4}, "ArrowDown", 5)).toEqual({q: 4, k: 4});
    expect(cellMove({q: 3, k: 2}, "Home", 5)).toEqual({q: 3, k: 0});
    expect(cellMove({q: 3, k: 2}, "End", 5)).toEqual({q: 3, k: 4});
  });

  test("other keys are not the cursor's", () => {
    for (const key of ["[", "]", " ", "Enter", "a"]) expect(cellMove({q: 1, k: 1}, key, 5)).toBeNull();
  });
});

describe("tick labels", () => {
  test("a multiple of the relation row, at most the given number of labels", () => {
    expect(tickStep(36, 6, 16)).toBe(6);
    expect(tickStep(96, 6, 16)).toBe(6);
    for (const n of [97, 128, 512, 2048]) {
      const step = tickStep(n, 6, 16);
      expect(step % 6).toBe(0);
      expect(Math.ceil(n / step), String(n)).toBeLessThanOrEqual(16);
      expect(Math.ceil(n / (step - 6)), String(n)).toBeGreaterThan(16); // no smaller step would do
    }
  });
});

describe("long tokens", () => {
  test("a token that fits is kept; a longer one keeps its start and ends in an ellipsis", () => {
    expect(shortToken("cat", 6)).toBe("cat");
    expect(shortToken("tok123", 6)).toBe("tok123");
    expect(shortToken("<|endoftext|>", 6)).toBe("<|end…");
    expect([...shortToken("<|endoftext|>", 8)]).toHaveLength(8);
  });

  test("characters outside the basic plane are not split", () => {
    expect(shortToken("😀😀😀😀", 3)).toBe("😀😀…");
  });
});
