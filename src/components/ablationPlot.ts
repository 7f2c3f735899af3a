// Ablation against appearance: for every head, what knocking it out costs the task metric (y) against how
// strongly its map shows a chosen pattern (x). Heads high on y but low on x look idle in a per-head picture
// yet matter; the reverse look busy and do not. For IHA a second mark per head shows the cost of knocking
// out the *source* head (its contribution to every pseudo-query, key and value).
// Pure: rows and options in, an SVG figure out.
import * as Plot from "@observablehq/plot";
import {placeLabels} from "./labelPlacement.js";
import {fixed} from "./numberText.js";
import {SVG_NS} from "./svgNamespace.js";
import {headColor} from "./palette.js";

export interface AblationRow {
  label: string;
  head: number;
  /** the pattern score on the x axis */
  score: number;
  /** metric with the head's output zeroed minus the model's metric (negative = the head matters) */
  change: number;
  /** the same when the head is knocked out as a source (IHA), else null */
  sourceChange: number | null;
}

export interface AblationPlotOptions {
  xLabel: string;
  metric: string;
  width?: number;
  ariaLabel: string;
}

const DIGITS = 3;
const HEIGHT = 340;
const DOT = 6;
const FONT_SIZE = 10;
/** a label's width per character, in em: wider than the plot's sans-serif digits and capitals, so boxes never touch */
const CHAR_EM = 0.65;
const LABEL_GAP = 3;

export function ablationPlot(rows: readonly AblationRow[], options: AblationPlotOptions): SVGSVGElement | HTMLElement {
  const {xLabel, metric, width = 560, ariaLabel} = options;
  const points = rows.map((r) => ({...r, kind: "output head zeroed", value: r.change}));
  const sources = rows.filter((r) => r.sourceChange !== null).map((r) => ({...r, kind: "source head removed", value: r.sourceChange!}));
  const all = [...points, ...sources];
  const plot = Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 40,
    grid: true,
    x: {label: `${xLabel} →`, nice: true},
    y: {label: `↑ change in ${metric} when knocked out`, nice: true},
    symbol: {legend: sources.length > 0, domain: ["output head zeroed", "source head removed"], range: ["circle", "triangle"]},
    marks: [
      Plot.ruleY([0], {strokeOpacity: 0.5}),
      Plot.dot(all, {
        x: "score",
        y: "value",
        symbol: "kind",
        r: DOT,
        fill: (d: AblationRow) => headColor(d.head),
        stroke: "currentColor",
        strokeWidth: 0.5,
        channels: {head: {value: "label", label: "head"}, how: {value: "kind", label: "knockout"}},
        tip: {format: {x: (v: number) => fixed(v, DIGITS), y: (v: number) => fixed(v, DIGITS), symbol: false}}
      })
    ],
    ariaLabel
  });
  labelHeads(plot, points, sources, width);
  return plot;
}

/**
 * Names the output heads beside their dots where there is room (labelPlacement.ts), the heads furthest from
 * the crowd on either axis first; a dot left unlabelled is named by its tooltip.
 */
function labelHeads(plot: (SVGSVGElement | HTMLElement) & Plot.Plot, points: readonly AblationRow[], sources: readonly {score: number; value: number}[], width: number): void {
  const svg = plot instanceof SVGSVGElement ? plot : plot.querySelector<SVGSVGElement>(":scope > svg");
  const x = plot.scale("x")?.apply;
  const y = plot.scale("y")?.apply;
  const yRange = plot.scale("y")?.range as [number, number] | undefined;
  const xRange = plot.scale("x")?.range as [number, number] | undefined;
  if (!svg || !x || !y || !xRange || !yRange) return;
  const spread = (values: number[]) => Math.max(1e-12, Math.max(...values) - Math.min(...values));
  const meanScore = points.reduce((sum, r) => sum + r.score, 0) / Math.max(1, points.length);
  const scoreSpread = spread(points.map((r) => r.score));
  const sizes = points.map((r) => Math.abs(r.change));
  const smallest = Math.min(...sizes);
  const sizeSpread = spread(sizes);
  const placements = placeLabels(
    points.map((r) => ({
      x: x(r.score),
      y: y(r.change),
      width: r.label.length * FONT_SIZE * CHAR_EM,
      height: FONT_SIZE + 2,
      priority: (Math.abs(r.change) - smallest) / sizeSpread + Math.abs(r.score - meanScore) / scoreSpread
    })),
    {
      radius: DOT,
      gap: LABEL_GAP,
      bounds: {left: Math.min(...xRange), right: width, top: Math.min(...yRange), bottom: Math.max(...yRange)},
      obstacles: sources.map((r) => ({x: x(r.score), y: y(r.value)}))
    }
  );
  const group = document.createElementNS(SVG_NS, "g");
  group.setAttribute("class", "mixviz-ablation-labels");
  group.setAttribute("font-size", String(FONT_SIZE));
  group.setAttribute("fill", "currentColor");
  placements.forEach((place, i) => {
    if (!place) return;
    const text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("x", String(place.x));
    text.setAttribute("y", String(place.y));
    text.setAttribute("text-anchor", place.anchor);
    text.setAttribute("dominant-baseline", "central");
    text.textContent = points[i].label;
    group.append(text);
  });
  svg.append(group);
}
