import {describe, expect, it} from "vitest";
import {mulberry32} from "../src/model/prng.js";
import {
  DEFAULT_P_3HOP,
  DEFAULT_TASK,
  DEFAULT_TASK_3HOP,
  entityName,
  labelsOf,
  makeSamples,
  sampleRelation,
  splitSamples,
  toArrays,
  tokenLabel,
  trainBatches,
  validateTask,
  witnessPath,
  type TaskConfig
} from "../src/model/task.js";

const MATRICES = 1_000;
const BALANCE_SAMPLES = 10_000;
const BALANCE_TOLERANCE = 0.02;

// Independent reference: explicit boolean matrix products over m×m number[][] matrices.
function toMatrix(relation: Uint8Array, m: number): number[][] {
  return Array.from({length: m}, (_, i) => Array.from({length: m}, (_, j) => relation[i * m + j]));
}

function boolProduct(a: number[][], b: number[][]): number[][] {
  const m = a.length;
  const out = Array.from({length: m}, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < m; k++) if (a[i][k] === 1 && b[k][j] === 1) out[i][j] = 1;
    }
  }
  return out;
}

function bruteLabels(relation: Uint8Array, task: TaskConfig): number[] {
  const r = toMatrix(relation, task.m);
  const twoHop = boolProduct(r, r);
  return (task.hops === 2 ? twoHop : boolProduct(twoHop, r)).flat();
}

/** Every witnessing chain of cell (i, j), as lists of [row, col] cells. */
function chains(relation: Uint8Array, i: number, j: number, task: TaskConfig): [number, number][][] {
  const r = toMatrix(relation, task.m);
  const out: [number, number][][] = [];
  for (let k = 0; k < task.m; k++) {
    if (task.hops === 2) {
      if (r[i][k] && r[k][j]) out.push([[i, k], [k, j]]);
      continue;
    }
    for (let l = 0; l < task.m; l++) {
      if (r[i][k] && r[k][l] && r[l][j]) out.push([[i, k], [k, l], [l, j]]);
    }
  }
  return out;
}

function checkAgainstBruteForce(task: TaskConfig, seed: number): void {
  const rng = mulberry32(seed);
  for (let s = 0; s < MATRICES; s++) {
    const relation = sampleRelation(rng, task);
    const labels = labelsOf(relation, task);
    expect(Array.from(labels)).toEqual(bruteLabels(relation, task));
    for (let cell = 0; cell < task.m * task.m; cell++) {
      const i = Math.floor(cell / task.m);
      const j = cell % task.m;
      const path = witnessPath(relation, cell, task);
      const found = chains(relation, i, j, task);
      const expected = new Set(found.flat().map(([r, c]) => r * task.m + c));
      expect(path.length > 0).toBe(labels[cell] === 1);
      expect(new Set(path)).toEqual(expected); // every chain cell is in the path and vice versa
      expect(path).toEqual([...path].sort((a, b) => a - b));
      expect(new Set(path).size).toBe(path.length);
      for (const n of path) expect(relation[n]).toBe(1); // a path cell is a fact that holds
    }
  }
}

function positiveShare(samples: {labels: Uint8Array}[]): number {
  let positives = 0;
  let total = 0;
  for (const s of samples) for (const y of s.labels) (positives += y), total++;
  return positives / total;
}

describe("labels and witness paths", () => {
  it("match a brute-force 2-hop composition on 1 000 random matrices", () => {
    checkAgainstBruteForce(DEFAULT_TASK, 1);
  });

  it("match a brute-force 3-hop composition on 1 000 random matrices", () => {
    checkAgainstBruteForce(DEFAULT_TASK_3HOP, 2);
  });

  it("also hold for other sizes (m = 2, 5, 9)", () => {
    for (const m of [2, 5, 9]) {
      for (const hops of [2, 3] as const) {
        const task = {m, p: 0.3, hops};
        const rng = mulberry32(m * 10 + hops);
        for (let s = 0; s < 100; s++) {
          const relation = sampleRelation(rng, task);
          expect(Array.from(labelsOf(relation, task))).toEqual(bruteLabels(relation, task));
        }
      }
    }
  });

  it("handle a hand-made 3×3 case, including k = i and k = j witnesses", () => {
    const task: TaskConfig = {m: 3, p: 0.5, hops: 2};
    // A→A, A→B, B→C ; no other facts
    const relation = Uint8Array.from([1, 1, 0, 0, 0, 1, 0, 0, 0]);
    // (A∘A): A→A→A, A→A→B, A→B→C  => row A = [1,1,1]; rows B, C empty
    expect(Array.from(labelsOf(relation, task))).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(witnessPath(relation, 0, task)).toEqual([0]); // (A,A) via k = A: cells (A,A),(A,A)
    expect(witnessPath(relation, 1, task)).toEqual([0, 1]); // (A,B) via k = A: (A,A),(A,B)
    expect(witnessPath(relation, 2, task)).toEqual([1, 5]); // (A,C) via k = B: (A,B),(B,C)
    expect(witnessPath(relation, 5, task)).toEqual([]);
  });

  it("rejects relations of the wrong length and cells out of range", () => {
    expect(() => labelsOf(new Uint8Array(5), DEFAULT_TASK)).toThrow(/m\*m = 36/);
    expect(() => witnessPath(new Uint8Array(36), 36, DEFAULT_TASK)).toThrow(/cell/);
  });
});

