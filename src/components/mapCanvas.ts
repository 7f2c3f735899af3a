// Small attention maps painted on a canvas (thumbnails, small multiples), and the colour schemes every
// workbench heatmap offers. Decorative: the buttons and captions around a canvas describe it.
import * as d3 from "d3";
import {levels, LEVELS, paint} from "./mapImage.js";
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

/** A scheme's colour table (mapImage.levels), made once per scheme. */
const tables = new Map<ColorScheme, Uint32Array>();
const tableOf = (scheme: ColorScheme) => {
  if (!tables.has(scheme)) tables.set(scheme, levels((t) => ({...d3.rgb(COLOR_SCHEMES[scheme].interpolate(t)), opacity: 1})));
  return tables.get(scheme)!;
};

/**
 * One map as an image of n×n cells shown `size` CSS pixels a side (one pixel a cell, scaled by the browser, with
 * its edges kept while it has fewer cells than pixels); masked cells stay transparent.
 */
export function mapCanvas(map: HeadMap, {size, scheme, causal, max}: MapCanvasOptions): HTMLCanvasElement {
  const top = max ?? mapMax(map);
  const canvas = paint(map, tableOf(scheme), top > 0 ? (LEVELS - 1) / top : 0, 0, causal);
  canvas.classList.add("mixviz-map-canvas");
  canvas.setAttribute("aria-hidden", "true");
  Object.assign(canvas.style, {width: `${size}px`, height: `${size}px`, imageRendering: map.length <= size ? "pixelated" : "auto"});
  return canvas;
}
