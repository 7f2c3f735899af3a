// Pseudo-blocks tab (IHA): inside one head, the P×P grid of token maps Ā_h[(n,p),(n′,q)] — block (p, q) is
// how pseudo-query p of every token attends to pseudo-key q of every token. The raw per-head map sums
// the blocks over q and averages them over p, which is why it can look flat while single blocks are sharp. Each block is an
// N×N map (rows queries, columns keys). A softmax over N·P keys leaves most weights tiny beside the head's
// single largest one, so each weight is tinted relative to the largest weight of its own pseudo-query row
// (the row (n, p) across all P blocks): every row shows where it looks, and sharp blocks stay visible. The
// current query's row is outlined in every block. Pure: tidy rows and options in, a DOM node out.
import * as d3 from "d3";
import {sharpCanvas} from "./canvas.js";
import {stackLayers} from "./layers.js";
import {QUERY_COLOR} from "./palette.js";

export interface PseudoBlockColumns {
  p: ArrayLike<number>;
  q: ArrayLike<number>;
  query_pos: ArrayLike<number>;
  key_pos: ArrayLike<number>;
  pattern: ArrayLike<number>;
}

export interface PseudoBlocksOptions {
  /** IHA's P, pseudo-tokens per token and head */
  n_pseudo: number;
  tokens: readonly string[];
  query: number;
  headLabel: string;
  sample: number;
  /** largest drawing side in px */
  maxSize?: number;
}

const MAX_SIZE = 560;
const GAP = 6;
const LABEL_SPACE = 22;
const MIN_CELL = 1;

/** The panel's node; `setQuery` moves the outlined row in every block without redrawing the blocks. */
export interface PseudoBlocksElement extends HTMLDivElement {
  setQuery(query: number): void;
}

export function pseudoBlocks(columns: PseudoBlockColumns, options: PseudoBlocksOptions): PseudoBlocksElement {
  const {n_pseudo: P, tokens, headLabel, sample, maxSize = MAX_SIZE} = options;
  const N = tokens.length;
  const root = document.createElement("div") as unknown as PseudoBlocksElement;
  root.className = "mixviz-pseudo-blocks";
  root.dataset.view = "pseudo";
  const caption = document.createElement("p");
  caption.className = "mixviz-caption";
  if (columns.pattern.length === 0) {
    root.setQuery = () => {};
    caption.textContent = `Sample #${sample} is not in the pseudo-block table (it holds only the first showcase samples, because IHA's pseudo pattern is P² times larger than a per-head map). Pick a lower sample number.`;
    root.append(caption);
    return root;
  }
  const cell = Math.max(MIN_CELL, Math.floor((maxSize - LABEL_SPACE - GAP * (P - 1)) / (P * N)));
  const block = cell * N;
  const side = LABEL_SPACE + P * block + (P - 1) * GAP;
  // rowMax[p * N + query_pos]: the largest weight of pseudo-query row (query_pos, p) over all keys and blocks
  const rowMax = new Float64Array(P * N);
  for (let i = 0; i < columns.pattern.length; i++) {
    const r = columns.p[i] * N + columns.query_pos[i];
    rowMax[r] = Math.max(rowMax[r], columns.pattern[i]);
  }

  const origin = (i: number) => LABEL_SPACE + i * (block + GAP);
  const {canvas, ctx} = sharpCanvas(side);
  if (ctx) {
    // one colour, the weight as the alpha: no colour string to build and parse per cell (there are (P·N)² of them)
    ctx.fillStyle = QUERY_COLOR;
    for (let i = 0; i < columns.pattern.length; i++) {
      const v = columns.pattern[i] / (rowMax[columns.p[i] * N + columns.query_pos[i]] || 1);
      if (v <= 0) continue;
      ctx.globalAlpha = Math.min(1, v);
      ctx.fillRect(origin(columns.q[i]) + columns.key_pos[i] * cell, origin(columns.p[i]) + columns.query_pos[i] * cell, cell, cell);
    }
    ctx.globalAlpha = 1;
  }
  const svg = d3.create("svg").attr("width", side).attr("height", side).attr("viewBox", `0 0 ${side} ${side}`)
    .attr("role", "img").attr("aria-label", `IHA ${headLabel} pseudo pattern: ${P}×${P} blocks of ${N}×${N}`)
    .attr("font-size", 11);
  for (let i = 0; i < P; i++) {
    svg.append("text").attr("x", origin(i) + block / 2).attr("y", LABEL_SPACE - 6).attr("text-anchor", "middle").attr("fill", "currentColor").text(`q = ${i}`);
    svg.append("text").attr("transform", `translate(${LABEL_SPACE - 6},${origin(i) + block / 2}) rotate(-90)`).attr("text-anchor", "middle").attr("fill", "currentColor").text(`p = ${i}`);
    for (let j = 0; j < P; j++) {
      svg.append("rect").attr("x", origin(j)).attr("y", origin(i)).attr("width", block).attr("height", block)
        .attr("fill", "none").attr("stroke", "currentColor").attr("stroke-opacity", 0.25);
      svg.append("rect").attr("class", "query-row").attr("data-block", i).attr("x", origin(j)).attr("width", block).attr("height", cell)
        .attr("fill", "none").attr("stroke", QUERY_COLOR).attr("stroke-width", 1);
    }
  }
  const wrap = stackLayers(document.createElement("div"), side, side, canvas, svg.node()!);
  const rows = svg.selectAll<SVGRectElement, unknown>("rect.query-row");
  root.setQuery = (query) => {
    root.dataset.query = String(query);
    rows.attr("y", function () {
      return origin(Number(this.dataset.block)) + query * cell;
    });
    caption.textContent =
      `IHA ${headLabel}, sample #${sample}: block (p, q) holds the weights from pseudo-query p of each token (rows) to pseudo-key q of each token (columns), ` +
      `each tinted relative to the largest weight in its own row (across the ${P} blocks of that row), so every row's strongest key is full colour. The outlined row in each block is the current query, ${tokens[query]}. ` +
      `The raw per-head map shown elsewhere sums each row of blocks over q and averages over p, so sharp but different blocks can add up to a blurred map.`;
  };
  root.setQuery(options.query);
  root.append(wrap, caption);
  return root;
}
