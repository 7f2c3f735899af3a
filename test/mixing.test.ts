import {describe, expect, it} from "vitest";
import {TINY, makeConfig, type ModelConfig} from "../src/model/config.js";
import {initWeights, type Weights} from "../src/model/params.js";
import {diagonalDominance} from "../src/model/metrics.js";
import {
  MIX_MATRICES,
  NO_PSEUDO,
  identityRouting,
  mixingRows,
  routingFromRows,
  selfShare,
  type MixMatrix,
} from "../src/model/mixing.js";

const SEED = 5;
/** P = 3 ≠ H so a swapped pseudo / head axis changes the answer. */
const IHA_PSEUDO = 3;

const ihaConfig = (overrides: Partial<ModelConfig> = {}) => makeConfig(TINY, "iha", {n_pseudo: IHA_PSEUDO, ...overrides});

/** The H×H routing summary of one parameter of layer 0, read from the weights' tidy rows. */
const routingMatrix = (weights: Weights, cfg: ModelConfig, matrix: MixMatrix) =>
  routingFromRows(mixingRows(weights, cfg).filter((r) => r.layer === 0), matrix, cfg.n_heads);

/** Weights whose mixing entries encode their own flat index (entry i = i + 1, negated when odd). */
function indexedWeights(cfg: ModelConfig): Weights {
  const weights = initWeights(cfg, SEED);
  for (const layerMatrix of Object.keys(weights).filter((n) => /\.(P_l|P_w|alpha_[QKV]|R)$/.test(n))) {
    weights[layerMatrix] = weights[layerMatrix].map((_, i) => (i % 2 ? -(i + 1) : i + 1));
  }
  return weights;
}

describe("tidy mixing rows", () => {
  it("MHA has no mixing rows; its routing is the identity", () => {
    const cfg = makeConfig(TINY, "mha");
    const weights = initWeights(cfg, SEED);
    expect(mixingRows(weights, cfg)).toEqual([]);
    const g = identityRouting(cfg.n_heads);
    expect(g[1][1]).toBe(1);
    expect(g[0][1]).toBe(0);
    expect(diagonalDominance(g)).toBe(1);
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
    const alpha = routingMatrix(weights, cfg, "alpha_Q");
    const R = routingMatrix(weights, cfg, "R");
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
    const dd = (w: Weights) => diagonalDominance(routingMatrix(w, cfg, "alpha_V"));
    expect(dd(noMix)).toBe(1);
    expect(dd(evenMix)).toBeCloseTo(1 / H, 12);
    const atInit = dd(weights);
    expect(atInit).toBeGreaterThan(1 / H);
    expect(atInit).toBeLessThan(1);
  });

  it("TH summaries keep signed entries; dominance uses absolute values", () => {
    const cfg = makeConfig(TINY, "talking_heads");
    const H = cfg.n_heads;
    const P_l = new Float32Array(H * H).fill(-1);
    for (let h = 0; h < H; h++) P_l[h * H + h] = 2;
    const weights = {...initWeights(cfg, SEED), "blocks.0.attn.P_l": P_l};
    const g = routingMatrix(weights, cfg, "P_l");
    expect(g[0][1]).toBe(-1);
    expect(diagonalDominance(g)).toBeCloseTo((2 * H) / (2 * H + H * (H - 1)), 12);
  });

  it("self share reads a mixing matrix by columns", () => {
    const rows = [
      {matrix: "P_w", source_head: 0, target_head: 0, pseudo: NO_PSEUDO, value: 0.9},
      {matrix: "P_w", source_head: 1, target_head: 0, pseudo: NO_PSEUDO, value: -0.1},
      {matrix: "P_w", source_head: 1, target_head: 1, pseudo: NO_PSEUDO, value: 1},
      {matrix: "P_l", source_head: 0, target_head: 1, pseudo: NO_PSEUDO, value: 5}
    ];
    const g = routingFromRows(rows, "P_w", 2);
    expect(selfShare(g, 0)).toBeCloseTo(0.9);
    expect(selfShare(g, 1)).toBe(1);
    expect(selfShare([[0, 0], [0, 0]], 0)).toBe(0);
  });

  it("summaries from tidy rows: Talking Heads signed, IHA Σ_p |·|, one pseudo index signed", () => {
    const th = makeConfig(TINY, "talking_heads");
    const thWeights = indexedWeights(th);
    const P_w = thWeights["blocks.0.attn.P_w"];
    const H = th.n_heads;
    const g = routingFromRows(mixingRows(thWeights, th), "P_w", H);
    expect(g[0][1]).toBe(P_w[1]);
    expect(g[0][1]).toBeLessThan(0);
    const cfg = ihaConfig();
    const weights = indexedWeights(cfg);
    const rows = mixingRows(weights, cfg).filter((r) => r.layer === 0);
    const alpha = weights["blocks.0.attn.alpha_V"];
    const P = cfg.n_pseudo;
    const at = (s: number, t: number, p: number) => alpha[(s * cfg.n_heads + t) * P + p];
    let sum = 0;
    for (let p = 0; p < P; p++) sum += Math.abs(at(1, 2, p));
    expect(routingFromRows(rows, "alpha_V", cfg.n_heads)[1][2]).toBe(sum);
    expect(routingFromRows(rows, "alpha_V", cfg.n_heads, 1)[1][2]).toBe(at(1, 2, 1));
  });

  it("throws on missing or mis-sized weights", () => {
    const cfg = ihaConfig();
    const weights = initWeights(cfg, SEED);
    expect(() => mixingRows({...weights, "blocks.0.attn.R": new Float32Array(3)}, cfg)).toThrow(/expected/);
    const {["blocks.0.attn.alpha_K"]: _dropped, ...rest} = weights;
    expect(() => mixingRows(rest, cfg)).toThrow(/lack/);
  });
});
