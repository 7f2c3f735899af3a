// The head workbench's pure parts: map operations, head-type detection on hand-built maps with known
// answers, and the URL state.
import {describe, expect, test} from "vitest";
import {reduceHeads, withoutFirstToken} from "../src/model/mapOps.js";
import {DEFAULT_THRESHOLDS, detect, headScores, labelsDiffer, scoreMap, typesFor} from "../src/model/headTypes.js";
import {defaultState, parseWorkbench, serializeWorkbench, WORKBENCH_KINDS, type WorkbenchLimits} from "../src/state/workbenchState.js";

const map = (rows: number[][]) => rows.map((r) => Float32Array.from(r));
/** An n×n map that puts all weight on key(q) (rows with key(q) < 0 put it on q itself). */
const pointMap = (n: number, key: (q: number) => number) =>
  Array.from({length: n}, (_, q) => {
    const row = new Float32Array(n);
    const k = key(q);
    row[k >= 0 ? k : q] = 1;
    return row;
  });

const SEQ = {m: null, tokens: true, causal: true, probe: false};
const GRID = {m: 2, tokens: false, causal: false, probe: false};
/** token scores taken on the induction probe (BOS + a repeated segment) */
const PROBE = {...SEQ, probe: true};

describe("map operations", () => {
  test("hiding the first token renormalises what is left and empties rows with nothing left", () => {
    const out = withoutFirstToken(map([[1, 0, 0], [0.5, 0.25, 0.25], [0.2, 0.6, 0.2]]));
    expect(Array.from(out[0])).toEqual([0, 0, 0]);
    expect(Array.from(out[1])).toEqual([0, 0.5, 0.5]);
    expect(out[2][1]).toBeCloseTo(0.75);
    expect(out[2][2]).toBeCloseTo(0.25);
  });

  test("mean and max over heads", () => {
    const a = map([[1, 0], [0, 1]]);
    const b = map([[0, 1], [0.5, 0.5]]);
    expect(Array.from(reduceHeads([a, b], "mean")[1])).toEqual([0.25, 0.75]);
    expect(Array.from(reduceHeads([a, b], "max")[0])).toEqual([1, 1]);
    expect(() => reduceHeads([], "mean")).toThrow(/at least one head/);
    expect(() => reduceHeads([a, map([[1]])], "max")).toThrow(/2×2/);
  });
});

