// Task B: binary relation composition on an m×m boolean matrix (one token per cell, row-major).
// A cell (i, j) is positive iff R∘R holds there (2 hops) or R∘R∘R (3 hops). Browser-safe.
import {deriveSeed, mulberry32, type Rng} from "./prng.js";

export interface TaskConfig {
  /** entities; the sequence has m*m tokens */
  m: number;
  /** probability that R_ij = 1 */
  p: number;
  /** composition depth: R∘R (2) or R∘R∘R (3) */
  hops: 2 | 3;
}

/** Entities of the default task (36 tokens). */
export const DEFAULT_M = 6;
/** Bernoulli rate for 2 hops (IHA paper App. D): 0.497 positive cells at m = 6 (20 000 matrices, mulberry32(0)). */
export const DEFAULT_P_2HOP = 0.325;
/**
 * Bernoulli rate for 3 hops at m = 6. The paper's 0.264 (m ∈ {5..8}) gives only 0.42 positive cells at
 * m = 6, so we re-simulated: positive-cell share 0.500 at p = 0.288 (100 000 matrices, mulberry32(7));
 * 0.495 at 0.286, 0.506 at 0.29, 0.422 at 0.26.
 */
export const DEFAULT_P_3HOP = 0.288;

export const DEFAULT_TASK: TaskConfig = Object.freeze({m: DEFAULT_M, p: DEFAULT_P_2HOP, hops: 2});
/** The 3-hop variant with its balanced default rate. */
export const DEFAULT_TASK_3HOP: TaskConfig = Object.freeze({m: DEFAULT_M, p: DEFAULT_P_3HOP, hops: 3});

const MIN_M = 2;
/** Rows are held as 32-bit masks in {@link labelsOf}. */
const MAX_M = 31;
const TOP_BIT = 31; // index of the highest bit of a 32-bit word
const LETTERS = 26;
const LETTER_A = "A".charCodeAt(0);

/** One sample: the relation bits and the per-cell labels, both m*m long, row-major. */
export interface Sample {
  relation: Uint8Array;
  labels: Uint8Array;
}

/** Throws an Error naming the offending field if the task is not usable. */
export function validateTask(task: TaskConfig): void {
  const {m, p, hops} = task;
  if (!Number.isInteger(m) || m < MIN_M) throw new Error(`task.m must be an integer ≥ ${MIN_M}, got ${m}`);
  if (m > MAX_M) throw new Error(`task.m must be ≤ ${MAX_M}, got ${m}`);
  if (!(p > 0 && p < 1)) throw new Error(`task.p must lie in (0, 1), got ${p}`);
  if (hops !== 2 && hops !== 3) throw new Error(`task.hops must be 2 or 3, got ${hops}`);
}

function checkRelation(relation: Uint8Array, task: TaskConfig): void {
  validateTask(task);
  const n = task.m * task.m;
  if (relation.length !== n) throw new Error(`relation must have m*m = ${n} entries, got ${relation.length}`);
}

/** Draws R with R_ij ~ Bernoulli(p), row-major [m*m]. */
export function sampleRelation(rng: Rng, task: TaskConfig): Uint8Array {
  validateTask(task);
  const relation = new Uint8Array(task.m * task.m); // [m*m]
  for (let n = 0; n < relation.length; n++) relation[n] = rng() < task.p ? 1 : 0;
  return relation;
}

/** Row bitmasks: bit j of masks[i] is R_ij. */
function rowMasks(relation: Uint8Array, m: number): Uint32Array {
  const masks = new Uint32Array(m); // [m]
  for (let i = 0; i < m; i++) {
    let mask = 0;
    for (let j = 0; j < m; j++) if (relation[i * m + j]) mask |= 1 << j; // R[i, j]
    masks[i] = mask >>> 0;
  }
  return masks;
}

/** Index of the lowest set bit of a non-zero mask. */
function lowestBit(mask: number): number {
  return TOP_BIT - Math.clz32(mask & -mask);
}

/** Boolean product of two relations given as row masks: row i of (A∘B) = OR of B's rows k with A_ik. */
function composeMasks(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length); // [m]
  for (let i = 0; i < a.length; i++) {
    let acc = 0;
    for (let rest = a[i]; rest !== 0; rest &= rest - 1) acc |= b[lowestBit(rest)]; // k = lowest remaining bit
    out[i] = acc >>> 0;
  }
  return out;
}

