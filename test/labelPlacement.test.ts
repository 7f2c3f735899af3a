import {describe, expect, test} from "vitest";
import {placeLabels, type Box, type LabelledPoint} from "../src/components/labelPlacement.js";

const BOUNDS: Box = {left: 0, top: 0, right: 500, bottom: 300};
const OPTIONS = {radius: 6, gap: 3, bounds: BOUNDS};
const point = (x: number, y: number, priority = 0): LabelledPoint => ({x, y, width: 26, height: 12, priority});
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const mark = (p: {x: number; y: number}): Box => ({left: p.x - 6, top: p.y - 6, right: p.x + 6, bottom: p.y + 6});

describe("scatter labels without overlaps", () => {
  test("a lone point is labelled on its right, one at the right edge on its left", () => {
    const [lone, edge] = placeLabels([point(100, 100), point(490, 200)], OPTIONS);
    expect(lone).toMatchObject({x: 109, y: 100, anchor: "start"});
    expect(edge!.box.right).toBeLessThanOrEqual(490 - 9);
    expect(edge!.anchor).toBe("start");
  });

  test("a pile of points: no label covers another label or any point, all stay inside, some are left off", () => {
    // a dozen heads within a few pixels of (0, 0), as in an ablation plot of a trained model
    const pile = Array.from({length: 12}, (_, i) => point(200 + (i % 4) * 3, 150 + Math.floor(i / 4) * 4, i));
    const obstacles = [{x: 215, y: 150}];
    const placed = placeLabels(pile, {...OPTIONS, obstacles});
    const boxes = placed.flatMap((p) => (p ? [p.box] : []));
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.length).toBeLessThan(pile.length);
    for (const [i, a] of boxes.entries()) {
      expect(a.left >= BOUNDS.left && a.right <= BOUNDS.right && a.top >= BOUNDS.top && a.bottom <= BOUNDS.bottom).toBe(true);
      for (const b of boxes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      for (const m of [...pile, ...obstacles]) expect(overlap(a, mark(m))).toBe(false);
    }
    // the most telling point is always named
    expect(placed[pile.length - 1]).not.toBeNull();
  });

  test("where only one of two labels fits, the higher priority gets it", () => {
    // two points one above the other, in a plot with room only on their right, for one label
    const narrow = {...OPTIONS, bounds: {left: 50, top: 90, right: 100, bottom: 116}};
    const [low, high] = placeLabels([point(60, 100, 1), point(60, 108, 2)], narrow);
    expect(high).not.toBeNull();
    expect(low).toBeNull();
    const [first, second] = placeLabels([point(60, 100, 2), point(60, 108, 1)], narrow);
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });
});
