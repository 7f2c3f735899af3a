// Where attention sits: one pre-LN transformer block as the models on this site have it, drawn as a
// residual stream (the vertical line) that the attention layer and the MLP read from (after a LayerNorm)
// and add back into. The attention layer is drawn as its heads side by side, in the site's head colours.
// Pure: options in, an SVG element out.
import * as d3 from "d3";
import {headColor} from "./palette.js";

export interface BlockDiagramOptions {
  heads?: number;
  width?: number;
}

const DEFAULT_HEADS = 8;
const DEFAULT_WIDTH = 560;
const BOX_HEIGHT = 28;
const HEAD_GAP = 3;
const TOP = 16;
/** Label width in px beside a branch box (the longest label at 12 px). */
const LABEL_WIDTH = 190;
const MARGIN = 8;
/** Narrowest box, so that eight head boxes stay drawable however narrow the page reports itself. */
const MIN_BOX_WIDTH = 64;

/** Two layouts: labels right of the boxes when they fit, else above them (phones). */
interface Layout {
  row: number;
  streamX: number;
  branchX: number;
  boxWidth: number;
  /** where a branch's label goes, relative to its box */
  label: "right" | "above";
}

const WIDE: Layout = {row: 44, streamX: 70, branchX: 150, boxWidth: 180, label: "right"};
const NARROW_ROW = 58;
const NARROW_STREAM_X = 30;
const NARROW_BRANCH_X = 70;

function layoutFor(width: number): Layout {
  if (WIDE.branchX + WIDE.boxWidth + 24 + LABEL_WIDTH <= width) return WIDE;
  return {row: NARROW_ROW, streamX: NARROW_STREAM_X, branchX: NARROW_BRANCH_X, boxWidth: Math.max(MIN_BOX_WIDTH, Math.min(WIDE.boxWidth, width - NARROW_BRANCH_X - 14 - MARGIN)), label: "above"};
}

interface Step {
  label: string;
  /** a branch off the residual stream (read after LayerNorm, added back) rather than a step on it */
  branch?: "attention" | "mlp";
}

const STEPS: Step[] = [
  {label: "tokens: bit + row + column embeddings"},
  {label: "LayerNorm → attention heads", branch: "attention"},
  {label: "LayerNorm → MLP", branch: "mlp"},
  {label: "final LayerNorm → one logit per cell"}
];

export function blockDiagram(options: BlockDiagramOptions = {}): SVGSVGElement {
  const {heads = DEFAULT_HEADS, width = DEFAULT_WIDTH} = options;
  const {row: ROW, streamX: STREAM_X, branchX: BRANCH_X, boxWidth: BOX_WIDTH, label} = layoutFor(width);
  const labelSpace = label === "above" ? 16 : 0;
  const height = TOP + labelSpace + STEPS.length * ROW + BOX_HEIGHT;
  const y = (i: number) => TOP + labelSpace + i * ROW;
  const svg = d3
    .create("svg")
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("width", width)
    .attr("height", height)
    .attr("role", "img")
    .attr("class", "mixviz-block-diagram")
    .attr("aria-label", `One transformer block: a residual stream with an attention layer of ${heads} heads and an MLP, each reading after a LayerNorm and adding back`)
    .style("max-width", "100%")
    .style("height", "auto");

  svg.append("line")
    .attr("x1", STREAM_X).attr("x2", STREAM_X)
    .attr("y1", y(0) + BOX_HEIGHT / 2).attr("y2", y(STEPS.length - 1) + BOX_HEIGHT / 2)
    .attr("stroke", "currentColor").attr("stroke-width", 3).attr("stroke-opacity", 0.35);
  svg.append("text")
    .attr("transform", `translate(${STREAM_X - 12},${(y(1) + y(2)) / 2 + BOX_HEIGHT}) rotate(-90)`)
    .attr("text-anchor", "middle").attr("font-size", 11).attr("fill", "currentColor")
    .text("residual stream");

  STEPS.forEach((step, i) => {
    const cy = y(i) + BOX_HEIGHT / 2;
    if (!step.branch) {
      svg.append("circle").attr("cx", STREAM_X).attr("cy", cy).attr("r", 5).attr("fill", "currentColor");
      svg.append("text").attr("x", STREAM_X + 14).attr("y", cy).attr("dominant-baseline", "middle")
        .attr("font-size", 12).attr("fill", "currentColor").text(step.label);
      return;
    }
    // read from the stream, compute, add back ("+" on the stream)
    svg.append("path")
      .attr("d", `M${STREAM_X},${cy - 10} H${BRANCH_X}`)
      .attr("stroke", "currentColor").attr("fill", "none").attr("stroke-opacity", 0.6);
    svg.append("path")
      .attr("d", `M${BRANCH_X + BOX_WIDTH},${cy} H${BRANCH_X + BOX_WIDTH + 14} V${cy + ROW / 2} H${STREAM_X + 8}`)
      .attr("stroke", "currentColor").attr("fill", "none").attr("stroke-opacity", 0.6);
    svg.append("text").attr("x", STREAM_X).attr("y", cy + ROW / 2).attr("text-anchor", "middle")
      .attr("dominant-baseline", "middle").attr("font-size", 16).attr("fill", "currentColor").text("+");
    const g = svg.append("g").attr("transform", `translate(${BRANCH_X},${y(i)})`);
    if (step.branch === "attention") {
      const w = (BOX_WIDTH - HEAD_GAP * (heads - 1)) / heads;
      for (let h = 0; h < heads; h++) {
        g.append("rect").attr("x", h * (w + HEAD_GAP)).attr("width", w).attr("height", BOX_HEIGHT)
          .attr("rx", 3).attr("fill", headColor(h)).attr("fill-opacity", 0.85)
          .append("title").text(`head ${h}`);
      }
    } else {
      g.append("rect").attr("width", BOX_WIDTH).attr("height", BOX_HEIGHT).attr("rx", 3)
        .attr("fill", "none").attr("stroke", "currentColor");
      g.append("text").attr("x", BOX_WIDTH / 2).attr("y", BOX_HEIGHT / 2).attr("text-anchor", "middle")
        .attr("dominant-baseline", "middle").attr("font-size", 12).attr("fill", "currentColor").text("MLP");
    }
    const text = svg.append("text").attr("font-size", 12).attr("fill", "currentColor").text(step.label);
    if (label === "right") text.attr("x", BRANCH_X + BOX_WIDTH + 24).attr("y", cy).attr("dominant-baseline", "middle");
    else text.attr("x", BRANCH_X).attr("y", y(i) - 5);
  });
  return svg.node()!;
}
