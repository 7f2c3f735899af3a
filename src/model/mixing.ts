// Head-to-head routing (docs/effective-maps.md, "Routing summaries"): the raw mixing entries of the weights
// as tidy rows (mixing.arrow), and the H×H summaries read from those rows — TH's P_l and P_w (signed), IHA's
// G^Q, G^K, G^V (Σ_p |α|) and G^R (Σ_p |R|), MHA's identity — with each head's self share (diagonal
// dominance is metrics.diagonalDominance). Plain arrays only, no TensorFlow.
import type {ModelConfig} from "./config.js";
import type {Weights} from "./params.js";
import type {Arch} from "./vocabulary.js";

/** The mixing parameters, by their short parameter names. */
export type MixMatrix = "P_l" | "P_w" | "alpha_Q" | "alpha_K" | "alpha_V" | "R";
export const MIX_MATRICES: Record<Arch, readonly MixMatrix[]> = {
  mha: [],
  talking_heads: ["P_l", "P_w"],
  iha: ["alpha_Q", "alpha_K", "alpha_V", "R"],
};

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

/** Whether a mixing parameter has a pseudo index (IHA's α and R do; Talking Heads' P_l and P_w do not). */
export const hasPseudo = (matrix: string): boolean => matrix !== "P_l" && matrix !== "P_w";

function parameterLength(matrix: MixMatrix, H: number, P: number): number {
  return hasPseudo(matrix) ? H * H * P : H * H;
}

/** The fields of a mixing row that a routing summary reads (mixing.arrow rows, or MixingRow). */
export interface MixingEntry {
  matrix: string;
  source_head: number;
  target_head: number;
  pseudo: number;
  value: number;
}

/**
 * The H×H routing summary of one mixing parameter from its tidy rows: Talking Heads' P entries as they are
 * (signed: a negative weight subtracts a head's logits or weights), IHA's g[s][t] = Σ_p |·| (α^X[s, t, p]
 * or R[t, sP + p]). With `pseudo` given, the signed H×H slice at that pseudo index instead.
 */
export function routingFromRows(rows: readonly MixingEntry[], matrix: string, H: number, pseudo: number | null = null): number[][] {
  const g = square(H, () => 0);
  for (const r of rows) {
    if (r.matrix !== matrix || (pseudo !== null && r.pseudo !== pseudo)) continue;
    g[r.source_head][r.target_head] += pseudo === null && hasPseudo(matrix) ? Math.abs(r.value) : r.value;
  }
  return g;
}

/**
 * Share of target head t's inputs that come from itself: |g[t][t]| / Σ_s |g[s][t]| (column t, since g[s][t]
 * is how strongly source s feeds target t); 0 for an all-zero column. 1 = the head keeps to itself; 1/H = evenly mixed.
 */
export function selfShare(g: readonly (readonly number[])[], t: number): number {
  const total = g.reduce((sum, row) => sum + Math.abs(row[t]), 0);
  return total === 0 ? 0 : Math.abs(g[t][t]) / total;
}

/** The identity H×H: MHA's (absent) mixing. */
export function identityRouting(H: number): number[][] {
  return square(H, (s, t) => (s === t ? 1 : 0));
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
