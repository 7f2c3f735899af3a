// Source-head knockouts (src/data/knockout.ts): the change measure on hand-made maps, and on a tiny IHA
// language model whose mixing only copies (each head draws only from itself) the removal of a source head
// changes that head alone, while trained-like random mixing spreads it over other heads.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {beforeAll, describe, expect, it} from "vitest";
import {LM_TINY, makeLmConfig} from "../src/model/lm/config.js";
import {lmSplit} from "../src/model/lm/task.js";
import {initWeights, type Weights} from "../src/model/params.js";
import {forEachBatch} from "../src/data/maps.js";
import {LM} from "../src/model/family.js";
import {knockoutRows, rowChange} from "../src/data/knockout.js";

beforeAll(async () => {
  await tf.setBackend("wasm");
});

describe("source-head knockouts", () => {
  it("row change is the mean total-variation distance of one head's rows", () => {
    // 2 heads, n = 2, one input: head 1's first row moves all its weight, its second row stays
    const a = [Float32Array.from([1, 0, 0.5, 0.5, /* head 1 */ 1, 0, 0, 1])];
    const b = [Float32Array.from([1, 0, 0.5, 0.5, /* head 1 */ 0, 1, 0, 1])];
    expect(rowChange(a, b, 2, 2, 0)).toBe(0);
    expect(rowChange(a, b, 2, 2, 1)).toBeCloseTo(0.5);
  });

  const cfg = makeLmConfig(LM_TINY, "iha");
  const {n_heads: H, n_pseudo: P, n_layers: L} = cfg;
  const sequences = lmSplit(0, "lm/eval", 4, LM_TINY.task).map((s) => s.tokens);
  const forEach = (w: Weights, visit: Parameters<typeof forEachBatch>[5]) => forEachBatch(LM, w, cfg, sequences, sequences.length, visit);
  const N = sequences[0].length;
  const offDiagonal = (rows: ReturnType<typeof knockoutRows>) => rows.filter((r) => r.source_head !== r.output_head).map((r) => r.change);
  const diagonal = (rows: ReturnType<typeof knockoutRows>) => rows.filter((r) => r.source_head === r.output_head).map((r) => r.change);

  it("with copying mixing a source head changes only itself; with random mixing it changes others", () => {
    const copying = initWeights(cfg, 3);
    const alpha = new Float32Array(H * H * P);
    for (let h = 0; h < H; h++) for (let p = 0; p < P; p++) alpha[(h * H + h) * P + p] = 1;
    for (let l = 0; l < L; l++) for (const name of ["alpha_Q", "alpha_K", "alpha_V"]) copying[`blocks.${l}.attn.${name}`] = alpha;
    const rows = knockoutRows("lm-iha", cfg, copying, N, forEach).filter((r) => r.map === "raw");
    expect(rows).toHaveLength(L * H * H);
    expect(Math.max(...offDiagonal(rows))).toBeLessThan(1e-6);
    expect(Math.min(...diagonal(rows))).toBeGreaterThan(1e-4);

    const mixed = knockoutRows("lm-iha", cfg, initWeights(cfg, 3), N, forEach).filter((r) => r.map === "raw");
    expect(Math.max(...offDiagonal(mixed))).toBeGreaterThan(1e-3);
  });

  it("refuses a model without source heads", () => {
    expect(() => knockoutRows("lm-mha", makeLmConfig(LM_TINY, "mha"), initWeights(makeLmConfig(LM_TINY, "mha"), 0), N, forEach)).toThrow(/need an IHA model/);
  });
});
