// Cross-layer flow: how one token's attention changes from layer to layer. One strip per layer, one cell
// per position, coloured by the layer's weight (a chosen head index, or the mean over heads) from the
// token (or to it). Each strip is a button: click or press Enter to jump to that layer.
// Pure: per-layer rows and options in, a DOM node out; tokens are set as text.
import * as d3 from "d3";
import {COLOR_SCHEMES, type ColorScheme} from "./mapCanvas.js";
import {SVG_NS} from "./svgNamespace.js";
import {layerLabel} from "../model/config.js";

export interface LayerFlowOptions {
  tokens: readonly string[];
  /** the token whose attention is followed */
  token: number;
  /** the layer shown in the main views (outlined) */
  layer: number;
  scheme: ColorScheme;
  /** what each strip shows, for the caption, e.g. "mean over heads" */
  what: string;
  width?: number;
  onLayer: (layer: number) => void;
}

const STRIP = 22;
const LABEL = 36;
const GAP = 6;
const DIGITS = 3;

/** rows[layer][position] = weight of that position at that layer. */
export function layerFlow(rows: readonly ArrayLike<number>[], options: LayerFlowOptions): SVGSVGElement {
  const {tokens, token, layer, scheme, what, width = 640, onLayer} = options;
  const n = tokens.length;
  const cell = (width - LABEL) / Math.max(1, n);
  const height = rows.length * (STRIP + GAP) + 40;
  const max = Math.max(1e-9, ...rows.flatMap((row) => Array.from(row)));
  const color = COLOR_SCHEMES[scheme].interpolate;
  const svg = d3
    .create("svg")
    .attr("class", "mixviz-layer-flow")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "group")
    .attr("aria-label", `Attention of token ${token} (${tokens[token] ?? ""}) in every layer, ${what}`);
  rows.forEach((row, l) => {
    const g = svg
      .append("g")
      .attr("class", "mixviz-layer-strip")
      .attr("data-layer", l)
      .attr("transform", `translate(0, ${l * (STRIP + GAP)})`)
      .attr("role", "button")
      .attr("tabindex", 0)
      .attr("aria-pressed", String(l === layer))
      .attr("aria-label", `Layer ${l}: jump to it`)
      .style("cursor", "pointer")
      .on("click", () => onLayer(l))
      .on("keydown", (event: KeyboardEvent) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onLayer(l);
        }
      });
    g.append("text").attr("x", 0).attr("y", STRIP / 2).attr("dy", "0.35em").attr("fill", "currentColor").attr("font-size", 12).text(layerLabel(l));
    for (let k = 0; k < n; k++) {
      g.append("rect")
        .attr("x", LABEL + k * cell)
        .attr("y", 0)
        .attr("width", Math.max(1, cell - 0.5))
        .attr("height", STRIP)
        .attr("fill", color(Math.max(0, row[k]) / max))
        .append("title")
        .text(`${layerLabel(l)}, ${k} ${tokens[k]}: ${row[k].toFixed(DIGITS)}`);
    }
    if (l === layer) {
      g.append("rect").attr("x", LABEL - 2).attr("y", -2).attr("width", n * cell + 4).attr("height", STRIP + 4).attr("fill", "none").attr("stroke", "currentColor").attr("stroke-width", 1.5);
    }
  });
  // the followed token's position, marked under the strips
  const mark = document.createElementNS(SVG_NS, "text");
  mark.setAttribute("x", String(LABEL + (token + 0.5) * cell));
  mark.setAttribute("y", String(rows.length * (STRIP + GAP) + 14));
  mark.setAttribute("text-anchor", "middle");
  mark.setAttribute("fill", "currentColor");
  mark.setAttribute("font-size", "12");
  mark.textContent = `▲ ${tokens[token] ?? ""}`;
  svg.node()!.append(mark);
  return svg.node()!;
}
