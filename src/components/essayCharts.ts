// The essay's three Plot charts that are not evidence figures:
// - pathMassBars: weight each head puts on the query's reasoning path, against chance for the query;
// - trainingCurves: validation F1 per epoch, one line per architecture;
// - ablationScatter: per head, the alignment of its drawn map against the test F1 lost when it is ablated,
//   one facet per architecture, one symbol per seed, the main seed's heads labelled.
// Pure: rows and options in, a figure out.
import * as Plot from "@observablehq/plot";
import {ARCH_NAMES, ARCHS, type Arch} from "../model/vocabulary.js";
import {headColor, ARCH_COLORS} from "./palette.js";

const BARS = {width: 260, height: 220, marginLeft: 48}; // px
const CURVES_HEIGHT = 260; // px
const SCATTER = {width: 760, height: 280, marginLeft: 56, inset: 12, dot: 4, labelOffset: -9, labelSize: 9}; // px

/** Bars of `mass[h]` per head (labelled by `label(h)`), with a dashed rule at `chance`. */
export function pathMassBars(mass: readonly number[], options: {chance: number; label: (head: number) => string; ariaLabel: string}): SVGSVGElement | HTMLElement {
  const {chance, label, ariaLabel} = options;
  return Plot.plot({
    ...BARS,
    x: {label: "weight on the path", domain: [0, Math.max(chance, ...mass)]},
    y: {label: null},
    marks: [
      Plot.barX(mass.map((v, h) => ({head: label(h), v, h})), {y: "head", x: "v", fill: (d) => headColor(d.h), sort: null}),
      Plot.ruleX([chance], {stroke: "currentColor", strokeDasharray: "3,3"})
    ],
    ariaLabel
  });
}

const archColor = {domain: ARCHS.map((a) => ARCH_NAMES[a]), range: ARCHS.map((a) => ARCH_COLORS[a])};

/** Validation F1 per epoch, one line per architecture. */
export function trainingCurves(curves: readonly {arch: string; epoch: number; val_f1: number}[], options: {width: number}): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: CURVES_HEIGHT,
    y: {label: "validation F1", grid: true},
    x: {label: "epoch", interval: 1},
    color: {legend: true, domain: [...ARCHS], range: ARCHS.map((a) => ARCH_COLORS[a]), tickFormat: (a: Arch) => ARCH_NAMES[a]},
    marks: [Plot.lineY(curves, {x: "epoch", y: "val_f1", stroke: "arch", marker: "dot", tip: true}), Plot.ruleY([1], {strokeOpacity: 0.3})],
    ariaLabel: "Validation F1 per epoch for the three architectures"
  });
}

export interface AblationPoint {
  arch: Arch;
  seed: number;
  head: string;
  alignment: number;
  drop: number;
}

/** F1 lost against map alignment, per head; `mainSeed`'s heads are opaque and labelled by number. */
export function ablationScatter(
  points: readonly AblationPoint[],
  options: {width: number; mainSeed: number; seeds: number; format: {alignment: (v: number) => string; drop: (v: number) => string}}
): SVGSVGElement | HTMLElement {
  const {format} = options;
  const rows = points.map((d) => ({...d, architecture: ARCH_NAMES[d.arch], seedName: `seed ${d.seed}`, main: d.seed === options.mainSeed}));
  return Plot.plot({
    width: Math.min(options.width, SCATTER.width), height: SCATTER.height, grid: true, marginLeft: SCATTER.marginLeft, inset: SCATTER.inset,
    x: {label: "alignment of the drawn map →"}, y: {label: "↑ F1 lost when ablated"},
    fx: {label: null, domain: archColor.domain},
    color: archColor,
    symbol: {legend: options.seeds > 1},
    marks: [
      Plot.ruleY([0], {strokeOpacity: 0.4}),
      Plot.dot(rows, {fx: "architecture", x: "alignment", y: "drop", fill: "architecture", symbol: "seedName", fillOpacity: (d) => (d.main ? 1 : 0.5), r: SCATTER.dot, tip: true, title: (d) => `${d.architecture} ${d.head}, ${d.seedName}: alignment ${format.alignment(d.alignment)}, F1 lost ${format.drop(d.drop)}`}),
      Plot.text(rows.filter((d) => d.main), {fx: "architecture", x: "alignment", y: "drop", text: (d) => d.head.slice(2), dy: SCATTER.labelOffset, fontSize: SCATTER.labelSize})
    ],
    ariaLabel: "Ablation: F1 lost against map alignment, per head"
  });
}
