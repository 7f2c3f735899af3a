import {describe, expect, it} from "vitest";
import {TINY, makeConfig, type ModelConfig} from "../src/model/config.js";
import {initWeights, type Weights} from "../src/model/params.js";
import {
  MIX_MATRICES,
  NO_PSEUDO,
  mixingRows,
  normaliseColumns,
  routingMatrix,
  routingSummaries,
} from "../src/model/mixing.js";

const SEED = 5;
/** P = 3 ≠ H so a swapped pseudo / head axis changes the answer. */
const IHA_PSEUDO = 3;

const ihaConfig = (overrides: Partial<ModelConfig> = {}) => makeConfig(TINY, "iha", {n_pseudo: IHA_PSEUDO, ...overrides});

/** Weights whose mixing entries encode their own flat index (entry i = i + 1, negated when odd). */
function indexedWeights(cfg: ModelConfig): Weights {
  const weights = initWeights(cfg, SEED);
  for (const layerMatrix of Object.keys(weights).filter((n) => /\.(P_l|P_w|alpha_[QKV]|R)$/.test(n))) {
    weights[layerMatrix] = weights[layerMatrix].map((_, i) => (i % 2 ? -(i + 1) : i + 1));
  }
  return weights;
}

describe("tidy mixing rows", () => {
  it("MHA has no mixing rows and one identity summary flagged as no mixing", () => {
    const cfg = makeConfig(TINY, "mha");
    const weights = initWeights(cfg, SEED);
    expect(mixingRows(weights, cfg)).toEqual([]);
    const [summary, ...rest] = routingSummaries(weights, cfg);
    expect(rest).toEqual([]);
    expect(summary.name).toBe("identity");
    expect(summary.mixes).toBe(false);
    expect(summary.diagonal_dominance).toBe(1);
  });

  it("TH rows: P[g, h] with source g, target h, pseudo −1", () => {
    const cfg = makeConfig(TINY, "talking_heads");
    const H = cfg.n_heads;
    const weights = indexedWeights(cfg);
    const rows = mixingRows(weights, cfg);
    expect(rows.length).toBe(2 * H * H);
    for (const row of rows) {
      expect(row.arch).toBe("talking_heads");
      expect(row.pseudo).toBe(NO_PSEUDO);
      expect(row.value).toBe(weights[`blocks.0.attn.${row.matrix}`][row.source_head * H + row.target_head]);
    }
    expect(new Set(rows.map((r) => r.matrix))).toEqual(new Set(MIX_MATRICES.talking_heads));
  });

  it("IHA rows: α[m, h, p] and R[h, h'P + p] land on source m / h', target h, pseudo p", () => {
    const cfg = ihaConfig();
    const {n_heads: H, n_pseudo: P} = cfg;
    const weights = indexedWeights(cfg);
    const rows = mixingRows(weights, cfg);
    expect(rows.length).toBe(4 * H * H * P);
    const find = (matrix: string, source: number, target: number, pseudo: number) =>
      rows.find((r) => r.matrix === matrix && r.source_head === source && r.target_head === target && r.pseudo === pseudo);
    const [m, h, p] = [5, 1, 2];
    const alphaIndex = (m * H + h) * P + p;
    const value = (i: number) => (i % 2 ? -(i + 1) : i + 1);
    expect(find("alpha_K", m, h, p)?.value).toBe(value(alphaIndex));
    expect(find("R", 5, 1, 2)?.value).toBe(value(1 * H * P + 5 * P + 2)); // R[h=1, h'=5, p=2]
    for (const row of rows) expect(row.pseudo).toBeGreaterThanOrEqual(0);
  });

  it("a second layer gets its own rows", () => {
    const cfg = ihaConfig({n_layers: 2});
    const rows = mixingRows(initWeights(cfg, SEED), cfg);
    expect(rows.filter((r) => r.layer === 1).length).toBe(rows.length / 2);
  });
});

describe("routing summaries", () => {
  it("G[m, h] = Σ_p |α[m, h, p]| and G_R[h', h] = Σ_p |R[h, h'P + p]|", () => {
    const cfg = ihaConfig();
    const {n_heads: H, n_pseudo: P} = cfg;
    const weights = indexedWeights(cfg);
    const alpha = routingMatrix(weights, cfg, 0, "alpha_Q");
    const R = routingMatrix(weights, cfg, 0, "R");
    const [source, target] = [6, 3];
    let expectedAlpha = 0;
    let expectedR = 0;
    for (let p = 0; p < P; p++) {
      expectedAlpha += Math.abs(weights["blocks.0.attn.alpha_Q"][(source * H + target) * P + p]);
      expectedR += Math.abs(weights["blocks.0.attn.R"][target * H * P + source * P + p]);
    }
    expect(alpha[source][target]).toBe(expectedAlpha);
    expect(R[source][target]).toBe(expectedR);
    expect(R[target][source]).not.toBe(expectedR);
  });

  it("diagonal dominance: 1 without mixing, 1/H with even mixing, in between at init", () => {
    const cfg = ihaConfig();
    const {n_heads: H, n_pseudo: P} = cfg;
    const weights = initWeights(cfg, SEED);
    const noMix = {...weights, "blocks.0.attn.alpha_V": weights["blocks.0.attn.alpha_V"].map((_, i) => {
      const m = Math.floor(i / (H * P));
      const h = Math.floor(i / P) % H;
      return m === h ? 1 : 0;
    })};
    const evenMix = {...weights, "blocks.0.attn.alpha_V": new Float32Array(H * H * P).fill(-1)};
    const dd = (w: Weights) => routingSummaries(w, cfg).find((s) => s.name === "G_V")?.diagonal_dominance;
    expect(dd(noMix)).toBe(1);
    expect(dd(evenMix)).toBeCloseTo(1 / H, 12);
    const atInit = dd(weights) ?? NaN;
    expect(atInit).toBeGreaterThan(1 / H);
    expect(atInit).toBeLessThan(1);
    expect(routingSummaries(weights, cfg).map((s) => s.name)).toEqual(["G_Q", "G_K", "G_V", "G_R"]);
  });

  it("TH summaries keep signed entries; dominance uses absolute values", () => {
    const cfg = makeConfig(TINY, "talking_heads");
    const H = cfg.n_heads;
    const P_l = new Float32Array(H * H).fill(-1);
    for (let h = 0; h < H; h++) P_l[h * H + h] = 2;
    const weights = {...initWeights(cfg, SEED), "blocks.0.attn.P_l": P_l};
    const summary = routingSummaries(weights, cfg).find((s) => s.name === "P_l");
    expect(summary?.g[0][1]).toBe(-1);
    expect(summary?.diagonal_dominance).toBeCloseTo((2 * H) / (2 * H + H * (H - 1)), 12);
  });

  it("normaliseColumns gives every target head's column unit |mass|", () => {
    const g = [[1, 0], [-3, 0]];
    expect(normaliseColumns(g)).toEqual([[0.25, 0], [0.75, 0]]);
  });

  it("throws on missing or mis-sized weights", () => {
    const cfg = ihaConfig();
    const weights = initWeights(cfg, SEED);
    expect(() => routingMatrix({...weights, "blocks.0.attn.R": new Float32Array(3)}, cfg, 0, "R")).toThrow(/expected/);
    const {["blocks.0.attn.alpha_K"]: _dropped, ...rest} = weights;
    expect(() => routingSummaries(rest, cfg)).toThrow(/lack/);
  });
});