describe("head-type detection", () => {
  const n = 8;
  // tokens: BOS, then a segment of 3 repeated twice, with 7 = BOS id
  const tokens = [7, 1, 2, 3, 1, 2, 3, 4];

  test("a pure previous-token map scores 1 on previous-token and 0 on current-token", () => {
    const prev = pointMap(n, (q) => q - 1);
    expect(scoreMap("previous_token", prev, SEQ, tokens)).toBeCloseTo((n - 1) / (n - 1));
    expect(scoreMap("current_token", prev, SEQ, tokens)).toBeCloseTo(1 / n); // only query 0 sits on itself
    expect(scoreMap("first_token", prev, SEQ, tokens)).toBeCloseTo(2 / n);
  });

  test("a first-token sink and a current-token head", () => {
    const sink = pointMap(n, () => 0);
    expect(scoreMap("first_token", sink, SEQ, tokens)).toBe(1);
    expect(scoreMap("previous_token", sink, SEQ, tokens)).toBeCloseTo(1 / (n - 1));
    const self = pointMap(n, (q) => q);
    expect(scoreMap("current_token", self, SEQ, tokens)).toBe(1);
    expect(scoreMap("previous_token", self, SEQ, tokens)).toBe(0);
  });

  test("an induction map scores 1 on induction, a duplicate map 1 on duplicate-token", () => {
    // second copy (positions 4..6): induction attends to the token after the earlier copy: q − 3 + 1
    const induction = pointMap(n, (q) => (q >= 4 && q <= 6 ? q - 2 : 0));
    const duplicate = pointMap(n, (q) => (q >= 4 && q <= 6 ? q - 3 : 0));
    // only the rows of queries 4..6 have an earlier copy; the others sit on key 0
    expect(scoreMap("induction", induction, SEQ, tokens)).toBeCloseTo(3 / n);
    expect(scoreMap("duplicate_token", induction, SEQ, tokens)).toBe(0);
    expect(scoreMap("duplicate_token", duplicate, SEQ, tokens)).toBeCloseTo(3 / n);
    expect(scoreMap("induction", duplicate, SEQ, tokens)).toBe(0);
  });

  test("the position-based induction score: one entry per repeated row, at most 1; needs a repeated segment", () => {
    // BOS + a segment of 3 repeated twice: period 3, the repeated rows are queries 4..6
    const probe = [7, 1, 2, 3, 1, 2, 3];
    const induction = pointMap(7, (q) => (q >= 4 ? q - 2 : 0));
    expect(scoreMap("induction_position", induction, PROBE, probe)).toBe(1);
    // the token-based score of the same perfect head stays at L/(2L+1) = 3/7
    expect(scoreMap("induction", induction, PROBE, probe)).toBeCloseTo(3 / 7);
    // a head that sits one key off (on the earlier copy itself) scores 0 on it
    expect(scoreMap("induction_position", pointMap(7, (q) => (q >= 4 ? q - 3 : 0)), PROBE, probe)).toBe(0);
    // half the weight on the target in every repeated row
    const half = Array.from({length: 7}, (_, q) => Float32Array.from({length: 7}, (_, k) => (q >= 4 ? (k === q - 2 ? 0.5 : k === 0 ? 0.5 : 0) : k === 0 ? 1 : 0)));
    expect(scoreMap("induction_position", half, PROBE, probe)).toBeCloseTo(0.5);
    expect(() => scoreMap("induction_position", induction, PROBE, [7, 1, 2, 3, 4, 5, 6])).toThrow(/repeated segment/);
    // offered only where the token scores come from the probe
    expect(typesFor(PROBE)).toContain("induction_position");
    expect(typesFor(SEQ)).not.toContain("induction_position");
    // a score labels a head at its threshold, not only above it
    expect(detect({induction_position: DEFAULT_THRESHOLDS.induction_position})).toEqual(["induction_position"]);
  });

  test("row and column scores on a 2×2 grid; token scores need ids", () => {
    // cell n = i·2 + j; a row head looks at the other cell of its row
    const row = pointMap(4, (q) => (q % 2 === 0 ? q + 1 : q - 1));
    expect(scoreMap("row", row, GRID, null)).toBe(1);
    expect(scoreMap("column", row, GRID, null)).toBe(0);
    expect(() => scoreMap("induction", row, GRID, null)).toThrow(/token ids/);
    expect(() => scoreMap("row", row, SEQ, null)).toThrow(/grid size/);
    expect(typesFor(GRID)).toEqual(["previous_token", "first_token", "current_token", "row", "column"]);
    expect(typesFor(SEQ)).toEqual(["previous_token", "first_token", "current_token", "duplicate_token", "induction"]);
  });

  test("scores are averaged over inputs and compared with thresholds", () => {
    const prev = pointMap(n, (q) => q - 1);
    const self = pointMap(n, (q) => q);
    const scores = headScores([prev, self], [tokens, tokens], SEQ);
    expect(scores.previous_token).toBeCloseTo(0.5);
    expect(detect(scores, DEFAULT_THRESHOLDS)).toEqual(["previous_token", "current_token"]);
    expect(detect(scores, {...DEFAULT_THRESHOLDS, previous_token: 0.6})).toEqual(["current_token"]);
    expect(() => headScores([prev], [], SEQ)).toThrow(/1 maps but 0 token lists/);
    expect(labelsDiffer(["previous_token"], ["previous_token"])).toBe(false);
    expect(labelsDiffer(["previous_token"], ["induction"])).toBe(true);
    expect(labelsDiffer([], ["induction"])).toBe(true);
  });
});

describe("workbench URL state", () => {
  const limits: Record<string, WorkbenchLimits> = {
    a: {samples: 4, layers: 1, heads: 8, tokens: 36, causal: false, kinds: WORKBENCH_KINDS},
    b: {samples: 8, layers: 2, heads: 8, tokens: 25, causal: true, kinds: WORKBENCH_KINDS},
    raw: {samples: 2, layers: 1, heads: 2, tokens: 9, causal: true, kinds: ["raw"]}
  };
  const parse = (search: string) => parseWorkbench(search, ["a", "b", "raw"], (m) => limits[m]);

  test("a state survives its URL", () => {
    const state = {...defaultState("b", limits.b), sample: 3, layer: 0, head: 5, locked: true, kind: "effective" as const, scheme: "viridis" as const, hideFirst: true, token: 12, direction: "to" as const, score: "previous_token" as const};
    expect(parse(`?${serializeWorkbench(state)}`)).toEqual(state);
  });

  test("garbage falls back to defaults, bounded by the chosen model", () => {
    expect(parse("?model=zzz&head=99&layer=-1&scheme=<script>&lock=yes&token=1e3")).toEqual(defaultState("a", limits.a));
    const b = parse("?model=b&layer=1&token=24&map=effective");
    expect(b.layer).toBe(1);
    expect(b.token).toBe(24);
    expect(b.mask).toBe(true); // causal model: masked by default
    expect(parse("?model=a&layer=1").layer).toBe(0); // one layer only
    expect(parse("%%%")).toEqual(defaultState("a", limits.a));
  });

  test("a map kind the model lacks reads as raw", () => {
    expect(parse("?model=raw&map=effective").kind).toBe("raw");
    expect(parse("?model=b&map=effective").kind).toBe("effective");
  });
});
