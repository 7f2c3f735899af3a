// The workbench's main heatmap: one N×N map (rows = queries, columns = keys) in a chosen colour scheme,
// with the upper triangle hidden for causal models, the exact weight in a tooltip on hover, and the
// focused token's row (or column) outlined. Pure: a map and options in, an SVG figure out.
import * as Plot from "@observablehq/plot";
import type {HeadMap} from "./headStack.js";
import type {ColorScheme} from "./mapCanvas.js";
import {weightText} from "./numberText.js";
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

const MARGIN = 8;
/** At most this many tick labels per axis (more would overlap). */
const MAX_TICKS = 24;

interface Cell {
  q: number;
  k: number;
  v: number;
}

export function attentionHeatmap(map: HeadMap, options: AttentionHeatmapOptions): SVGSVGElement | HTMLElement {
  const {tokens, scheme, causal, focus = null, size = 420, label, ariaLabel} = options;
  const n = map.length;
  const cells: Cell[] = [];
  let lo = 0;
  let hi = 0;
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      if (causal && k > q) continue;
      const v = map[q][k];
      cells.push({q, k, v});
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const positions = Array.from({length: n}, (_, i) => i);
  const step = Math.ceil(n / MAX_TICKS);
  const ticks = positions.filter((i) => i % step === 0);
  const tokenAt = (i: number) => `${i} ${tokens[i] ?? ""}`;
  const focusCells = focus
    ? positions.map((i) => (focus.direction === "from" ? {q: focus.token, k: i} : {q: i, k: focus.token})).filter((c) => !causal || c.k <= c.q)
    : [];
  return Plot.plot({
    width: size,
    height: size,
    marginLeft: MARGIN * 7,
    marginBottom: MARGIN * 7,
    marginTop: MARGIN * 3,
    marginRight: MARGIN,
    padding: 0,
    x: {domain: positions, ticks, tickFormat: (i: number) => tokens[i], label: "key →", tickRotate: -60},
    y: {domain: positions, ticks, tickFormat: (i: number) => tokens[i], label: "↓ query", labelAnchor: "top"},
    color: {type: "linear", scheme, domain: [lo, Math.max(hi, 1e-9)], legend: true, label},
    marks: [
      Plot.cell(cells, {
        x: "k",
        y: "q",
        fill: "v",
        tip: {format: {fill: weightText, x: false, y: false}},
        channels: {query: {value: (d: Cell) => tokenAt(d.q), label: "query"}, key: {value: (d: Cell) => tokenAt(d.k), label: "key"}},
      } as Plot.CellOptions),
      Plot.cell(focusCells, {x: "k", y: "q", fill: "none", stroke: "currentColor", strokeWidth: 1.2}),
      Plot.frame({strokeOpacity: 0.3})
    ],
    ariaLabel
  }) as SVGSVGElement | HTMLElement;
}
