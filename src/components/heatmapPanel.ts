// Heatmap tab: one head's N×N map three times — raw (what a hook shows; or IHA's naive slice), effective
// (each key's share of what the head writes), and their difference — or, without an effective map, the raw
// map alone; the current query row outlined (an overlay that `setQuery` moves without redrawing the maps)
// and the ground-truth (query, key) pairs marked by gold dots. Each map is one canvas of N×N pixels laid
// over the frame of Plot's axes, so a map of 2,048 tokens is one image, not 4 M elements; tick labels are
// thinned to at most MOST_TICKS per axis and long tokens cut (heatmapGrid.ts, tokenText.ts). Hovering a
// cell, or moving the cell cursor with the arrow keys once a map has keyboard focus, reads that one cell:
// its positions, its two tokens whole and its weight. Pure: maps and options in, a DOM node out.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {meanTotalVariation, totalVariation} from "../model/metrics.js";
import {cellAt, cellMove, tickStep, type Cell, type GridBox} from "./heatmapGrid.js";
import type {HeadMap} from "./headStack.js";
import {mapMax} from "./mapCanvas.js";
import {weightText} from "./numberText.js";
import {PATH_COLOR, QUERY_COLOR} from "./palette.js";
import {SVG_NS} from "./svgNamespace.js";
import {shortToken} from "./tokenText.js";

export interface HeatmapPanelData {
  /** the per-head map compared with the effective one (the raw hook pattern, or IHA's naive slice) */
  raw: HeadMap;
  /** its name in titles and legends: "raw" (default) or "naive" */
  rawName?: string;
  /** where the head really reads from; without it the raw map is drawn alone */
  effective?: HeadMap;
  tokens: readonly string[];
}

export interface HeatmapPanelOptions {
  query: number;
  /** paths[q]: witness keys of query q */
  path: readonly (readonly number[])[];
  title: string;
  headLabel: string;
  color?: string;
  size?: number;
}

const DEFAULT_SIZE = 250;
const MARGIN = 8;
const TICK_EVERY = 6; // label a multiple of the m-th token (one per relation row)
const MOST_TICKS = 16;
const TICK_CHARS = 6;
/** About the width of a tick label's character (Plot's 10 px system-ui), to leave room for the query labels. */
const CHAR_WIDTH = 6.5;
const PATH_DOT = 1.6;
const HALF = 0.5;
/** Colour levels of a painted map: its weights are drawn at 256 opacities, its differences in 256 colours. */
const LEVELS = 256;
const RGBA = 4;
const TIP_GAP = 8;
const TIP_LINE = 13;
const TIP_PAD = 3;

/** The panel's node; `setQuery` moves the outlined row (an overlay) without redrawing the maps. */
export interface HeatmapPanelElement extends HTMLDivElement {
  setQuery(query: number): void;
}

/**
 * A colour table of LEVELS entries, one RGBA pixel each (read as 32-bit words, so that a pixel is copied in
 * one write whatever the machine's byte order): the head's colour at rising opacity, or a diverging scheme.
 */
function levels(color: (t: number) => {r: number; g: number; b: number; opacity: number}): Uint32Array {
  const table = new Uint32Array(LEVELS);
  const bytes = new Uint8ClampedArray(table.buffer);
  for (let i = 0; i < LEVELS; i++) {
    const {r, g, b, opacity} = color(i / (LEVELS - 1));
    bytes.set([r, g, b, Math.round(opacity * 255)], i * RGBA);
  }
  return table;
}

