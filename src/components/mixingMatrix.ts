// Mixing Matrix tab: how an architecture routes information between heads in one layer at one epoch.
// IHA: source × target summaries Σ_p|α| of α^Q, α^K, α^V and of the collapse R (docs/effective-maps.md,
// "Routing summaries"), with the per-pseudo-token matrices on demand; Talking Heads: P_l and P_w (signed);
// MHA: the identity, "no mixing". Every matrix carries its diagonal dominance tr|G| / Σ|G| (1 = heads keep
// to themselves, 1/H = evenly mixed). Pure: tidy mixing rows and options in, a DOM node out.
import {diagonalDominance} from "../model/metrics.js";
import {matrixGrid} from "./matrixGrid.js";

export interface MixingRow {
  matrix: string;
  source_head: number;
  target_head: number;
  pseudo: number;
  value: number;
}

export interface MixingMatrixOptions {
  arch: string;
  heads: number;
  pseudo: number;
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

const zeros = (n: number) => Array.from({length: n}, () => new Array<number>(n).fill(0));

/** g[s][t] = Σ_p |value| of one matrix's rows (or the signed value itself for one pseudo index). */
function summarise(rows: readonly MixingRow[], matrix: string, n: number, pseudo: number | null = null): number[][] {
  const g = zeros(n);
  for (const r of rows) {
    if (r.matrix !== matrix || (pseudo !== null && r.pseudo !== pseudo)) continue;
    g[r.source_head][r.target_head] += pseudo === null ? Math.abs(r.value) : r.value;
  }
  return g;
}

function dominanceNote(g: number[][]): string {
  try {
    return `diagonal dominance ${diagonalDominance(g).toFixed(DOMINANCE_DIGITS)}`;
  } catch {
    return "all zeros";
  }
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function mixingMatrix(rows: readonly MixingRow[], options: MixingMatrixOptions): HTMLDivElement {
  const {arch, heads: H, pseudo: P, layer, epoch, headLabel} = options;
  const labels = Array.from({length: H}, (_, h) => headLabel(layer, h));
  const root = el("div", "mixviz-mixing") as HTMLDivElement;
  root.dataset.view = "mixing";
  const row = el("div", "mixviz-matrix-row");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "1rem";
  const caption = el("p", "mixviz-caption");
  root.append(row, caption);

  if (arch === "mha") {
    const identity = zeros(H).map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
    row.append(matrixGrid(identity, {title: "MHA: no mixing", labels, note: dominanceNote(identity)}));
    caption.textContent = "Multi-head attention has no mixing parameters: every head reads only its own queries, keys and values, so the routing is the identity (diagonal dominance 1) and each per-head map is the head's whole story.";
    return root;
  }
  if (rows.length === 0) {
    caption.textContent = `No mixing parameters were stored for this run at epoch ${epoch}.`;
    return root;
  }
  if (arch === "talking_heads") {
    for (const [name, title] of [["P_l", "P_l: logits → logit heads"], ["P_w", "P_w: weights → value heads"]] as const) {
      const g = summarise(rows, name, H, -1);
      row.append(matrixGrid(g, {title, labels, signed: true, note: dominanceNote(g)}));
    }
    caption.textContent = `Talking Heads at epoch ${epoch}: P_l[s, t] mixes head s's attention logits into head t's before the softmax; P_w[s, t] mixes head s's softmax weights into head t's before they meet the values. Blue is positive, red negative; a strong diagonal means the heads stay apart.`;
    return root;
  }
  for (const [name, title] of ALPHAS) {
    const g = summarise(rows, name, H);
    row.append(matrixGrid(g, {title: `${title} (Σ_p|α|)`, labels, note: dominanceNote(g)}));
  }
  const r = summarise(rows, "R", H);
  row.append(matrixGrid(r, {title: "R: pseudo-outputs → output head (Σ_p|R|)", labels, note: dominanceNote(r), columnLabel: "output head"}));
  caption.textContent = `IHA at epoch ${epoch}: cell (s, t) is how strongly source head s feeds the ${P} pseudo-tokens of head t (Σ over pseudo-tokens of |α[s, t, p]|), and for R how strongly head s's pseudo-outputs are collapsed into output head t. Off-diagonal mass is mixing that no per-head map shows.`;

  const details = el("details", "mixviz-pseudo-detail") as HTMLDetailsElement;
  details.append(el("summary", "", `Per pseudo-token detail (${P} signed matrices per parameter)`));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.drawn) return;
    details.dataset.drawn = "true";
    for (const [name, title] of [...ALPHAS, ["R", "R"] as const]) {
      const line = el("div", "mixviz-matrix-row");
      line.style.display = "flex";
      line.style.flexWrap = "wrap";
      line.style.gap = "0.5rem";
      for (let p = 0; p < P; p++) {
        const columnLabel = name === "R" ? "output head" : "target head";
        line.append(matrixGrid(summarise(rows, name, H, p), {title: `${title.split(" ")[0]}, p = ${p}`, labels, signed: true, cell: DETAIL_CELL, columnLabel}));
      }
      details.append(line);
    }
  });
  root.append(details);
  return root;
}