/** Per-cell labels [m*m]: 1 where (R∘R)_ij (or (R∘R∘R)_ij for 3 hops) holds. */
export function labelsOf(relation: Uint8Array, task: TaskConfig): Uint8Array {
  checkRelation(relation, task);
  const {m} = task;
  const r = rowMasks(relation, m);
  const twoHop = composeMasks(r, r);
  const composed = task.hops === 2 ? twoHop : composeMasks(r, twoHop);
  const labels = new Uint8Array(m * m); // [m*m]
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) labels[i * m + j] = (composed[i] >>> j) & 1;
  }
  return labels;
}

/**
 * Ground-truth reasoning path of a cell: the distinct cells of every witnessing chain, as sorted flat
 * token indices. 2 hops: {(i,k), (k,j) : R_ik = R_kj = 1}; 3 hops: {(i,k), (k,l), (l,j) : R_ik R_kl R_lj = 1}.
 * Empty for a negative cell.
 */
export function witnessPath(relation: Uint8Array, cell: number, task: TaskConfig): number[] {
  checkRelation(relation, task);
  const {m} = task;
  if (!Number.isInteger(cell) || cell < 0 || cell >= m * m) {
    throw new Error(`cell must be an integer in [0, ${m * m}), got ${cell}`);
  }
  const i = Math.floor(cell / m);
  const j = cell % m;
  const at = (a: number, b: number) => relation[a * m + b]; // R[a, b]
  const path = new Set<number>();
  for (let k = 0; k < m; k++) {
    if (!at(i, k)) continue;
    if (task.hops === 2) {
      if (at(k, j)) path.add(i * m + k).add(k * m + j);
      continue;
    }
    for (let l = 0; l < m; l++) {
      if (at(k, l) && at(l, j)) path.add(i * m + k).add(k * m + l).add(l * m + j);
    }
  }
  return [...path].sort((a, b) => a - b);
}

/** `count` independent samples drawn from `rng`. */
export function makeSamples(rng: Rng, count: number, task: TaskConfig): Sample[] {
  validateTask(task);
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const samples: Sample[] = [];
  for (let s = 0; s < count; s++) {
    const relation = sampleRelation(rng, task);
    samples.push({relation, labels: labelsOf(relation, task)});
  }
  return samples;
}

/** A held-out set fixed by (seed, split); "val" and "test" come from independent streams. */
export function splitSamples(seed: number, split: "val" | "test", count: number, task: TaskConfig): Sample[] {
  return makeSamples(mulberry32(deriveSeed(seed, split)), count, task);
}

/** A fresh training set for one epoch, deterministic in (seed, epoch) and independent of val/test. */
export function trainBatches(seed: number, epoch: number, count: number, task: TaskConfig): Sample[] {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch must be a non-negative integer, got ${epoch}`);
  return makeSamples(mulberry32(deriveSeed(seed, `train/${epoch}`)), count, task);
}

/** Packs samples for a model: bits Int32 [B*N], labels Float32 [B*N], sample-major, row-major cells. */
export function toArrays(samples: Sample[]): {bits: Int32Array; labels: Float32Array} {
  const n = samples.length > 0 ? samples[0].relation.length : 0;
  const bits = new Int32Array(samples.length * n); // [B*N]
  const labels = new Float32Array(samples.length * n); // [B*N]
  samples.forEach((sample, b) => {
    if (sample.relation.length !== n || sample.labels.length !== n) {
      throw new Error(`sample ${b} has ${sample.relation.length} bits / ${sample.labels.length} labels, expected ${n}`);
    }
    bits.set(sample.relation, b * n);
    labels.set(sample.labels, b * n);
  });
  return {bits, labels};
}

/** Entity name: "A", "B", …, "Z", then "AA", "AB", … (spreadsheet columns). */
export function entityName(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new Error(`entity index must be a non-negative integer, got ${i}`);
  let name = "";
  for (let rest = i + 1; rest > 0; rest = Math.floor((rest - 1) / LETTERS)) {
    name = String.fromCharCode(LETTER_A + ((rest - 1) % LETTERS)) + name;
  }
  return name;
}

/** Label of token (i, j): "A→C" when R_ij = 1, "A↛C" when it does not hold. */
export function tokenLabel(i: number, j: number, bit: number): string {
  return `${entityName(i)}${bit ? "→" : "↛"}${entityName(j)}`;
}
