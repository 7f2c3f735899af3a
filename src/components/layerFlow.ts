// Cross-layer flow: how one token's attention changes from layer to layer. One strip per layer, one cell
// per position, coloured by the layer's weight (a chosen head index, or the mean over heads) from the
// token (or to it). Each strip is a button: click or press Enter to jump to that layer.
// Pure: per-layer rows and options in, a DOM node out; tokens are set as text.
import * as d3 from "d3";
import {COLOR_SCHEMES, type ColorScheme} from "./mapCanvas.js";
import {weightText} from "./numberText.js";
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
/** px kept free right of the strips: the current layer's outline and the half of the ▲ under the last cell */
const RIGHT = 8;
const OUTLINE = 2;
const FONT_SIZE = 12;
/** px under the strips: the ▲ line and the token's name under it */
const MARK_LINE = 14;
const MARKS = 2 * MARK_LINE + 4;

/** rows[layer][position] = weight of that position at that layer. */
export function layerFlow(rows: readonly ArrayLike<number>[], options: LayerFlowOptions): SVGSVGElement {
  const {tokens, token, layer, scheme, what, width = 640, onLayer} = options;
  const n = tokens.length;
  const cell = (width - LABEL - RIGHT) / Math.max(1, n);
  const height = rows.length * (STRIP + GAP) + MARKS;
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
    g.append("text").attr("x", 0).attr("y", STRIP / 2).attr("dy", "0.35em").attr("fill", "currentColor").attr("font-size", FONT_SIZE).text(layerLabel(l));
    for (let k = 0; k < n; k++) {
      g.append("rect")
        .attr("x", LABEL + k * cell)
        .attr("y", 0)
        .attr("width", Math.max(1, cell - 0.5))
        .attr("height", STRIP)
        .attr("fill", color(Math.max(0, row[k]) / max))
        .append("title")
        .text(`${layerLabel(l)}, ${k} ${tokens[k]}: ${weightText(row[k])}`);
    }
    if (l === layer) {
      g.append("rect").attr("x", LABEL - OUTLINE).attr("y", -OUTLINE).attr("width", n * cell + 2 * OUTLINE).attr("height", STRIP + 2 * OUTLINE).attr("fill", "none").attr("stroke", "currentColor").attr("stroke-width", 1.5);
    }
  });
  // the followed token's position, marked under the strips: a ▲ under its cell, and its name under the ▲,
  // reaching into the strips' half that has room (so that a long name never leaves the figure)
  const centre = LABEL + (token + 0.5) * cell;
  const top = rows.length * (STRIP + GAP);
  const leftHalf = token < n / 2;
  const mark = (x: number, y: number, anchor: string, text: string) => {
    const node = document.createElementNS(SVG_NS, "text");
    node.setAttribute("x", String(x));
    node.setAttribute("y", String(y));
    node.setAttribute("text-anchor", anchor);
    node.setAttribute("fill", "currentColor");
    node.setAttribute("font-size", String(FONT_SIZE));
    node.textContent = text;
    return node;
  };
  svg.node()!.append(
    mark(centre, top + MARK_LINE, "middle", "▲"),
    mark(leftHalf ? LABEL + token * cell : LABEL + (token + 1) * cell, top + 2 * MARK_LINE, leftHalf ? "start" : "end", tokens[token] ?? "")
  );
  return svg.node()!;
}