/** One map as an N×N canvas, cell (q, k) at pixel (k, q), coloured by the table's entry `scale · weight + offset`. */
function paint(map: HeadMap, table: Uint32Array, scale: number, offset: number): HTMLCanvasElement {
  const n = map.length;
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  if (!ctx || n === 0) return canvas;
  const image = ctx.createImageData(n, n);
  const pixels = new Uint32Array(image.data.buffer);
  const last = LEVELS - 1;
  for (let q = 0; q < n; q++) {
    const row = map[q];
    for (let k = 0, p = q * n; k < n; k++, p++) {
      const at = Math.round(row[k] * scale + offset);
      pixels[p] = table[at > last ? last : at > 0 ? at : 0]; // NaN is drawn as the first entry
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** The largest size of an entry of a map. */
function maxSize(map: HeadMap): number {
  let max = 0;
  for (const row of map) for (const v of row) max = Math.max(max, Math.abs(v));
  return max;
}

interface MapLayers {
  /** the node shown in place of the plot */
  node: HTMLDivElement;
  move(query: number): void;
}

/**
 * A Plot of the axes, the map's canvas laid exactly over its frame, and an SVG over both for the query
 * outline, the path dots and the cell readout. The canvas and the overlay take no pointer; the box reads the
 * pointer and the keys and shows the one cell under them.
 */
function mapLayers(plot: SVGSVGElement & Plot.Plot, canvas: HTMLCanvasElement, map: HeadMap, tokens: readonly string[], pathCells: readonly Cell[], label: string): MapLayers {
  const n = tokens.length;
  const x = plot.scale("x");
  const y = plot.scale("y");
  const width = Number(plot.getAttribute("width"));
  const height = Number(plot.getAttribute("height"));
  const box: GridBox = {x0: x!.apply!(0) as number, x1: x!.apply!(n) as number, y0: y!.apply!(0) as number, y1: y!.apply!(n) as number};
  const top = Math.min(box.y0, box.y1);
  const band = Math.abs(box.y1 - box.y0) / n;
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
  rect.setAttribute("x", String(Math.min(box.x0, box.x1)));
  rect.setAttribute("width", String(Math.abs(box.x1 - box.x0)));
  rect.setAttribute("height", String(band));
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
      const left = Math.min(...bounds.map((b) => b.x));
      const upper = Math.min(...bounds.map((b) => b.y));
      tipBack.setAttribute("x", String(left - TIP_PAD));
      tipBack.setAttribute("y", String(upper - TIP_PAD));
      tipBack.setAttribute("width", String(Math.max(...bounds.map((b) => b.x + b.width)) - left + 2 * TIP_PAD));
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
      query = next;
      rect.setAttribute("y", String(top + next * band));
    }
  };
}

export function heatmapPanel(data: HeatmapPanelData, options: HeatmapPanelOptions): HeatmapPanelElement {
  const {raw, effective, tokens, rawName = "raw"} = data;
  const {path, title, headLabel, color = QUERY_COLOR, size = DEFAULT_SIZE} = options;
  const N = tokens.length;
  // cell n is drawn over [n, n + 1]; its tick sits at its centre n + ½
  const pathCells = path.flatMap((keys, q) => keys.map((k) => ({q, k})));
  const every = tickStep(N, TICK_EVERY, MOST_TICKS);
  const ticks = d3.range(0, N, every).map((n) => n + HALF);
  const tickText = (t: number) => shortToken(tokens[Math.floor(t)], TICK_CHARS);
  const longest = Math.max(0, ...ticks.map((t) => [...tickText(t)].length));
  const marginLeft = Math.max(MARGIN * 5, Math.ceil(MARGIN + longest * CHAR_WIDTH));

  const weightScale = (max: number) => ({type: "linear", range: ["transparent", color], interpolate: "rgb", domain: [0, max]}) as const;
  const diffScale = (max: number) => ({type: "linear", scheme: "rdbu", domain: [-max, max]}) as const;
  // A weight map is the head's colour at an opacity of weight / largest weight (what its legend shows); the
  // difference goes through its diverging scheme, red below zero, blue above.
  const opaque = d3.rgb(color);
  const weightTable = levels((t) => ({r: opaque.r, g: opaque.g, b: opaque.b, opacity: t}));
  const diffTable = levels((t) => ({...d3.rgb(d3.interpolateRdBu(t)), opacity: 1}));
  const axes = (name: string) =>
    Plot.plot({
      width: size,
      height: size,
      marginLeft,
      marginBottom: MARGIN * 6,
      marginTop: MARGIN * 3,
      marginRight: MARGIN,
      padding: 0,
      x: {domain: [0, N], ticks, tickFormat: tickText, tickSize: 0, label: "key", tickRotate: -45},
      y: {domain: [0, N], reverse: true, ticks, tickFormat: tickText, tickSize: 0, label: "query", labelAnchor: "top"},
      marks: [Plot.frame({strokeOpacity: 0.3})],
      ariaLabel: `${name} map of ${title}`
    }) as SVGSVGElement & Plot.Plot;

  const root = document.createElement("div") as unknown as HeatmapPanelElement;
  root.className = "mixviz-heatmaps";
  root.dataset.view = "heatmap";
  const row = document.createElement("div");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "1rem";
  const rawMax = Math.max(1e-9, mapMax(raw));
  const maps = [{heading: `${rawName[0].toUpperCase()}${rawName.slice(1)} · ${headLabel}`, map: raw, name: `${rawName} weight`, max: rawMax, signed: false}];
  if (effective) {
    const diff = effective.map((r, q) => {
      const d = new Float32Array(N);
      for (let k = 0; k < N; k++) d[k] = r[k] - raw[q][k];
      return d;
    });
    const max = Math.max(rawMax, mapMax(effective));
    maps[0].max = max;
    maps.push({heading: `Effective · ${headLabel}`, map: effective, name: "effective share", max, signed: false});
    maps.push({heading: `Effective − ${rawName}`, map: diff, name: "difference", max: Math.max(1e-9, maxSize(diff)), signed: true});
  }
  const outlines = maps.map(({heading, map, name, max, signed}) => {
    const box = document.createElement("figure");
    box.style.margin = "0";
    const caption = document.createElement("figcaption");
    caption.textContent = heading;
    const plot = axes(name);
    // A cut tick label holds its whole token in a tooltip (the tick labels come in the ticks' order).
    for (const axis of ["x", "y"]) {
      plot.querySelectorAll(`[aria-label="${axis}-axis tick label"] text`).forEach((text, i) => {
        const token = tokens[Math.floor(ticks[i] ?? -1)];
        if (token !== undefined && tickText(ticks[i]) !== token) text.appendChild(document.createElementNS(SVG_NS, "title")).textContent = token;
      });
    }
    // weights 0…max to entries 0…255; differences −max…max to 0…255
    const canvas = signed ? paint(map, diffTable, (LEVELS - 1) / (2 * max), (LEVELS - 1) / 2) : paint(map, weightTable, (LEVELS - 1) / max, 0);
    const legend = Plot.legend({color: {...(signed ? diffScale(max) : weightScale(max)), label: name}});
    box.append(caption, legend, plot);
    const layers = mapLayers(plot, canvas, map, tokens, pathCells, `${name} map of ${title}`);
    row.append(box);
    return layers;
  });
  const mean = effective ? meanTotalVariation(raw, effective) : 0;
  const caption = document.createElement("p");
  caption.className = "mixviz-caption";
  const axesWords = `Rows are queries, columns keys (one token in ${every} labelled); the outlined row is the current query. Hover a cell, or Tab to a map and use the arrow keys, to read its tokens and weight.`;
  root.setQuery = (query) => {
    root.dataset.query = String(query);
    for (const {move} of outlines) move(query);
    caption.textContent = effective
      ? `${title}. ${axesWords} Gold dots are (query, key) pairs on the ground-truth path. In the “Effective − ${rawName}” panel, blue marks where the head uses a key more than its ${rawName} map says, red where less. ` +
        `The two maps differ by ${totalVariation(raw[query], effective[query]).toFixed(2)} on the current row and ${mean.toFixed(2)} on an average row ` +
        `(total variation: 0 = identical, 1 = nothing in common).`
      : `${title}. ${axesWords}`;
  };
  root.setQuery(options.query);
  root.append(row, caption);
  return root;
}
