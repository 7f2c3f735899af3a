// Heatmap tab: one head's N×N map three times — raw (what a hook shows; or IHA's naive slice), effective
// (each key's share of what the head writes), and their difference — with the current query row outlined
// (an overlay that `setQuery` moves without redrawing the maps) and the ground-truth (query, key) pairs marked
// by gold dots. Each map is one raster image (a pixel per cell) under Plot's axes, so a map of any size is a
// handful of SVG elements, not N² of them; hovering a cell tips its tokens and weight. Pure: two maps and
// options in, a DOM node out.
import * as Plot from "@observablehq/plot";
import {meanTotalVariation, totalVariation} from "../model/metrics.js";
import type {HeadMap} from "./headStack.js";
import {fixed} from "./numberText.js";
import {PATH_COLOR, QUERY_COLOR} from "./palette.js";
import {SVG_NS} from "./svgNamespace.js";

export interface HeatmapPanelData {
  /** the per-head map compared with the effective one (the raw hook pattern, or IHA's naive slice) */
  raw: HeadMap;
  /** its name in titles and legends: "raw" (default) or "naive" */
  rawName?: string;
  effective: HeadMap;
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
const TICK_EVERY = 6; // label every m-th token (one per relation row)
const DIGITS = 3;
const PATH_DOT = 1.6;
const HALF = 0.5;

/** The panel's node; `setQuery` moves the outlined row (an overlay) without redrawing the maps. */
export interface HeatmapPanelElement extends HTMLDivElement {
  setQuery(query: number): void;
}

/**
 * The outline of the current query row, drawn over a Plot heatmap in an SVG of its own laid exactly on
 * the plot's, so that moving it repaints the outline only, not the N² cells. Returns the node to show in
 * place of the plot and the function that moves the outline.
 */
function queryOutline(plot: (SVGSVGElement | HTMLElement) & Plot.Plot): {node: Element; move: (query: number) => void} {
  const svg = plot instanceof SVGSVGElement ? plot : plot.querySelector<SVGSVGElement>(":scope > svg:last-of-type");
  const x = plot.scale("x");
  const y = plot.scale("y");
  const [k0, k1] = (x?.domain ?? []) as number[];
  if (!svg || !x?.apply || k1 === undefined || !y?.apply) return {node: plot, move: () => {}};
  // Cell n spans [n, n + 1] on both linear scales.
  const x0 = x.apply(k0) as number;
  const x1 = x.apply(k1) as number;
  const rowTop = (query: number) => Math.min(y.apply!(query) as number, y.apply!(query + 1) as number);
  const band = Math.abs((y.apply(1) as number) - (y.apply(0) as number));
  const wrap = document.createElement("div");
  wrap.style.position = "relative";
  wrap.style.width = "fit-content";
  wrap.style.maxWidth = "100%";
  const overlay = document.createElementNS(SVG_NS, "svg");
  overlay.setAttribute("viewBox", svg.getAttribute("viewBox") ?? `0 0 ${svg.getAttribute("width")} ${svg.getAttribute("height")}`);
  overlay.setAttribute("aria-hidden", "true");
  overlay.setAttribute("class", "mixviz-query-overlay");
  Object.assign(overlay.style, {position: "absolute", left: "0", top: "0", width: "100%", height: "100%", pointerEvents: "none", overflow: "visible"});
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("class", "mixviz-query-row");
  rect.setAttribute("x", String(x0));
  rect.setAttribute("width", String(x1 - x0));
  rect.setAttribute("height", String(band));
  // Outlined in the text colour: the query blue is also a head colour.
  rect.setAttribute("fill", "none");
  rect.setAttribute("stroke", "currentColor");
  rect.setAttribute("stroke-width", "1");
  overlay.append(rect);
  if (svg !== plot) svg.replaceWith(wrap);
  wrap.append(svg, overlay);
  return {node: svg === plot ? wrap : plot, move: (query) => rect.setAttribute("y", String(rowTop(query)))};
}

export function heatmapPanel(data: HeatmapPanelData, options: HeatmapPanelOptions): HeatmapPanelElement {
  const {raw, effective, tokens, rawName = "raw"} = data;
  const {path, title, headLabel, color = QUERY_COLOR, size = DEFAULT_SIZE} = options;
  const N = tokens.length;
  const diff = effective.map((row, q) => Float32Array.from(row, (v, k) => v - raw[q][k]));
  // cell n is drawn over [n, n + 1]; its tick and its path dot sit at its centre n + ½
  const pathCells = path.flatMap((keys, q) => keys.map((k) => ({q: q + HALF, k: k + HALF})));
  const ticks = Array.from({length: N}, (_, n) => n).filter((n) => n % TICK_EVERY === 0).map((n) => n + HALF);
  const tokenAt = (t: number) => tokens[Math.floor(t)];
  const maxAbs = Math.max(1e-9, ...diff.flatMap((row) => Array.from(row, Math.abs)));
  const maxWeight = Math.max(1e-9, ...[...raw, ...effective].flatMap((row) => Array.from(row)));

  const scale = (signed: boolean) =>
    signed
      ? ({type: "linear", scheme: "rdbu", domain: [-maxAbs, maxAbs]} as const)
      : ({type: "linear", range: ["transparent", color], interpolate: "rgb", domain: [0, maxWeight]} as const);
  const at = (map: HeadMap) => (k: number, q: number) => map[Math.floor(q)][Math.floor(k)];
  // One pixel per cell, sampled at the cell's centre. A raster pixel keeps no alpha of its colour, so a
  // weight map is the head's colour at an opacity of weight / largest weight (what its legend shows); the
  // difference goes through its diverging scale.
  const raster = (map: HeadMap, signed: boolean) => {
    const grid = {width: N, height: N, x1: 0, x2: N, y1: 0, y2: N, imageRendering: "pixelated"};
    const value = at(map);
    return signed ? Plot.raster({...grid, fill: value}) : Plot.raster({...grid, fill: color, fillOpacity: (k: number, q: number) => value(k, q) / maxWeight});
  };
  const plot = (map: HeadMap, name: string, signed: boolean) =>
    Plot.plot({
      width: size,
      height: size,
      marginLeft: MARGIN * 5,
      marginBottom: MARGIN * 6,
      marginTop: MARGIN * 3,
      marginRight: MARGIN,
      padding: 0,
      x: {domain: [0, N], ticks, tickFormat: tokenAt, tickSize: 0, label: "key", tickRotate: -45},
      y: {domain: [0, N], reverse: true, ticks, tickFormat: tokenAt, tickSize: 0, label: "query", labelAnchor: "top"},
      // only the difference map has a colour scale; the weight maps' colour is constant (their legend is drawn apart)
      ...(signed ? {color: scale(true)} : {}),
      marks: [
        raster(map, signed),
        Plot.dot(pathCells, {x: "k", y: "q", r: PATH_DOT, fill: PATH_COLOR}),
        Plot.tip({length: N * N}, Plot.pointer({
          x: (_: unknown, i: number) => (i % N) + HALF,
          y: (_: unknown, i: number) => Math.floor(i / N) + HALF,
          title: (_: unknown, i: number) => `${tokens[Math.floor(i / N)]} → ${tokens[i % N]}: ${fixed(map[Math.floor(i / N)][i % N], DIGITS)}`
        })),
        Plot.frame({strokeOpacity: 0.3})
      ],
      ariaLabel: `${name} map of ${title}`
    });

  const root = document.createElement("div") as unknown as HeatmapPanelElement;
  root.className = "mixviz-heatmaps";
  root.dataset.view = "heatmap";
  const row = document.createElement("div");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "1rem";
  const maps = [
    {heading: `${rawName[0].toUpperCase()}${rawName.slice(1)} · ${headLabel}`, map: raw, name: `${rawName} weight`, signed: false},
    {heading: `Effective · ${headLabel}`, map: effective, name: "effective share", signed: false},
    {heading: `Effective − ${rawName}`, map: diff, name: "difference", signed: true}
  ];
  const outlines = maps.map(({heading, map, name, signed}) => {
    const box = document.createElement("figure");
    box.style.margin = "0";
    const caption = document.createElement("figcaption");
    caption.textContent = heading;
    const outline = queryOutline(plot(map, name, signed));
    box.append(caption, Plot.legend({color: {...scale(signed), label: name}}), outline.node);
    row.append(box);
    return outline;
  });
  const mean = meanTotalVariation(raw, effective);
  const caption = document.createElement("p");
  caption.className = "mixviz-caption";
  root.setQuery = (query) => {
    root.dataset.query = String(query);
    for (const {move} of outlines) move(query);
    caption.textContent =
      `${title}. Rows are queries, columns keys (every ${TICK_EVERY}th token labelled); the outlined row is the current query, ` +
      `gold dots are (query, key) pairs on the ground-truth path. In the “Effective − ${rawName}” panel, blue marks where the head uses a key more than its ${rawName} map says, red where less. ` +
      `The two maps differ by ${totalVariation(raw[query], effective[query]).toFixed(2)} on the current row and ${mean.toFixed(2)} on an average row ` +
      `(total variation: 0 = identical, 1 = nothing in common).`;
  };
  root.setQuery(options.query);
  root.append(row, caption);
  return root;
}
