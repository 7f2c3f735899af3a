// Source-head knockouts in IHA: for one layer, a source head × output head grid of how much each output
// head's map changes when the source head is removed from every pseudo-query, key and value. A per-head
// picture assumes the diagonal (a head changes only itself); IHA spreads the change along rows.
// Pure: rows and options in, an SVG figure out.
import * as Plot from "@observablehq/plot";

export interface KnockoutCell {
  source_head: number;
  output_head: number;
  change: number;
}

export interface KnockoutGridOptions {
  heads: number;
  headLabel: (head: number) => string;
  /** the selected head (its row is outlined) */
  selected?: number;
  scheme: Plot.ColorScheme;
  size?: number;
  ariaLabel: string;
}

const DIGITS = 3;

export function knockoutGrid(cells: readonly KnockoutCell[], options: KnockoutGridOptions): SVGSVGElement | HTMLElement {
  const {heads, headLabel, selected, scheme, size = 320, ariaLabel} = options;
  const domain = Array.from({length: heads}, (_, h) => h);
  const max = Math.max(1e-9, ...cells.map((c) => c.change));
  return Plot.plot({
    width: size + 60,
    height: size + 40,
    marginLeft: 60,
    marginBottom: 40,
    padding: 0.04,
    x: {domain, tickFormat: headLabel, label: "output head →", axis: "top"},
    y: {domain, tickFormat: headLabel, label: "↓ source head removed"},
    color: {type: "linear", scheme, domain: [0, max], legend: true, label: "mean change of the map (total variation)"},
    marks: [
      Plot.cell(cells, {
        x: "output_head",
        y: "source_head",
        fill: "change",
        tip: {format: {fill: (v: number) => v.toFixed(DIGITS), x: (h: number) => headLabel(h), y: (h: number) => headLabel(h)}}
      }),
      Plot.text(cells, {x: "output_head", y: "source_head", text: (c: KnockoutCell) => c.change.toFixed(2), fontSize: 9, fill: (c: KnockoutCell) => (c.change > max / 2 ? "white" : "black")}),
      // the selected head's row: what removing it does to every head
      Plot.cell(selected === undefined ? [] : cells.filter((c) => c.source_head === selected), {x: "output_head", y: "source_head", fill: "none", stroke: "currentColor", strokeWidth: 1.5})
    ],
    ariaLabel
  }) as SVGSVGElement | HTMLElement;
}
