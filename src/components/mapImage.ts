// An N×N map drawn as one image: the map painted on a canvas of N×N pixels through a colour table, laid exactly over
// the frame of a Plot of its axes, with an SVG overlay for the outline of a token's row or column, marked cells and
// the readout of the one cell under the pointer or the keyboard's cursor. A map of 2,048 tokens is one image, not
// 4 M elements. Used by the explorer's heatmap tab (heatmapPanel.ts) and the workbench's heatmaps
// (attentionHeatmap.ts). Pure: maps and options in, DOM nodes out.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {cellAt, cellMove, type Cell, type GridBox} from "./heatmapGrid.js";
import type {HeadMap} from "./headStack.js";
import {weightText} from "./numberText.js";
import {PATH_COLOR} from "./palette.js";
import {SVG_NS} from "./svgNamespace.js";
import {shortToken} from "./tokenText.js";

/** Cell n is drawn over [n, n + 1]; its tick sits at its centre n + HALF. */
export const HALF = 0.5;
/** Colour levels of a painted map: its weights are drawn at 256 levels. */
export const LEVELS = 256;
const RGBA = 4;
const PATH_DOT = 1.6;
const TIP_GAP = 8;
const TIP_LINE = 13;
const TIP_PAD = 3;
const MARGIN = 8;
/** At most this many tick labels per axis (heatmapGrid.tickStep), each token cut to TICK_CHARS characters. */
export const MOST_TICKS = 16;
const TICK_CHARS = 6;
/** About the width of a tick label's character (Plot's 10 px system-ui), to leave room for the query labels. */
const CHAR_WIDTH = 6.5;

/**
 * The axes of an N×N map (domains [0, N], query 0 at the top): every `every`-th token labelled at its cell's centre,
 * cut to TICK_CHARS characters, a cut label holding its whole token in a tooltip; a frame, no marks.
 */
export function mapAxes(tokens: readonly string[], {size, every, ariaLabel}: {size: number; every: number; ariaLabel: string}): SVGSVGElement & Plot.Plot {
  const n = tokens.length;
  const ticks = d3.range(0, n, every).map((t) => t + HALF);
  const tickText = (t: number) => shortToken(tokens[Math.floor(t)], TICK_CHARS);
  const longest = Math.max(0, ...ticks.map((t) => [...tickText(t)].length));
  const plot = Plot.plot({
    width: size,
    height: size,
    marginLeft: Math.max(MARGIN * 5, Math.ceil(MARGIN + longest * CHAR_WIDTH)),
    marginBottom: MARGIN * 6,
    marginTop: MARGIN * 3,
    marginRight: MARGIN,
    padding: 0,
    x: {domain: [0, n], ticks, tickFormat: tickText, tickSize: 0, label: "key", tickRotate: -45},
    y: {domain: [0, n], reverse: true, ticks, tickFormat: tickText, tickSize: 0, label: "query", labelAnchor: "top"},
    marks: [Plot.frame({strokeOpacity: 0.3})],
    ariaLabel
  }) as SVGSVGElement & Plot.Plot;
  // The tick labels come in the ticks' order.
  for (const axis of ["x", "y"]) {
    plot.querySelectorAll(`[aria-label="${axis}-axis tick label"] text`).forEach((text, i) => {
      const token = tokens[Math.floor(ticks[i] ?? -1)];
      if (token !== undefined && tickText(ticks[i]) !== token) text.appendChild(document.createElementNS(SVG_NS, "title")).textContent = token;
    });
  }
  return plot;
}

/**
 * A colour table of LEVELS entries, one RGBA pixel each (read as 32-bit words, so that a pixel is copied in
 * one write whatever the machine's byte order): the head's colour at rising opacity, or a diverging scheme.
 */
export function levels(color: (t: number) => {r: number; g: number; b: number; opacity: number}): Uint32Array {
  const table = new Uint32Array(LEVELS);
  const bytes = new Uint8ClampedArray(table.buffer);
  for (let i = 0; i < LEVELS; i++) {
    const {r, g, b, opacity} = color(i / (LEVELS - 1));
    bytes.set([r, g, b, Math.round(opacity * 255)], i * RGBA);
  }
  return table;
}

/**
 * One map as an N×N canvas, cell (q, k) at pixel (k, q), coloured by the table's entry `scale · weight + offset`;
 * with `causal`, the keys after the query are left transparent (hidden, as for a causal model).
 */
