// The data sets regenerated from docs/model.md ("Random streams") alone: an independent implementation of
// the generator, the seed derivation and the draw order written from the text, checked against the code.
import {describe, expect, it} from "vitest";
import {DEFAULT_TASK, splitSamples, trainBatches} from "../src/model/task.js";
import {lmEvalSamples} from "../src/model/lm/train.js";
import {lmSplit} from "../src/model/lm/task.js";
import {LM_FULL, LM_TINY} from "../src/model/lm/config.js";

const imul = Math.imul;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function docDeriveSeed(seed: number, stream: string): number {
  let h = fmix32((seed >>> 0) ^ 0x811c9dc5);
  for (let i = 0; i < stream.length; i++) h = imul(h ^ stream.charCodeAt(i), 0x01000193);
  return fmix32(h ^ stream.length);
}

function docGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = imul(z ^ (z >>> 15), z | 1);
    z ^= z + imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** count relations of m² cells, one uniform per cell in row-major order. */
function docRelations(seed: number, stream: string, count: number, m: number, p: number): number[][] {
  const u = docGenerator(docDeriveSeed(seed, stream));
  return Array.from({length: count}, () => Array.from({length: m * m}, () => (u() < p ? 1 : 0)));
}

describe("the test set from the docs alone", () => {
  it("splitSamples and trainBatches draw one uniform per cell, sample after sample", () => {
    const {m, p} = DEFAULT_TASK;
    for (const [seed, split] of [[0, "test"], [2, "val"], [1, "test"]] as const) {
      const ours = splitSamples(seed, split, 20, DEFAULT_TASK).map((s) => Array.from(s.relation));
      expect(ours).toEqual(docRelations(seed, split, 20, m, p));
    }
    expect(trainBatches(0, 3, 5, DEFAULT_TASK).map((s) => Array.from(s.relation))).toEqual(docRelations(0, "train/3", 5, m, p));
  });

  it("the LM streams: lmEvalSamples is the stream lm/eval, drawn length, first, segment, filler", () => {
    for (const preset of [LM_TINY, LM_FULL]) {
      const {task} = preset;
      const u = docGenerator(docDeriveSeed(0, "lm/eval"));
      const uniformInt = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
      const ours = lmEvalSamples(0, 16, task);
      expect(ours).toEqual(lmSplit(0, "lm/eval", 16, task));
      for (const sample of ours) {
        const V = task.d_vocab;
        const length = uniformInt(task.min_length, task.max_length);
        const first = uniformInt(1, task.n_ctx - 2 * length);
        const pool = Array.from({length: V - 1}, (_, i) => i + 1);
        for (let i = 0; i < length; i++) {
          const j = uniformInt(i, V - 2);
          [pool[i], pool[j]] = [pool[j], pool[i]];
        }
        const tokens = [0, ...Array.from({length: task.n_ctx - 1}, () => uniformInt(1, V - 1))];
        for (let i = 0; i < length; i++) tokens[first + i] = tokens[first + length + i] = pool[i];
        expect(sample.repeat).toEqual({first, second: first + length, length});
        expect(Array.from(sample.tokens)).toEqual(tokens);
      }
    }
  });
});
