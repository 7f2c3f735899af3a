// Small attention maps painted on a canvas (thumbnails, small multiples), and the colour schemes every
// workbench heatmap offers. Decorative: the buttons and captions around a canvas describe it.
import * as d3 from "d3";
import {sharpCanvas} from "./canvas.js";
import type {HeadMap} from "./headStack.js";

/** Sequential colour schemes by their Plot names (so one name serves Plot and canvas). */
export const COLOR_SCHEMES = {
  blues: {label: "Blues", interpolate: d3.interpolateBlues},
  reds: {label: "Reds", interpolate: d3.interpolateReds},
  viridis: {label: "viridis", interpolate: d3.interpolateViridis},
  ylorrd: {label: "YlOrRd", interpolate: d3.interpolateYlOrRd}
} as const;
export type ColorScheme = keyof typeof COLOR_SCHEMES;

export interface MapCanvasOptions {
  /** CSS pixels per side */
  size: number;
  scheme: ColorScheme;
  /** hide the upper triangle (keys after the query), as for a causal model */
  causal: boolean;
  /** the weight drawn at full colour (default: the map's largest weight) */
  max?: number;
}

/** The largest entry of a map (0 for an empty one). */
export function mapMax(map: HeadMap): number {
  let max = 0;
  for (const row of map) for (const v of row) if (v > max) max = v;
  return max;
}

/** One map as an n×n grid of coloured cells; masked cells stay transparent. */
export function mapCanvas(map: HeadMap, {size, scheme, causal, max}: MapCanvasOptions): HTMLCanvasElement {
  const {canvas, ctx} = sharpCanvas(size);
  canvas.classList.add("mixviz-map-canvas");
  const n = map.length;
  if (!ctx || n === 0) return canvas;
  const top = max ?? mapMax(map);
  const cell = size / n;
  const color = COLOR_SCHEMES[scheme].interpolate;
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      if (causal && k > q) continue;
      ctx.fillStyle = color(top > 0 ? Math.min(1, map[q][k] / top) : 0);
      // overlap by a hair so no seams show between cells
      ctx.fillRect(k * cell, q * cell, cell + 0.5, cell + 0.5);
    }
  }
  return canvas;
}