describe("label balance", () => {
  it("is within ±0.02 of 1/2 at p = 0.325 (2 hops, 10 000 samples)", () => {
    const share = positiveShare(makeSamples(mulberry32(3), BALANCE_SAMPLES, DEFAULT_TASK));
    console.log(`2-hop positive share at p = ${DEFAULT_TASK.p}: ${share.toFixed(4)}`);
    expect(Math.abs(share - 0.5)).toBeLessThan(BALANCE_TOLERANCE);
  });

  it(`is within ±0.02 of 1/2 at the 3-hop default p = ${DEFAULT_P_3HOP}`, () => {
    const share = positiveShare(makeSamples(mulberry32(4), BALANCE_SAMPLES, DEFAULT_TASK_3HOP));
    console.log(`3-hop positive share at p = ${DEFAULT_P_3HOP}: ${share.toFixed(4)}`);
    expect(Math.abs(share - 0.5)).toBeLessThan(BALANCE_TOLERANCE);
  });

  it("draws R at the requested density", () => {
    const samples = makeSamples(mulberry32(5), BALANCE_SAMPLES, DEFAULT_TASK);
    const density = positiveShare(samples.map((s) => ({labels: s.relation})));
    expect(Math.abs(density - DEFAULT_TASK.p)).toBeLessThan(0.01);
  });
});

describe("seeded splits", () => {
  const COUNT = 50;
  const flat = (samples: {relation: Uint8Array}[]) => samples.flatMap((s) => Array.from(s.relation));

  it("repeat for the same seed and differ for another seed", () => {
    expect(splitSamples(0, "val", COUNT, DEFAULT_TASK)).toEqual(splitSamples(0, "val", COUNT, DEFAULT_TASK));
    expect(flat(splitSamples(0, "val", COUNT, DEFAULT_TASK))).not.toEqual(flat(splitSamples(1, "val", COUNT, DEFAULT_TASK)));
  });

  it("give different validation and test sets", () => {
    expect(flat(splitSamples(0, "val", COUNT, DEFAULT_TASK))).not.toEqual(flat(splitSamples(0, "test", COUNT, DEFAULT_TASK)));
  });

  it("give a fresh, reproducible training set per epoch, unlike val and test", () => {
    const epoch0 = flat(trainBatches(0, 0, COUNT, DEFAULT_TASK));
    expect(flat(trainBatches(0, 0, COUNT, DEFAULT_TASK))).toEqual(epoch0);
    expect(flat(trainBatches(0, 1, COUNT, DEFAULT_TASK))).not.toEqual(epoch0);
    expect(flat(trainBatches(1, 0, COUNT, DEFAULT_TASK))).not.toEqual(epoch0);
    expect(flat(splitSamples(0, "val", COUNT, DEFAULT_TASK))).not.toEqual(epoch0);
    expect(() => trainBatches(0, -1, COUNT, DEFAULT_TASK)).toThrow(/epoch/);
  });

  it("carry labels consistent with their relation", () => {
    for (const s of splitSamples(0, "test", COUNT, DEFAULT_TASK)) {
      expect(Array.from(s.labels)).toEqual(bruteLabels(s.relation, DEFAULT_TASK));
    }
  });
});

describe("toArrays", () => {
  it("packs samples row-major, one sample after another", () => {
    const samples = makeSamples(mulberry32(9), 3, DEFAULT_TASK);
    const n = DEFAULT_TASK.m * DEFAULT_TASK.m;
    const {bits, labels} = toArrays(samples);
    expect(bits).toBeInstanceOf(Int32Array);
    expect(labels).toBeInstanceOf(Float32Array);
    expect(bits.length).toBe(3 * n);
    expect(Array.from(bits.subarray(2 * n, 3 * n))).toEqual(Array.from(samples[2].relation));
    expect(Array.from(labels.subarray(n, 2 * n))).toEqual(Array.from(samples[1].labels));
    expect(toArrays([]).bits.length).toBe(0);
  });
});

describe("validateTask", () => {
  it("accepts the defaults", () => {
    expect(() => validateTask(DEFAULT_TASK)).not.toThrow();
    expect(() => validateTask(DEFAULT_TASK_3HOP)).not.toThrow();
    expect(DEFAULT_TASK).toEqual({m: 6, p: 0.325, hops: 2});
  });

  it("names the offending field", () => {
    expect(() => validateTask({...DEFAULT_TASK, m: 1})).toThrow("task.m must be an integer ≥ 2, got 1");
    expect(() => validateTask({...DEFAULT_TASK, m: 4.5})).toThrow(/task\.m/);
    expect(() => validateTask({...DEFAULT_TASK, m: 40})).toThrow(/task\.m/);
    expect(() => validateTask({...DEFAULT_TASK, p: 0})).toThrow(/task\.p/);
    expect(() => validateTask({...DEFAULT_TASK, p: 1})).toThrow(/task\.p/);
    expect(() => validateTask({...DEFAULT_TASK, p: Number.NaN})).toThrow(/task\.p/);
    expect(() => validateTask({...DEFAULT_TASK, hops: 4 as 2})).toThrow(/task\.hops/);
    expect(() => makeSamples(mulberry32(0), 1, {...DEFAULT_TASK, p: 2})).toThrow(/task\.p/);
  });
});

describe("names", () => {
  it("labels entities and tokens", () => {
    expect([0, 1, 2, 25].map(entityName)).toEqual(["A", "B", "C", "Z"]);
    expect(entityName(26)).toBe("AA");
    expect(entityName(27)).toBe("AB");
    expect(tokenLabel(0, 2, 1)).toBe("A→C");
    expect(tokenLabel(0, 2, 0)).toBe("A↛C");
    expect(tokenLabel(5, 3, 1)).toBe("F→D");
    expect(() => entityName(-1)).toThrow();
  });
});
