// The essay's evidence figures, one point per seed so that the spread over seeds is always visible:
// - readingGapFigure: a scalar (redundancy, entropy) of the raw and the effective maps, per architecture,
//   one thin line per seed from raw to effective and a thick line through the means;
// - faithfulnessFigure: per architecture and seed, the quartiles (bar) and median (tick) of the total
//   variation between each head's raw and effective rows;
// - keyEffectFigure: per architecture, the rank correlation of the raw and of the effective row with the
//   effect of removing each key, one dot per seed.
// Pure: rows and options in, a figure out.
import * as Plot from "@observablehq/plot";
import {fixed} from "./numberText.js";
import {ARCH_COLORS} from "./palette.js";

export interface ReadingPair {
  arch: string;
  seed: number;
  raw: number;
  effective: number;
}

export interface FigureOptions {
  /** architecture keys in display order, with their names */
  archs: readonly {key: string; name: string}[];
  width: number;
  ariaLabel: string;
}

const READINGS = ["raw", "effective"] as const;
const HEIGHT = 240; // px
const MARGIN_LEFT = 48; // px
const THIN = 1; // px
const THICK = 3; // px
const DOT = 3; // px
const DIGITS = 3; // in the tooltips

/** The frame the three figures share: one facet per architecture, in `archs` order. */
function archFacets(options: FigureOptions, x: Plot.ScaleOptions, y: Plot.ScaleOptions, marks: Plot.Markish[]): SVGSVGElement | HTMLElement {
  const {archs, width, ariaLabel} = options;
  return Plot.plot({width, height: HEIGHT, marginLeft: MARGIN_LEFT, grid: true, fx: {label: null, domain: archs.map((a) => a.name)}, x, y, marks, ariaLabel});
}

/** Rows with their architecture's display name added. */
function named<T extends {arch: string}>(rows: readonly T[], archs: FigureOptions["archs"]): (T & {architecture: string})[] {
  const name = new Map(archs.map((a) => [a.key, a.name]));
  return rows.map((r) => ({...r, architecture: name.get(r.arch) ?? r.arch}));
}

const color = (d: {arch: string}) => ARCH_COLORS[d.arch];

export function readingGapFigure(rows: readonly ReadingPair[], options: FigureOptions & {yLabel: string}): SVGSVGElement | HTMLElement {
  const long = named(rows, options.archs).flatMap((r) => READINGS.map((reading) => ({architecture: r.architecture, arch: r.arch, seed: r.seed, reading, value: r[reading]})));
  return archFacets(options, {label: null, domain: READINGS, padding: 0.3}, {label: options.yLabel}, [
    Plot.line(long, {fx: "architecture", x: "reading", y: "value", z: "seed", stroke: color, strokeWidth: THIN, strokeOpacity: 0.6}),
    Plot.dot(long, {fx: "architecture", x: "reading", y: "value", fill: color, r: DOT, tip: true, title: (d) => `${d.architecture}, seed ${d.seed}, ${d.reading}: ${fixed(d.value, DIGITS)}`}),
    // the mean over seeds, drawn by Plot's own grouping
    Plot.line(long, Plot.groupX({y: "mean"}, {fx: "architecture", x: "reading", y: "value", z: "arch", stroke: color, strokeWidth: THICK}))
  ]);
}

export interface QuartileRow {
  arch: string;
  seed: number;
  q1: number;
  median: number;
  q3: number;
}

export function faithfulnessFigure(rows: readonly QuartileRow[], options: FigureOptions): SVGSVGElement | HTMLElement {
  const data = named(rows, options.archs).map((r) => ({...r, label: `seed ${r.seed}`}));
  return archFacets(options, {label: null, axis: null, padding: 0.3}, {label: "total variation, raw vs effective row", domain: [0, 1]}, [
    Plot.barY(data, {fx: "architecture", x: "label", y1: "q1", y2: "q3", fill: color, fillOpacity: 0.35}),
    Plot.tickY(data, {fx: "architecture", x: "label", y: "median", stroke: color, strokeWidth: THICK, tip: true, title: (d) => `${d.architecture}, ${d.label}: median ${fixed(d.median, DIGITS)} (quartiles ${fixed(d.q1, DIGITS)}–${fixed(d.q3, DIGITS)})`})
  ]);
}

export interface KeyEffectRow {
  arch: string;
  seed: number;
  reading: "raw" | "effective";
  rho: number;
}

export function keyEffectFigure(rows: readonly KeyEffectRow[], options: FigureOptions): SVGSVGElement | HTMLElement {
  const data = named(rows, options.archs);
  return archFacets(options, {label: null, domain: READINGS, padding: 0.3}, {label: "rank correlation with a key's effect", domain: [-1, 1]}, [
    Plot.ruleY([0], {strokeOpacity: 0.4}),
    Plot.line(data, {fx: "architecture", x: "reading", y: "rho", z: "seed", stroke: color, strokeWidth: THIN, strokeOpacity: 0.6}),
    Plot.dot(data, {fx: "architecture", x: "reading", y: "rho", fill: color, r: DOT, tip: true, title: (d) => `${d.architecture}, seed ${d.seed}, ${d.reading}: ρ = ${fixed(d.rho, DIGITS)}`})
  ]);
}
