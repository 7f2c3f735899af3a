// Head-to-head routing read from the weights (docs/effective-maps.md, "Routing summaries"): TH's P_l and P_w,
// IHA's G^Q, G^K, G^V (Σ_p |α|) and G^R (Σ_p |R|), MHA's identity, each with its diagonal dominance,
// plus tidy rows of the raw mixing entries for an Arrow table. Plain arrays only, no TensorFlow.
import type {Arch, ModelConfig} from "./config.js";
import {diagonalDominance} from "./metrics.js";
import type {Weights} from "./params.js";

/** The mixing parameters, by their short parameter names. */
export type MixMatrix = "P_l" | "P_w" | "alpha_Q" | "alpha_K" | "alpha_V" | "R";
export const MIX_MATRICES: Record<Arch, readonly MixMatrix[]> = {
  mha: [],
  talking_heads: ["P_l", "P_w"],
  iha: ["alpha_Q", "alpha_K", "alpha_V", "R"],
};

/** A head-to-head summary: "identity" for MHA, P_l / P_w for TH, G_Q / G_K / G_V / G_R for IHA. */
export type RoutingName = "identity" | "P_l" | "P_w" | "G_Q" | "G_K" | "G_V" | "G_R";

/** One H×H routing matrix of one layer. */
export interface RoutingSummary {
  layer: number;
  name: RoutingName;
  /** the parameter it is read from (null for MHA's identity) */
  matrix: MixMatrix | null;
  /** g[source][target]: how much source head `source` feeds target head `target` (G_R: target = output head) */
  g: number[][];
  /** trace(|g|) / Σ|g| (metrics.diagonalDominance): 1 = no mixing, 1/H = even mixing */
  diagonal_dominance: number;
  /** false only for MHA's identity ("no mixing") */
  mixes: boolean;
}

/** One raw mixing entry, tidy (one row per parameter entry). */
export interface MixingRow {
  arch: Arch;
  layer: number;
  matrix: MixMatrix;
  /** P_l[g,h], P_w[g,h]: g; alpha_X[m,h,p]: m; R[h, h'P+p]: h' (the head whose pseudo-output is read) */
  source_head: number;
  /** P_l[g,h], P_w[g,h]: h; alpha_X[m,h,p]: h; R[h, h'P+p]: h (the collapsed output head) */
  target_head: number;
  /** p for alpha_X and R; −1 for P_l and P_w */
  pseudo: number;
  value: number;
}

/** pseudo of rows without a pseudo index. */
export const NO_PSEUDO = -1;

function weight(weights: Weights, layer: number, matrix: MixMatrix, length: number): Float32Array {
  const name = `blocks.${layer}.attn.${matrix}`;
  const value = weights[name];
  if (!value) throw new Error(`weights lack parameter ${name}`);
  if (value.length !== length) throw new Error(`parameter ${name} has ${value.length} values, expected ${length}`);
  return value;
}

function square(H: number, entry: (source: number, target: number) => number): number[][] {
  return Array.from({length: H}, (_, s) => Array.from({length: H}, (_, t) => entry(s, t)));
}

type Entry = (source: number, target: number, pseudo: number) => number;

/** Flat index of entry (source, target, pseudo) in a mixing parameter's row-major array (MixingRow convention). */
export function entryIndex(matrix: MixMatrix, H: number, P: number, source: number, target: number, pseudo: number): number {
  switch (matrix) {
    case "P_l":
    case "P_w":
      return source * H + target; // P[g, h]
    case "alpha_Q":
    case "alpha_K":
    case "alpha_V":
      return (source * H + target) * P + pseudo; // α[m, h, p]
    case "R":
      return target * H * P + source * P + pseudo; // R[h, h'P + p]
  }
}

/** Value of entry (source, target, pseudo) of a mixing parameter, in the MixingRow convention. */
function entryOf(data: Float32Array, matrix: MixMatrix, H: number, P: number): Entry {
  return (source, target, pseudo) => data[entryIndex(matrix, H, P, source, target, pseudo)];
}

const hasPseudo = (matrix: MixMatrix) => matrix !== "P_l" && matrix !== "P_w";

function parameterLength(matrix: MixMatrix, H: number, P: number): number {
  return hasPseudo(matrix) ? H * H * P : H * H;
}

const ROUTING_NAME: Record<MixMatrix, RoutingName> = {
  P_l: "P_l",
  P_w: "P_w",
  alpha_Q: "G_Q",
  alpha_K: "G_K",
  alpha_V: "G_V",
  R: "G_R",
};

/** The H×H summary of one mixing parameter: TH entries as they are (signed), IHA Σ_p |·|. */
export function routingMatrix(weights: Weights, cfg: ModelConfig, layer: number, matrix: MixMatrix): number[][] {
  const {n_heads: H, n_pseudo: P} = cfg;
  const entry = entryOf(weight(weights, layer, matrix, parameterLength(matrix, H, P)), matrix, H, P);
  if (!hasPseudo(matrix)) return square(H, (s, t) => entry(s, t, 0));
  return square(H, (s, t) => {
    let sum = 0;
    for (let p = 0; p < P; p++) sum += Math.abs(entry(s, t, p));
    return sum;
  });
}

/** The identity H×H: MHA's (absent) mixing. */
function identity(H: number): number[][] {
  return square(H, (s, t) => (s === t ? 1 : 0));
}

/** Every routing summary of every layer, with its diagonal dominance. */
export function routingSummaries(weights: Weights, cfg: ModelConfig): RoutingSummary[] {
  const out: RoutingSummary[] = [];
  for (let layer = 0; layer < cfg.n_layers; layer++) {
    if (cfg.arch === "mha") {
      const g = identity(cfg.n_heads);
      out.push({layer, name: "identity", matrix: null, g, diagonal_dominance: diagonalDominance(g), mixes: false});
      continue;
    }
    for (const matrix of MIX_MATRICES[cfg.arch]) {
      const g = routingMatrix(weights, cfg, layer, matrix);
      out.push({layer, name: ROUTING_NAME[matrix], matrix, g, diagonal_dominance: diagonalDominance(g), mixes: true});
    }
  }
  return out;
}

/** Raw mixing entries as tidy rows (α per pseudo index, R per (h', p)); none for MHA. */
export function mixingRows(weights: Weights, cfg: ModelConfig): MixingRow[] {
  const {arch, n_heads: H, n_pseudo: P} = cfg;
  const rows: MixingRow[] = [];
  for (let layer = 0; layer < cfg.n_layers; layer++) {
    for (const matrix of MIX_MATRICES[arch]) {
      const entry = entryOf(weight(weights, layer, matrix, parameterLength(matrix, H, P)), matrix, H, P);
      const pseudos = hasPseudo(matrix) ? P : 1;
      for (let source_head = 0; source_head < H; source_head++) {
        for (let target_head = 0; target_head < H; target_head++) {
          for (let p = 0; p < pseudos; p++) {
            const pseudo = hasPseudo(matrix) ? p : NO_PSEUDO;
            rows.push({arch, layer, matrix, source_head, target_head, pseudo, value: entry(source_head, target_head, p)});
          }
        }
      }
    }
  }
  return rows;
}

/** Columns scaled to sum 1 (each target head's share per source), over |g|; all-zero columns stay 0. */
export function normaliseColumns(g: readonly (readonly number[])[]): number[][] {
  const totals = g[0].map((_, t) => g.reduce((sum, row) => sum + Math.abs(row[t]), 0));
  return g.map((row) => row.map((v, t) => (totals[t] > 0 ? Math.abs(v) / totals[t] : 0)));
}
