// The workbench's heatmaps: one N×N map (rows = queries, columns = keys) in a chosen colour scheme, drawn as one
// image of N×N pixels over Plot's axes (mapImage.ts), so that a map of 2,048 tokens is as quick to draw as one of
// 36; the keys after the query hidden for causal models, the focused token's row (or column) outlined, and the
// weight of the cell under the pointer, or under the cursor the arrow keys move, read out with its two tokens
// whole. Pure: a map and options in, a DOM node out.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {tickStep} from "./heatmapGrid.js";
import type {HeadMap} from "./headStack.js";
import {COLOR_SCHEMES, type ColorScheme} from "./mapCanvas.js";
import {LEVELS, levels, mapAxes, mapLayers, MOST_TICKS, paint} from "./mapImage.js";
import type {Direction} from "../model/vocabulary.js";

export interface AttentionHeatmapOptions {
  tokens: readonly string[];
  scheme: ColorScheme;
  /** hide keys after the query (the upper triangle) */
  causal: boolean;
  /** outline this token's row ("from": what it attends to) or column ("to": what attends to it) */
  focus?: {token: number; direction: Direction} | null;
  /** CSS pixels per side */
  size?: number;
  /** the colour legend's label */
  label: string;
  ariaLabel: string;
}

/** The smallest and largest weight drawn (the keys after the query left out when they are hidden). */
function drawnRange(map: HeadMap, causal: boolean): [number, number] {
  let lo = 0;
  let hi = 0;
  map.forEach((row, q) => {
    const end = causal ? q + 1 : row.length;
    for (let k = 0; k < end; k++) {
      if (row[k] < lo) lo = row[k];
      if (row[k] > hi) hi = row[k];
    }
  });
  return [lo, Math.max(hi, lo + 1e-9)];
}

export function attentionHeatmap(map: HeadMap, options: AttentionHeatmapOptions): HTMLElement {
  const {tokens, scheme, causal, focus = null, size = 420, label, ariaLabel} = options;
  const [lo, hi] = drawnRange(map, causal);
  const figure = document.createElement("figure");
  figure.className = "mixviz-attention-heatmap";
  figure.style.margin = "0";
  const plot = mapAxes(tokens, {size, every: tickStep(tokens.length, 1, MOST_TICKS), ariaLabel});
  const legend = Plot.legend({color: {type: "linear", scheme, domain: [lo, hi], label}});
  figure.append(legend, plot);
  // weights lo…hi to entries 0…255 of the scheme
  const interpolate = COLOR_SCHEMES[scheme].interpolate;
  const table = levels((t) => ({...d3.rgb(interpolate(t)), opacity: 1}));
  const scale = (LEVELS - 1) / (hi - lo);
  const canvas = paint(map, table, scale, -lo * scale, causal);
  const layers = mapLayers(plot, canvas, map, tokens, [], ariaLabel, focus?.direction === "to" ? "column" : "row");
  layers.move(focus ? focus.token : null);
  return figure;
}
