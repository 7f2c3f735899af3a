// How information flows through the heads of one attention layer, drawn as lanes (one per head) and
// stages (columns). Where an architecture mixes heads, lines cross between lanes: Talking Heads mixes
// the logits before the softmax (P_l) and the weights after it (P_w); IHA mixes queries, keys and values
// into pseudo-heads (α) and collapses the pseudo-outputs back to heads (R). MHA's lanes never touch.
// Pure: options in, an SVG element out.
import * as d3 from "d3";
import {headColor} from "./palette.js";

export type FlowArch = "mha" | "talking_heads" | "iha";

export interface HeadFlowOptions {
  arch: FlowArch;
  /** number of heads drawn as lanes */
  heads?: number;
  width?: number;
  /** lane to emphasise (its incoming mixing lines are drawn in its colour), or null */
  focus?: number | null;
}

interface Stage {
  label: string;
  /** this stage reads from every lane of the previous one (a mixing step) */
  mixes: boolean;
  /** short name of the mixing parameter shown under the crossing */
  param?: string;
}

const STAGES: Record<FlowArch, Stage[]> = {
  mha: [
    {label: "Q·K", mixes: false},
    {label: "softmax", mixes: false},
    {label: "× V", mixes: false},
    {label: "head out", mixes: false}
  ],
  talking_heads: [
    {label: "Q·K", mixes: false},
    {label: "mix logits", mixes: true, param: "P_l"},
    {label: "softmax", mixes: false},
    {label: "mix weights", mixes: true, param: "P_w"},
    {label: "× V", mixes: false},
    {label: "head out", mixes: false}
  ],
  iha: [
    {label: "Q, K, V", mixes: false},
    {label: "pseudo-heads", mixes: true, param: "α"},
    {label: "softmax over pseudo-tokens", mixes: false},
    {label: "× Ṽ", mixes: false},
    {label: "collapse", mixes: true, param: "R"},
    {label: "head out", mixes: false}
  ]
};

const LANE_GAP = 22;
const TOP = 34;
const BOTTOM = 24;
const SIDE = 56;
const NODE_RADIUS = 5;
const DEFAULT_HEADS = 8;
const DEFAULT_WIDTH = 640;

export function headFlow(options: HeadFlowOptions): SVGSVGElement {
  const {arch, heads = DEFAULT_HEADS, width = DEFAULT_WIDTH, focus = null} = options;
  const stages = STAGES[arch];
  const height = TOP + (heads - 1) * LANE_GAP + BOTTOM + 16;
  const x = d3.scalePoint<number>().domain(d3.range(stages.length)).range([SIDE, width - SIDE]);
  const y = (h: number) => TOP + h * LANE_GAP;

  const svg = d3
    .create("svg")
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("width", width)
    .attr("height", height)
    .attr("role", "img")
    .attr("class", "mixviz-head-flow")
    .attr("aria-label", `Flow through the ${heads} heads of one ${arch} attention layer`)
    .style("max-width", "100%")
    .style("height", "auto");

  svg.append("g")
    .selectAll("text")
    .data(stages)
    .join("text")
    .attr("x", (_, i) => x(i)!)
    .attr("y", 14)
    .attr("text-anchor", "middle")
    .attr("font-size", 11)
    .attr("fill", "currentColor")
    .text((s) => s.label);

  const links = svg.append("g").attr("fill", "none");
  for (let i = 1; i < stages.length; i++) {
    const x0 = x(i - 1)!;
    const x1 = x(i)!;
    for (let to = 0; to < heads; to++) {
      const sources = stages[i].mixes ? d3.range(heads) : [to];
      for (const from of sources) {
        const own = from === to;
        const emphasised = focus === to;
        links.append("path")
          .attr("d", `M${x0},${y(from)} C${(x0 + x1) / 2},${y(from)} ${(x0 + x1) / 2},${y(to)} ${x1},${y(to)}`)
          .attr("stroke", emphasised || own ? headColor(to) : "currentColor")
          .attr("stroke-opacity", own ? 0.9 : emphasised ? 0.7 : 0.12)
          .attr("stroke-width", own ? 2 : 1);
      }
    }
    if (stages[i].param) {
      svg.append("text")
        .attr("x", (x0 + x1) / 2)
        .attr("y", height - 8)
        .attr("text-anchor", "middle")
        .attr("font-size", 12)
        .attr("font-style", "italic")
        .attr("fill", "currentColor")
        .text(stages[i].param!);
    }
  }

  const nodes = svg.append("g");
  for (let h = 0; h < heads; h++) {
    nodes.append("text")
      .attr("x", SIDE - 14)
      .attr("y", y(h))
      .attr("text-anchor", "end")
      .attr("dominant-baseline", "middle")
      .attr("font-size", 11)
      .attr("fill", headColor(h))
      .text(`H${h}`);
    for (let i = 0; i < stages.length; i++) {
      nodes.append("circle").attr("cx", x(i)!).attr("cy", y(h)).attr("r", NODE_RADIUS).attr("fill", headColor(h));
    }
  }
  return svg.node()!;
}
