import {describe, expect, it} from "vitest";
import {microF1} from "../src/model/f1.js";
import {
  argmaxHit,
  attentionMetrics,
  columnScore,
  cosine,
  currentTokenScore,
  detectionScore,
  diagonalDominance,
  duplicateTokenScore,
  firstTokenScore,
  headPatternScores,
  inductionScore,
  meanPairwiseCosine,
  meanTotalVariation,
  pathMass,
  pathShare,
  previousTokenScore,
  rowEntropy,
  rowScore,
  renormalised,
  totalVariation,
  uniformBaseline,
  type QueryCell
} from "../src/model/metrics.js";

const HEADS = 8;
const TASK_TOKENS = 36;
const row = (...values: number[]) => Float32Array.from(values);
const uniform = (n: number) => new Float32Array(n).fill(1 / n);
const identity = (n: number) => Array.from({length: n}, (_, r) => Array.from({length: n}, (_, c) => (r === c ? 1 : 0)));

describe("row-level pieces", () => {
  it("path mass sums the path entries only", () => {
    expect(pathMass(row(0.1, 0.2, 0.3, 0.4), [1, 3])).toBeCloseTo(0.6, 6);
    expect(pathMass(row(0.1, 0.2, 0.3, 0.4), [])).toBe(0);
  });

  it("path share is the path's part of the row's absolute weight", () => {
    expect(pathShare(row(0.1, 0.2, 0.3, 0.4), [1, 3])).toBeCloseTo(0.6, 6);
    expect(pathShare(row(0.1, 0.1, 0, 0), [1])).toBeCloseTo(0.5, 6);
    expect(pathShare(row(-0.5, 0.5), [0])).toBeCloseTo(0.5, 6);
    expect(pathShare(row(0, 0), [0])).toBe(0);
  });

  it("row distance is total variation", () => {
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
    expect(totalVariation([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(meanTotalVariation([row(1, 0), row(0.5, 0.5)], [row(0, 1), row(0.5, 0.5)])).toBe(0.5);
    expect(meanTotalVariation([], [])).toBe(0);
  });

  it("renormalised rows sum to 1; empty rows stay 0", () => {
    expect(Array.from(renormalised([1, 3]))).toEqual([0.25, 0.75]);
    expect(Array.from(renormalised([0, 0]))).toEqual([0, 0]);
  });

  it("entropy: one-hot row 0, uniform row ln N", () => {
    const oneHot = new Float32Array(TASK_TOKENS);
    oneHot[7] = 1;
    expect(rowEntropy(oneHot)).toBe(0);
    expect(rowEntropy(uniform(TASK_TOKENS))).toBeCloseTo(Math.log(TASK_TOKENS), 5);
    expect(rowEntropy(row(0.5, 0.5, 0, 0))).toBeCloseTo(Math.log(2), 6);
  });

  it("argmax hit splits ties evenly", () => {
    expect(argmaxHit(row(0.1, 0.6, 0.3), [1])).toBe(1);
    expect(argmaxHit(row(0.1, 0.6, 0.3), [0, 2])).toBe(0);
    expect(argmaxHit(row(0.5, 0.5, 0), [0])).toBe(0.5);
    expect(argmaxHit(uniform(4), [1, 2, 3])).toBe(0.75);
  });

  it("cosine: identical 1, disjoint 0, 45° 1/√2, zero row 0", () => {
    expect(cosine(row(0.2, 0.8), row(0.2, 0.8))).toBeCloseTo(1, 6);
    expect(cosine(row(1, 0), row(0, 1))).toBe(0);
    expect(cosine(row(1, 0), row(1, 1))).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cosine(row(0, 0), row(1, 1))).toBe(0);
    expect(meanPairwiseCosine([row(1, 0), row(1, 0), row(0, 1)])).toBeCloseTo(1 / 3, 6);
    expect(meanPairwiseCosine([row(1, 0)])).toBeNaN();
  });
});

describe("attentionMetrics", () => {
  it("a head entirely on the path has alignment 1; identical heads have redundancy 1", () => {
    const onPath = row(0, 0.7, 0.3, 0);
    const m = attentionMetrics([{maps: [onPath, onPath], path: [1, 2]}]);
    expect(m.alignment).toBeCloseTo(1, 6);
    expect(m.best_head_alignment).toBeCloseTo(1, 6);
    expect(m.align_hit).toBe(1);
    expect(m.redundancy).toBeCloseTo(1, 6);
    expect(m.cells).toBe(1);
  });

  it("disjoint heads: redundancy 0, per-head values and means as hand-computed", () => {
    const cells: QueryCell[] = [
      {maps: [row(0, 0.5, 0.5, 0), row(1, 0, 0, 0)], path: [1, 2]},
      {maps: [row(0, 0, 0, 1), row(0, 0.5, 0.5, 0)], path: [2]}
    ];
    const m = attentionMetrics(cells);
    expect(m.redundancy).toBe(0);
    // head 0: masses 1 and 0; head 1: masses 0 and 0.5
    expect(m.per_head.alignment[0]).toBeCloseTo(0.5, 6);
    expect(m.per_head.alignment[1]).toBeCloseTo(0.25, 6);
    expect(m.alignment).toBeCloseTo(0.375, 6);
    expect(m.best_head_alignment).toBeCloseTo((1 + 0.5) / 2, 6); // max per cell: 1, 0.5
    // hits: head 0 → 1 (tie 1,2 both on path), 0; head 1 → 0, 0.5 (tie 1,2, one on path)
    expect(m.per_head.align_hit).toEqual([0.5, 0.25]);
    expect(m.align_hit).toBeCloseTo(0.375, 6);
    // entropies: head 0 → ln 2, 0; head 1 → 0, ln 2
    expect(m.per_head.entropy[0]).toBeCloseTo(Math.log(2) / 2, 6);
    expect(m.per_head.entropy[1]).toBeCloseTo(Math.log(2) / 2, 6);
    expect(m.entropy).toBeCloseTo(Math.log(2) / 2, 6);
  });

  it("uniform baseline: alignment |G|/N, entropy ln N, redundancy 1, hit = |G|/N", () => {
    const sharp = new Float32Array(TASK_TOKENS);
    sharp[0] = 1;
    const maps = Array.from({length: HEADS}, () => sharp);
    const cells: QueryCell[] = [
      {maps, path: [1, 2]},
      {maps, path: [3, 4, 5, 6]}
    ];
    const base = uniformBaseline(cells);
    const expectedAlign = (2 / TASK_TOKENS + 4 / TASK_TOKENS) / 2;
    expect(base.alignment).toBeCloseTo(expectedAlign, 6);
    expect(base.best_head_alignment).toBeCloseTo(expectedAlign, 6);
    expect(base.align_hit).toBeCloseTo(expectedAlign, 6);
    expect(base.entropy).toBeCloseTo(Math.log(TASK_TOKENS), 5);
    expect(base.redundancy).toBeCloseTo(1, 6);
    expect(base.per_head.alignment).toHaveLength(HEADS);
    // the cells' own maps are ignored by the baseline but not by the metrics
    expect(attentionMetrics(cells).alignment).toBe(0);
  });

  it("rejects empty sets, ragged heads and bad path indices", () => {
    expect(() => attentionMetrics([])).toThrow(/at least one/);
    expect(() => attentionMetrics([{maps: [row(1, 0)], path: [0]}, {maps: [row(1, 0), row(0, 1)], path: [0]}])).toThrow(/heads/);
    expect(() => attentionMetrics([{maps: [row(1, 0)], path: [2]}])).toThrow(/path index/);
    expect(() => attentionMetrics([{maps: [row(1, 0), row(1, 0, 0)], path: [0]}])).toThrow(/length/);
  });
});

describe("head-pattern scores", () => {
  // 2×2 grid (m = 2), cells (0,0),(0,1),(1,0),(1,1) = tokens 0..3; rows = queries
  const grid = [
    [0.5, 0.25, 0.25, 0], // (0,0): row keys {0,1} 0.75, column keys {0,2} 0.75
    [0, 0, 0, 1], //         (0,1): row keys {0,1} 0,    column keys {1,3} 1
    [0, 0, 1, 0], //         (1,0): row keys {2,3} 1,    column keys {0,2} 1
    [1, 0, 0, 0] //          (1,1): row keys {2,3} 0,    column keys {1,3} 0
  ];

  it("row and column scores on a hand-built 2×2 grid map", () => {
    expect(rowScore(grid, 2)).toBeCloseTo((0.75 + 0 + 1 + 0) / 4, 6);
    expect(columnScore(grid, 2)).toBeCloseTo((0.75 + 1 + 1 + 0) / 4, 6);
  });

  it("row and column scores of a uniform 6×6-task map are 1/6", () => {
    const map = Array.from({length: TASK_TOKENS}, () => uniform(TASK_TOKENS));
    expect(rowScore(map, 6)).toBeCloseTo(1 / 6, 5);
    expect(columnScore(map, 6)).toBeCloseTo(1 / 6, 5);
    expect(() => rowScore(map, 5)).toThrow(/m\*m/);
  });

  it("previous, first and current token scores", () => {
    expect(currentTokenScore(grid)).toBeCloseTo((0.5 + 0 + 1 + 0) / 4, 6);
    expect(firstTokenScore(grid)).toBeCloseTo((0.5 + 0 + 0 + 1) / 4, 6);
    expect(previousTokenScore(grid)).toBe(0);
    const previous = [
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0]
    ];
    expect(previousTokenScore(previous)).toBe(1);
    expect(firstTokenScore(previous)).toBe(0.5);
    expect(currentTokenScore(previous)).toBe(0.25);
    expect(currentTokenScore(identity(5))).toBe(1);
  });

  it("duplicate-token and induction scores ('mul' style), bidirectional and causal", () => {
    const tokens = [5, 7, 5, 7];
    const duplicate = [
      [0, 0, 1, 0], // later copy of 5
      [1, 0, 0, 0], // a different token
      [1, 0, 0, 0], // earlier copy of 5
      [0, 0, 0, 1] //  itself (never counted)
    ];
    expect(duplicateTokenScore(duplicate, tokens)).toBeCloseTo(0.5, 6);
    expect(duplicateTokenScore(duplicate, tokens, {causal: true})).toBeCloseTo(0.25, 6);
    const induction = [
      [0, 0, 0, 1], // token after the (later) other 5
      [1, 0, 0, 0], // no token follows the other 7 → not counted
      [0, 1, 0, 0], // token after the earlier 5
      [0, 0, 1, 0] //  token after the earlier 7
    ];
    expect(inductionScore(induction, tokens)).toBeCloseTo(0.75, 6);
    expect(inductionScore(induction, tokens, {causal: true})).toBeCloseTo(0.5, 6);
    expect(inductionScore(duplicate, tokens)).toBe(0);
    expect(() => duplicateTokenScore(duplicate, [1, 2])).toThrow(/tokens/);
  });

  it("detection score normalises by total mass and is 0 without mass", () => {
    const doubled = [
      [2, 2],
      [0, 4]
    ];
    expect(detectionScore(doubled, (q, k) => q === k)).toBeCloseTo(6 / 8, 6);
    expect(detectionScore([[0, 0], [0, 0]], () => true)).toBe(0);
  });

  it("headPatternScores bundles the single scores", () => {
    const scores = headPatternScores(grid, 2, [1, 1, 2, 2]);
    expect(scores.row).toBe(rowScore(grid, 2));
    expect(scores.column).toBe(columnScore(grid, 2));
    expect(scores.current_token).toBe(currentTokenScore(grid));
    expect(scores.duplicate_token).toBe(duplicateTokenScore(grid, [1, 1, 2, 2]));
    expect(headPatternScores(grid, 2).induction).toBeUndefined();
  });
});

describe("diagonalDominance", () => {
  it("identity → 1, all-ones H×H → 1/H, hand case", () => {
    expect(diagonalDominance(identity(HEADS))).toBe(1);
    const ones = Array.from({length: HEADS}, () => new Array<number>(HEADS).fill(1));
    expect(diagonalDominance(ones)).toBeCloseTo(1 / HEADS, 10);
    expect(diagonalDominance([[2, 1], [1, 0]])).toBeCloseTo(0.5, 10);
    expect(diagonalDominance([[1, -1], [0, 2]])).toBeCloseTo(0.75, 10); // absolute values
  });

  it("rejects non-square and all-zero matrices", () => {
    expect(() => diagonalDominance([[1, 0]])).toThrow(/square/);
    expect(() => diagonalDominance([[0, 0], [0, 0]])).toThrow(/zeros/);
  });
});

describe("microF1", () => {
  it("matches a hand-computed case", () => {
    // TP = 2 (0, 4), FP = 1 (1), FN = 2 (2, 5) → F1 = 2·2 / (2·2 + 1 + 2) = 4/7
    const pred = Uint8Array.from([1, 1, 0, 0, 1, 0]);
    const truth = Uint8Array.from([1, 0, 1, 0, 1, 1]);
    expect(microF1(pred, truth)).toBeCloseTo(4 / 7, 10);
  });

  it("is 1 for a perfect prediction, 0 without true positives, and checks lengths", () => {
    const truth = Uint8Array.from([0, 1, 1, 0]);
    expect(microF1(truth, truth)).toBe(1);
    expect(microF1(Uint8Array.from([1, 0, 0, 1]), truth)).toBe(0);
    expect(microF1(new Uint8Array(3), new Uint8Array(3))).toBe(0);
    expect(() => microF1(new Uint8Array(2), truth)).toThrow();
  });
});