export function paint(map: HeadMap, table: Uint32Array, scale: number, offset: number, causal = false): HTMLCanvasElement {
  const n = map.length;
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = n;
  if (n === 0) return canvas; // no context: a page of empty thumbnails would make one each (0.1 ms apiece)
  const ctx = canvas.getContext("2d");
  if (!ctx) return canvas;
  const image = ctx.createImageData(n, n);
  const pixels = new Uint32Array(image.data.buffer);
  const last = LEVELS - 1;
  for (let q = 0; q < n; q++) {
    const row = map[q];
    const end = causal ? q + 1 : n;
    for (let k = 0, p = q * n; k < end; k++, p++) {
      const at = Math.round(row[k] * scale + offset);
      pixels[p] = table[at > last ? last : at > 0 ? at : 0]; // NaN is drawn as the first entry
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** The largest size of an entry of a map. */
export function maxSize(map: HeadMap): number {
  let max = 0;
  for (const row of map) for (const v of row) max = Math.max(max, Math.abs(v));
  return max;
}

export interface MapLayers {
  /** the node shown in place of the plot */
  node: HTMLDivElement;
  /** moves the outline to a token's row (or column), or hides it (null) */
  move(token: number | null): void;
}

/**
 * A Plot of the axes (domains [0, N], the plot already in the page's tree), the map's canvas laid exactly over its
 * frame, and an SVG over both for the outline of a token's row (or its column, `outline`), the path dots and the
 * cell readout. The canvas and the overlay take no pointer; the box reads the pointer and the keys and shows the
 * one cell under them.
 */
export function mapLayers(plot: SVGSVGElement & Plot.Plot, canvas: HTMLCanvasElement, map: HeadMap, tokens: readonly string[], pathCells: readonly Cell[], label: string, outline: "row" | "column" = "row"): MapLayers {
  const n = tokens.length;
  const x = plot.scale("x");
  const y = plot.scale("y");
  const width = Number(plot.getAttribute("width"));
  const height = Number(plot.getAttribute("height"));
  const box: GridBox = {x0: x!.apply!(0) as number, x1: x!.apply!(n) as number, y0: y!.apply!(0) as number, y1: y!.apply!(n) as number};
  const top = Math.min(box.y0, box.y1);
  const left = Math.min(box.x0, box.x1);
  const band = Math.abs(box.y1 - box.y0) / n;
  const bandX = Math.abs(box.x1 - box.x0) / n;
  const cellX = (k: number) => box.x0 + ((k + HALF) * (box.x1 - box.x0)) / n;
  const cellY = (q: number) => box.y0 + ((q + HALF) * (box.y1 - box.y0)) / n;

  const wrap = document.createElement("div");
  wrap.className = "mixviz-heatmap-map";
  Object.assign(wrap.style, {position: "relative", width: "fit-content", maxWidth: "100%"});
  const percent = (v: number, of: number) => `${(100 * v) / of}%`;
  // Upscaled, a cell keeps its edges; downscaled (more cells than pixels), the browser averages them.
  Object.assign(canvas.style, {
    position: "absolute",
    left: percent(Math.min(box.x0, box.x1), width),
    top: percent(top, height),
    width: percent(Math.abs(box.x1 - box.x0), width),
    height: percent(Math.abs(box.y1 - box.y0), height),
    imageRendering: n <= Math.abs(box.x1 - box.x0) ? "pixelated" : "auto",
    pointerEvents: "none"
  });
  canvas.setAttribute("aria-hidden", "true");
  canvas.className = "mixviz-heatmap-cells";
  canvas.dataset.cells = String(n);

  const overlay = document.createElementNS(SVG_NS, "svg");
  overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
  overlay.setAttribute("class", "mixviz-query-overlay");
  Object.assign(overlay.style, {position: "absolute", left: "0", top: "0", width: "100%", height: "100%", pointerEvents: "none", overflow: "visible", font: "10px system-ui, sans-serif"});
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("class", "mixviz-query-row");
  rect.setAttribute("aria-hidden", "true");
  if (outline === "row") {
    rect.setAttribute("x", String(left));
    rect.setAttribute("width", String(Math.abs(box.x1 - box.x0)));
    rect.setAttribute("height", String(band));
  } else {
    rect.setAttribute("y", String(top));
    rect.setAttribute("height", String(Math.abs(box.y1 - box.y0)));
    rect.setAttribute("width", String(bandX));
  }
  // Outlined in the text colour: the query blue is also a head colour.
  rect.setAttribute("fill", "none");
  rect.setAttribute("stroke", "currentColor");
  rect.setAttribute("stroke-width", "1");
  const dots = document.createElementNS(SVG_NS, "g");
  dots.setAttribute("aria-hidden", "true");
  dots.setAttribute("fill", PATH_COLOR);
  for (const {q, k} of pathCells) {
    const dot = document.createElementNS(SVG_NS, "circle");
    dot.setAttribute("cx", String(cellX(k)));
    dot.setAttribute("cy", String(cellY(q)));
    dot.setAttribute("r", String(PATH_DOT));
    dots.append(dot);
  }

  // The readout of one cell: computed for that cell only, when the pointer or the cursor reaches it.
  const tip = document.createElementNS(SVG_NS, "g");
  tip.setAttribute("aria-label", "tip");
  tip.setAttribute("aria-live", "polite");
  tip.setAttribute("class", "mixviz-heatmap-tip");
  const tipBack = document.createElementNS(SVG_NS, "rect");
  tipBack.setAttribute("fill", "var(--theme-background, white)");
  tipBack.setAttribute("stroke", "currentColor");
  tipBack.setAttribute("stroke-opacity", "0.4");
  const tipMark = document.createElementNS(SVG_NS, "rect");
  tipMark.setAttribute("fill", "none");
  tipMark.setAttribute("stroke", "currentColor");
  const tipLines = [0, 1].map(() => document.createElementNS(SVG_NS, "text"));
  tip.append(tipMark, tipBack, ...tipLines);
  tip.style.display = "none";
  overlay.append(rect, dots, tip);

  const show = (cell: Cell | null) => {
    if (!cell) {
      tip.style.display = "none";
      delete wrap.dataset.cell;
      return;
    }
    const {q, k} = cell;
    wrap.dataset.cell = `${q},${k}`;
    const cx = cellX(k);
    const cy = cellY(q);
    const side = Math.max(2, band);
    tipMark.setAttribute("x", String(cx - side / 2));
    tipMark.setAttribute("y", String(cy - side / 2));
    tipMark.setAttribute("width", String(side));
    tipMark.setAttribute("height", String(side));
    const right = cx < width / 2;
    const below = cy < height / 2;
    const texts = [`query ${q} · key ${k}`, `${tokens[q]} → ${tokens[k]}: ${weightText(map[q][k])}`];
    tipLines.forEach((line, i) => {
      line.textContent = texts[i];
      line.setAttribute("x", String(cx + (right ? TIP_GAP : -TIP_GAP)));
      line.setAttribute("y", String(below ? cy + TIP_GAP + (i + 1) * TIP_LINE - TIP_PAD : cy - TIP_GAP - (1 - i) * TIP_LINE - TIP_PAD));
      line.setAttribute("text-anchor", right ? "start" : "end");
      line.setAttribute("fill", "currentColor");
    });
    tip.style.display = "";
    const bounds = tipLines.map((line) => line.getBBox?.()).filter((b): b is DOMRect => b !== undefined);
    if (bounds.length) {
      const start = Math.min(...bounds.map((b) => b.x));
      const upper = Math.min(...bounds.map((b) => b.y));
      tipBack.setAttribute("x", String(start - TIP_PAD));
      tipBack.setAttribute("y", String(upper - TIP_PAD));
      tipBack.setAttribute("width", String(Math.max(...bounds.map((b) => b.x + b.width)) - start + 2 * TIP_PAD));
      tipBack.setAttribute("height", String(Math.max(...bounds.map((b) => b.y + b.height)) - upper + 2 * TIP_PAD));
    }
  };

  // The cell under the pointer is read off the canvas as drawn, whatever scale the page gives it.
  wrap.addEventListener("pointermove", (event) => {
    const drawn = canvas.getBoundingClientRect();
    show(cellAt(event.clientX, event.clientY, {x0: drawn.left, x1: drawn.right, y0: drawn.top, y1: drawn.bottom}, n));
  });
  wrap.addEventListener("pointerleave", () => show(null));
  // The keyboard's cursor: from the current query's first key, by the arrows (kept from the page's keys).
  let query = 0;
  let cursor: Cell | null = null;
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "group");
  wrap.setAttribute("aria-label", `${label}: hover a cell, or use the arrow keys, Home and End, to read its tokens and weight`);
  wrap.addEventListener("focus", () => {
    if (!wrap.matches(":focus-visible")) return;
    cursor ??= {q: query, k: 0};
    show(cursor);
  });
  wrap.addEventListener("blur", () => show(null));
  wrap.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const next = cellMove(cursor ?? {q: query, k: 0}, event.key, n);
    if (!next) return;
    event.preventDefault();
    event.stopPropagation(); // the arrows move the cursor here, not the page's query
    cursor = next;
    show(cursor);
  });
  plot.style.display = "block"; // the box is exactly the plot's size, so the layers' percentages fit it
  plot.replaceWith(wrap);
  wrap.append(plot, canvas, overlay);
  return {
    node: wrap,
    move: (next) => {
      rect.style.display = next === null ? "none" : "";
      if (next === null) return;
      query = next;
      if (outline === "row") rect.setAttribute("y", String(top + next * band));
      else rect.setAttribute("x", String(left + next * bandX));
    }
  };
}
