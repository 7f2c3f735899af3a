// Ablation against appearance: for every head, what knocking it out costs the task metric (y) against how
// strongly its map shows a chosen pattern (x). Heads high on y but low on x look idle in a per-head picture
// yet matter; the reverse look busy and do not. For IHA a second mark per head shows the cost of knocking
// out the *source* head (its contribution to every pseudo-query, key and value).
// Pure: rows and options in, an SVG figure out.
import * as Plot from "@observablehq/plot";
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

export function ablationPlot(rows: readonly AblationRow[], options: AblationPlotOptions): SVGSVGElement | HTMLElement {
  const {xLabel, metric, width = 560, ariaLabel} = options;
  const points = rows.map((r) => ({...r, kind: "output head zeroed", value: r.change}));
  const sources = rows.filter((r) => r.sourceChange !== null).map((r) => ({...r, kind: "source head removed", value: r.sourceChange!}));
  const all = [...points, ...sources];
  return Plot.plot({
    width,
    height: 340,
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
        r: 6,
        fill: (d: AblationRow) => headColor(d.head),
        stroke: "currentColor",
        strokeWidth: 0.5,
        channels: {head: {value: "label", label: "head"}, how: {value: "kind", label: "knockout"}},
        tip: {format: {x: (v: number) => v.toFixed(DIGITS), y: (v: number) => v.toFixed(DIGITS), symbol: false}}
      }),
      Plot.text(points, {x: "score", y: "value", text: "label", dx: 9, textAnchor: "start", fontSize: 10})
    ],
    ariaLabel
  }) as SVGSVGElement | HTMLElement;
}
