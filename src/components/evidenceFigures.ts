// The essay's evidence figures, one point per seed so that the spread over seeds is always visible:
// - readingGapFigure: a scalar (redundancy, entropy) of the raw and the effective maps, per architecture,
//   one thin line per seed from raw to effective and a thick line through the means;
// - faithfulnessFigure: per architecture and seed, the quartiles (bar) and median (tick) of the total
//   variation between each head's raw and effective rows;
// - keyEffectFigure: per architecture, the rank correlation of the raw and of the effective row with the
//   effect of removing each key, one dot per seed.
// Pure: rows and options in, a figure out.
import * as Plot from "@observablehq/plot";
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

export function readingGapFigure(rows: readonly ReadingPair[], options: FigureOptions & {yLabel: string}): SVGSVGElement | HTMLElement {
  const {archs, width, ariaLabel, yLabel} = options;
  const name = new Map(archs.map((a) => [a.key, a.name]));
  const long = rows.flatMap((r) => READINGS.map((reading) => ({architecture: name.get(r.arch) ?? r.arch, arch: r.arch, seed: r.seed, reading, value: r[reading]})));
  const means = archs.flatMap((a) =>
    READINGS.map((reading) => {
      const values = rows.filter((r) => r.arch === a.key).map((r) => r[reading]);
      return {architecture: a.name, arch: a.key, reading, value: values.reduce((s, v) => s + v, 0) / values.length};
    })
  );
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: MARGIN_LEFT,
    grid: true,
    fx: {label: null, domain: archs.map((a) => a.name)},
    x: {label: null, domain: READINGS, padding: 0.3},
    y: {label: yLabel},
    marks: [
      Plot.line(long, {fx: "architecture", x: "reading", y: "value", z: "seed", stroke: (d) => ARCH_COLORS[d.arch], strokeWidth: THIN, strokeOpacity: 0.6}),
      Plot.dot(long, {fx: "architecture", x: "reading", y: "value", fill: (d) => ARCH_COLORS[d.arch], r: DOT, tip: true, title: (d) => `${d.architecture}, seed ${d.seed}, ${d.reading}: ${d.value.toFixed(3)}`}),
      Plot.line(means, {fx: "architecture", x: "reading", y: "value", z: "arch", stroke: (d) => ARCH_COLORS[d.arch], strokeWidth: THICK})
    ],
    ariaLabel
  });
}

export interface QuartileRow {
  arch: string;
  seed: number;
  q1: number;
  median: number;
  q3: number;
}

export function faithfulnessFigure(rows: readonly QuartileRow[], options: FigureOptions): SVGSVGElement | HTMLElement {
  const {archs, width, ariaLabel} = options;
  const name = new Map(archs.map((a) => [a.key, a.name]));
  const data = rows.map((r) => ({...r, architecture: name.get(r.arch) ?? r.arch, label: `seed ${r.seed}`}));
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: MARGIN_LEFT,
    grid: true,
    fx: {label: null, domain: archs.map((a) => a.name)},
    x: {label: null, axis: null, padding: 0.3},
    y: {label: "total variation, raw vs effective row", domain: [0, 1]},
    marks: [
      Plot.barY(data, {fx: "architecture", x: "label", y1: "q1", y2: "q3", fill: (d) => ARCH_COLORS[d.arch], fillOpacity: 0.35}),
      Plot.tickY(data, {fx: "architecture", x: "label", y: "median", stroke: (d) => ARCH_COLORS[d.arch], strokeWidth: THICK, tip: true, title: (d) => `${d.architecture}, ${d.label}: median ${d.median.toFixed(3)} (quartiles ${d.q1.toFixed(3)}–${d.q3.toFixed(3)})`})
    ],
    ariaLabel
  });
}

export interface KeyEffectRow {
  arch: string;
  seed: number;
  reading: "raw" | "effective";
  rho: number;
}

export function keyEffectFigure(rows: readonly KeyEffectRow[], options: FigureOptions): SVGSVGElement | HTMLElement {
  const {archs, width, ariaLabel} = options;
  const name = new Map(archs.map((a) => [a.key, a.name]));
  const data = rows.map((r) => ({...r, architecture: name.get(r.arch) ?? r.arch}));
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: MARGIN_LEFT,
    grid: true,
    fx: {label: null, domain: archs.map((a) => a.name)},
    x: {label: null, domain: READINGS, padding: 0.3},
    y: {label: "rank correlation with a key's effect", domain: [-1, 1]},
    marks: [
      Plot.ruleY([0], {strokeOpacity: 0.4}),
      Plot.line(data, {fx: "architecture", x: "reading", y: "rho", z: "seed", stroke: (d) => ARCH_COLORS[d.arch], strokeWidth: THIN, strokeOpacity: 0.6}),
      Plot.dot(data, {fx: "architecture", x: "reading", y: "rho", fill: (d) => ARCH_COLORS[d.arch], r: DOT, tip: true, title: (d) => `${d.architecture}, seed ${d.seed}, ${d.reading}: ρ = ${d.rho.toFixed(3)}`})
    ],
    ariaLabel
  });
}
