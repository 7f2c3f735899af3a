// A small H×H matrix as a labelled grid of coloured cells with their values: rows are source heads,
// columns target heads (g[source][target]). Unsigned matrices use one hue from transparent to full;
// signed ones blue for positive, red for negative. Pure: a matrix and options in, an SVG
// element out, whose `setData` redraws it in place with a new matrix.
import * as d3 from "d3";
import {setAttr, setText} from "./domWrites.js";
import {bareFixed, fixed} from "./numberText.js";

export interface MatrixGridOptions {
  title: string;
  /** labels of rows and columns, e.g. "L0H3" */
  labels: readonly string[];
  signed?: boolean;
  /** the value shown beside the title, e.g. "diagonal dominance 0.93" */
  note?: string;
  cell?: number;
  rowLabel?: string;
  columnLabel?: string;
}

const DEFAULT_CELL = 30;
const LABEL_SPACE = 40;
const TITLE_SPACE = 34;
const FONT_SIZE = 10;
const DIGITS = 2;
const TIP_DIGITS = 4;
const POSITIVE = "#2166AC";
const NEGATIVE = "#B2182B";
const UNSIGNED = "#0072B2";
const DARK_TEXT_ABOVE = 0.55; // cells filled more than this get white text
const MIN_TEXT_CELL = 24; // px: smaller cells show their value only on hover

/** The grid; `setData` shows a new matrix of the same size (and note) in place. */
export interface MatrixGridElement extends SVGSVGElement {
  setData(g: readonly (readonly number[])[], note?: string): void;
}

export function matrixGrid(g: readonly (readonly number[])[], options: MatrixGridOptions): MatrixGridElement {
  const {title, labels, signed = false, cell = DEFAULT_CELL, rowLabel = "source head", columnLabel = "target head"} = options;
  const n = g.length;
  const width = LABEL_SPACE + n * cell + 4;
  const height = TITLE_SPACE + LABEL_SPACE / 2 + n * cell + 4;
  const svg = d3.create("svg")
    .attr("viewBox", `0 0 ${width} ${height}`).attr("width", width).attr("height", height)
    .attr("role", "img").attr("class", "mixviz-matrix").attr("font-size", FONT_SIZE);
  svg.append("text").attr("x", 0).attr("y", 12).attr("fill", "currentColor").attr("font-weight", "bold").attr("font-size", FONT_SIZE + 2).text(title);
  const noteText = svg.append("text").attr("x", 0).attr("y", 26).attr("fill", "currentColor").text("").node()!;
  const top = TITLE_SPACE + LABEL_SPACE / 2;
  // Shapes sit at their own coordinates and fade with fill-opacity: every transform or opacity is a node of
  // its own in Chromium's paint, which each frame's compositing update then walks.
  const grid = svg.append("g");
  const x = (t: number) => LABEL_SPACE + t * cell;
  const y = (s: number) => top + s * cell;
  svg.append("text").attr("x", LABEL_SPACE).attr("y", top - 12).attr("fill", "currentColor").attr("fill-opacity", 0.7).text(`${columnLabel} →`);
  svg.append("text").attr("transform", `translate(10,${top + n * cell}) rotate(-90)`).attr("fill", "currentColor").attr("fill-opacity", 0.7).text(`${rowLabel} →`);
  for (let i = 0; i < n; i++) {
    grid.append("text").attr("x", x(i + 0.5)).attr("y", top - 3).attr("text-anchor", "middle").attr("fill", "currentColor").text(labels[i]?.replace(/^L\d+/, "") ?? String(i));
    grid.append("text").attr("x", LABEL_SPACE - 3).attr("y", y(i + 0.5)).attr("text-anchor", "end").attr("dominant-baseline", "central").attr("fill", "currentColor").text(labels[i]?.replace(/^L\d+/, "") ?? String(i));
  }
  const positions = d3.range(n).flatMap((s) => d3.range(n).map((t) => ({s, t})));
  const cells = grid.selectAll("g").data(positions).join("g");
  const rects = cells.append("rect").attr("x", (d) => x(d.t)).attr("y", (d) => y(d.s)).attr("width", cell - 1).attr("height", cell - 1)
    .attr("stroke", "currentColor").attr("stroke-opacity", (d) => (d.s === d.t ? 0.6 : 0.1)).nodes();
  const values = cell >= MIN_TEXT_CELL
    ? cells.append("text").attr("x", (d) => x(d.t) + (cell - 1) / 2).attr("y", (d) => y(d.s) + (cell - 1) / 2).attr("text-anchor", "middle").attr("dominant-baseline", "central")
      .attr("font-size", FONT_SIZE - 1).text("").nodes()
    : null;
  const tips = cells.append("title").text("").nodes();

  const root = svg.node() as MatrixGridElement;
  root.setData = (next, note = "") => {
    if (next.length !== n) throw new Error(`${title}: the grid shows ${n}×${n} values, got ${next.length} rows`);
    const max = d3.max(next.flat(), (v) => Math.abs(v)) || 1;
    setAttr(root, "aria-label", `${title}${note ? `, ${note}` : ""}`);
    setText(noteText, note);
    positions.forEach(({s, t}, i) => {
      const v = next[s][t];
      const share = Math.abs(v) / max;
      setAttr(rects[i], "fill", signed ? (v >= 0 ? POSITIVE : NEGATIVE) : UNSIGNED);
      setAttr(rects[i], "fill-opacity", String(share));
      if (values) {
        setAttr(values[i], "fill", share > DARK_TEXT_ABOVE ? "white" : "currentColor");
        setText(values[i], bareFixed(v, DIGITS));
      }
      setText(tips[i], `${labels[s]} → ${labels[t]}: ${fixed(v, TIP_DIGITS)}`);
    });
  };
  root.setData(g, options.note);
  return root;
}
