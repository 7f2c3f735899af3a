// The model's answer for every cell of the relation: what it predicts (1 = composes), its logit, and
// whether that matches the truth, as a grid of cells (SVG, with the roles of a table for screen readers).
// Pure: predictions, labels and options in, an element out; its `setData` and `setQuery` rewrite the cells
// in place (the playground's edits), touching only what changed. The cells are SVG rather than an HTML
// table: an edit rewrites most of the 36 logits, and as table cells (each a contained box, laid out and
// painted on its own) they were the largest part of the frame that shows the edit (docs/playground.md).
import * as d3 from "d3";
import {entityName} from "../model/task.js";
import {setAttr, setText} from "./domWrites.js";
import {QUERY_COLOR, WRONG_COLOR} from "./palette.js";

export interface PredictionsData {
  m: number;
  /** per cell, logit > 0 → 1 */
  predictions: ArrayLike<number>;
  logits: ArrayLike<number>;
  /** per cell, the truth (R∘R) */
  labels: ArrayLike<number>;
  tokens: readonly string[];
}

export interface PredictionsOptions {
  query?: number;
  /** called with a cell index when a cell is clicked */
  onSelect?: (cell: number) => void;
}

/** The view; `setData` shows new predictions of the same m, `setQuery` moves the outline. */
export interface PredictionsElement extends HTMLDivElement {
  setData(data: PredictionsData): void;
  setQuery(query: number): void;
}

const LOGIT_DIGITS = 1;
const CELL = 38; // px
const HEADER = 20; // px: the entity names above and left of the cells
const MARK_SIZE = 14;
const LOGIT_SIZE = 10;
const OUTLINE = 3;

export function playgroundPredictions(data: PredictionsData, options: PredictionsOptions = {}): PredictionsElement {
  const {m} = data;
  const {onSelect} = options;
  const size = HEADER + m * CELL + OUTLINE;
  const x = (j: number) => HEADER + j * CELL;
  const y = (i: number) => HEADER + i * CELL;
  const svg = d3.create("svg")
    .attr("width", size).attr("height", size).attr("viewBox", `0 0 ${size} ${size}`)
    .attr("role", "table").attr("aria-label", "Predictions per cell").attr("font-variant-numeric", "tabular-nums");
  const heading = <D,>(sel: d3.Selection<SVGTextElement, D, any, any>) => {
    sel.attr("text-anchor", "middle").attr("dominant-baseline", "central").attr("font-weight", "bold").attr("fill", "currentColor");
  };
  const header = svg.append("g").attr("role", "row");
  header.append("text").attr("role", "columnheader"); // the corner
  for (let j = 0; j < m; j++) header.append("text").attr("role", "columnheader").attr("x", x(j) + CELL / 2).attr("y", HEADER / 2).call(heading).text(entityName(j));
  const rows = svg.selectAll<SVGGElement, number>("g.row").data(d3.range(m)).join("g").attr("class", "row").attr("role", "row");
  rows.append("text").attr("role", "rowheader").attr("x", HEADER / 2).attr("y", (i) => y(i) + CELL / 2).call(heading).text(entityName);
  const titles: (SVGTitleElement | null)[] = Array.from({length: m * m}, () => null);
  const cellGroups = rows.selectAll<SVGGElement, number>("g").data((i) => d3.range(i * m, (i + 1) * m)).join("g")
    .attr("role", "cell").attr("data-cell", (n) => n)
    .style("cursor", onSelect ? "pointer" : "default")
    .on("click", (_event, n) => onSelect?.(n))
    // The tooltip is written when the pointer reaches the cell: a title rewritten on every edit costs time.
    .on("pointerenter", (event: PointerEvent, n) => {
      const title = (titles[n] ??= d3.select(event.currentTarget as SVGGElement).append<SVGTitleElement>("title").node()!);
      setText(title, describe(n));
    });
  cellGroups.append("rect").attr("x", (n) => x(n % m)).attr("y", (n) => y(Math.floor(n / m))).attr("width", CELL).attr("height", CELL)
    .attr("fill", "transparent").attr("stroke", "currentColor").attr("stroke-opacity", 0.15);
  const cellText = (dy: number, fontSize: number) => cellGroups.append("text")
    .attr("x", (n) => x(n % m) + CELL / 2).attr("y", (n) => y(Math.floor(n / m)) + CELL * dy)
    .attr("text-anchor", "middle").attr("dominant-baseline", "central").attr("font-size", fontSize).attr("fill", "currentColor");
  const marks = cellText(0.4, MARK_SIZE).nodes();
  const logitTexts = cellText(0.78, LOGIT_SIZE).attr("fill-opacity", 0.6).nodes();
  const groups = cellGroups.nodes();
  const outline = svg.append("rect").attr("width", CELL).attr("height", CELL)
    .attr("fill", "none").attr("stroke", QUERY_COLOR).attr("stroke-width", OUTLINE).attr("pointer-events", "none").attr("display", "none").node()!;
  // The count sits in a box of fixed size with strict containment: a new count lays out that box alone.
  const count = document.createElement("div");
  count.className = "mixviz-count";
  const root = document.createElement("div") as PredictionsElement;
  root.className = "mixviz-predictions";
  root.append(svg.node()!, count);

  let shown = data;
  const describe = (n: number) => {
    const {predictions, logits, labels, tokens} = shown;
    return `${tokens[n]}: model says ${predictions[n] ? "composes" : "does not compose"} (logit ${logits[n].toFixed(3)}); truth: ${labels[n] ? "composes" : "does not compose"}`;
  };

  root.setData = (next) => {
    shown = next;
    const {predictions, logits, labels} = next;
    let wrong = 0;
    groups.forEach((g, n) => {
      const right = predictions[n] === labels[n];
      if (!right) wrong++;
      setAttr(g, "data-prediction", String(predictions[n]));
      setAttr(g, "data-label", String(labels[n]));
      setAttr(g, "data-logit", String(logits[n]));
      setAttr(g, "class", right ? "right" : "wrong");
      setAttr(marks[n], "fill", right ? "currentColor" : WRONG_COLOR);
      setText(marks[n], `${predictions[n] ? "1" : "·"}${right ? "" : "✗"}`);
      setText(logitTexts[n], logits[n].toFixed(LOGIT_DIGITS));
      const title = titles[n]; // only a cell already hovered has one
      if (title) setText(title, describe(n));
    });
    setAttr(root, "data-wrong", String(wrong));
    setText(count, `${m * m - wrong} of ${m * m} cells right`);
  };
  let outlined = -2;
  root.setQuery = (query) => {
    if (query === outlined) return;
    outlined = query;
    const on = query >= 0 && query < m * m;
    setAttr(outline, "display", on ? "inline" : "none");
    if (on) {
      setAttr(outline, "x", String(x(query % m)));
      setAttr(outline, "y", String(y(Math.floor(query / m))));
    }
  };
  root.setData(data);
  root.setQuery(options.query ?? -1);
  return root;
}
