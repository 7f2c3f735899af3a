// Mixing Matrix tab: how an architecture routes information between heads in one layer at one epoch.
// IHA: source × target summaries Σ_p|α| of α^Q, α^K, α^V and of the collapse R (docs/effective-maps.md,
// "Routing summaries"), with the per-pseudo-token matrices on demand; Talking Heads: P_l and P_w (signed);
// MHA: the identity, "no mixing". Every matrix carries its diagonal dominance tr|G| / Σ|G| (1 = heads keep
// to themselves, 1/H = evenly mixed). Pure: tidy mixing rows and options in, a DOM node out, whose
// `setData` redraws its matrices in place (the playground's mixing edits).
import {element} from "./element.js";
import {diagonalDominance} from "../model/metrics.js";
import {identityRouting, routingFromRows, type MixingEntry} from "../model/mixing.js";
import {matrixGrid, type MatrixGridElement, type MatrixGridOptions} from "./matrixGrid.js";

export interface MixingMatrixOptions {
  arch: string;
  heads: number;
  /** IHA's P, pseudo-tokens per token and head */
  n_pseudo: number;
  layer: number;
  epoch: number;
  headLabel: (layer: number, head: number) => string;
}

const ALPHAS = [
  ["alpha_Q", "α^Q → queries"],
  ["alpha_K", "α^K → keys"],
  ["alpha_V", "α^V → values"]
] as const;
const DOMINANCE_DIGITS = 2;
const DETAIL_CELL = 18;


function dominanceNote(g: number[][]): string {
  try {
    return `diagonal dominance ${diagonalDominance(g).toFixed(DOMINANCE_DIGITS)}`;
  } catch {
    return "all zeros";
  }
}

/** The card; `setData` shows new mixing rows of the same architecture and layer in place. */
export interface MixingMatrixElement extends HTMLDivElement {
  setData(rows: readonly MixingEntry[]): void;
}

/** One matrix of the card: the grid and what it summarises (pseudo null: the routing summary; p: the signed slice at pseudo index p). */
interface Shown {
  grid: MatrixGridElement;
  matrix: string;
  pseudo: number | null;
}

export function mixingMatrix(rows: readonly MixingEntry[], options: MixingMatrixOptions): MixingMatrixElement {
  const {arch, heads: H, n_pseudo: P, layer, epoch, headLabel} = options;
  const labels = Array.from({length: H}, (_, h) => headLabel(layer, h));
  const root = element("div", "mixviz-mixing") as MixingMatrixElement;
  root.dataset.view = "mixing";
  const row = element("div", "mixviz-matrix-row");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "1rem";
  const caption = element("p", "mixviz-caption");
  root.append(row, caption);
  let current = rows;
  const shown: Shown[] = [];
  // Summaries and Talking Heads' matrices carry their diagonal dominance; one pseudo-token's matrix does not.
  const noted = (g: number[][], pseudo: number | null) => (pseudo === null ? dominanceNote(g) : "");
  const show = (parent: HTMLElement, matrix: string, pseudo: number | null, grid: Omit<MatrixGridOptions, "labels">) => {
    const g = routingFromRows(current, matrix, H, pseudo);
    const node = matrixGrid(g, {...grid, labels, note: noted(g, pseudo)});
    shown.push({grid: node, matrix, pseudo});
    parent.append(node);
  };
  root.setData = (next) => {
    current = next;
    for (const {grid, matrix, pseudo} of shown) {
      const g = routingFromRows(next, matrix, H, pseudo);
      grid.setData(g, noted(g, pseudo));
    }
  };

  if (arch === "mha") {
    const identity = identityRouting(H);
    row.append(matrixGrid(identity, {title: "MHA: no mixing", labels, note: dominanceNote(identity)}));
    caption.textContent = "Multi-head attention has no mixing parameters: every head reads only its own queries, keys and values, so the routing is the identity (diagonal dominance 1) and each per-head map is the head's whole story.";
    return root;
  }
  if (rows.length === 0) {
    caption.textContent = `No mixing parameters were stored for this run at epoch ${epoch}.`;
    return root;
  }
  if (arch === "talking_heads") {
    show(row, "P_l", null, {title: "P_l: logits → logit heads", signed: true});
    show(row, "P_w", null, {title: "P_w: weights → value heads", signed: true});
    caption.textContent = `Talking Heads at epoch ${epoch}: P_l[s, t] mixes head s's attention logits into head t's before the softmax; P_w[s, t] mixes head s's softmax weights into head t's before they meet the values. Blue is positive, red negative; a strong diagonal means the heads stay apart.`;
    return root;
  }
  for (const [name, title] of ALPHAS) show(row, name, null, {title: `${title} (Σ_p|α|)`});
  show(row, "R", null, {title: "R: pseudo-outputs → output head (Σ_p|R|)", columnLabel: "output head"});
  caption.textContent = `IHA at epoch ${epoch}: cell (s, t) is how strongly source head s feeds the ${P} pseudo-tokens of head t (Σ over pseudo-tokens of |α[s, t, p]|), and for R how strongly head s's pseudo-outputs are collapsed into output head t. Off-diagonal mass is mixing that no per-head map shows.`;

  const details = element("details", "mixviz-pseudo-detail") as HTMLDetailsElement;
  details.append(element("summary", "", `Per pseudo-token detail (${P} signed matrices per parameter)`));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.drawn) return;
    details.dataset.drawn = "true";
    for (const [name, title] of [...ALPHAS, ["R", "R"] as const]) {
      const line = element("div", "mixviz-matrix-row");
      line.style.display = "flex";
      line.style.flexWrap = "wrap";
      line.style.gap = "0.5rem";
      for (let p = 0; p < P; p++) {
        show(line, name, p, {title: `${title.split(" ")[0]}, p = ${p}`, signed: true, cell: DETAIL_CELL, columnLabel: name === "R" ? "output head" : "target head"});
      }
      details.append(line);
    }
  });
  root.append(details);
  return root;
}
