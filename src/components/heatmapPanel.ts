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
import {tickStep} from "./heatmapGrid.js";
import type {HeadMap} from "./headStack.js";
import {mapMax} from "./mapCanvas.js";
import {LEVELS, levels, mapAxes, mapLayers, maxSize, MOST_TICKS, paint} from "./mapImage.js";
import {QUERY_COLOR} from "./palette.js";

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
const TICK_EVERY = 6; // label a multiple of the m-th token (one per relation row)

/** The panel's node; `setQuery` moves the outlined row (an overlay) without redrawing the maps. */
export interface HeatmapPanelElement extends HTMLDivElement {
  setQuery(query: number): void;
}

export function heatmapPanel(data: HeatmapPanelData, options: HeatmapPanelOptions): HeatmapPanelElement {
  const {raw, effective, tokens, rawName = "raw"} = data;
  const {path, title, headLabel, color = QUERY_COLOR, size = DEFAULT_SIZE} = options;
  const N = tokens.length;
  // cell n is drawn over [n, n + 1]; its tick sits at its centre n + ½
  const pathCells = path.flatMap((keys, q) => keys.map((k) => ({q, k})));
  const every = tickStep(N, TICK_EVERY, MOST_TICKS);

  const weightScale = (max: number) => ({type: "linear", range: ["transparent", color], interpolate: "rgb", domain: [0, max]}) as const;
  const diffScale = (max: number) => ({type: "linear", scheme: "rdbu", domain: [-max, max]}) as const;
  // A weight map is the head's colour at an opacity of weight / largest weight (what its legend shows); the
  // difference goes through its diverging scheme, red below zero, blue above.
  const opaque = d3.rgb(color);
  const weightTable = levels((t) => ({r: opaque.r, g: opaque.g, b: opaque.b, opacity: t}));
  const diffTable = levels((t) => ({...d3.rgb(d3.interpolateRdBu(t)), opacity: 1}));

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
    const plot = mapAxes(tokens, {size, every, ariaLabel: `${name} map of ${title}`});
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
