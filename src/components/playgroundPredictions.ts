// The model's answer for every cell of the relation: what it predicts (1 = composes), its logit, and
// whether that matches the truth, as a grid of cells (SVG, with the roles of a table for screen readers).
// Pure: predictions, labels and options in, an element out; its `setData` and `setQuery` rewrite the cells
// in place (the playground's edits), touching only what changed. The cells are SVG rather than an HTML
// table: an edit rewrites most of the 36 logits, and as table cells (each a contained box, laid out and
// painted on its own) they were the largest part of the frame that shows the edit (docs/playground.md).
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
const SVG_NS = "http://www.w3.org/2000/svg";

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function playgroundPredictions(data: PredictionsData, options: PredictionsOptions = {}): PredictionsElement {
  const {m} = data;
  const {onSelect} = options;
  const size = HEADER + m * CELL + OUTLINE;
  const root = document.createElement("div") as PredictionsElement;
  root.className = "mixviz-predictions";
  const svg = svgEl("svg", {width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: "table", "aria-label": "Predictions per cell", "font-variant-numeric": "tabular-nums"});
  const x = (j: number) => HEADER + j * CELL;
  const y = (i: number) => HEADER + i * CELL;
  const header = svgEl("g", {role: "row"});
  header.append(svgEl("text", {role: "columnheader", x: HEADER / 2, y: HEADER / 2}, ""));
  for (let j = 0; j < m; j++) {
    header.append(svgEl("text", {role: "columnheader", x: x(j) + CELL / 2, y: HEADER / 2, "text-anchor": "middle", "dominant-baseline": "central", "font-weight": "bold", fill: "currentColor"}, entityName(j)));
  }
  svg.append(header);
  const cells: {g: SVGGElement; mark: Text; logit: Text; markText: SVGTextElement; title: SVGTitleElement | null}[] = [];
  for (let i = 0; i < m; i++) {
    const row = svgEl("g", {role: "row"});
    row.append(svgEl("text", {role: "rowheader", x: HEADER / 2, y: y(i) + CELL / 2, "text-anchor": "middle", "dominant-baseline": "central", "font-weight": "bold", fill: "currentColor"}, entityName(i)));
    for (let j = 0; j < m; j++) {
      const n = i * m + j;
      const g = svgEl("g", {role: "cell", "data-cell": n});
      g.append(svgEl("rect", {x: x(j), y: y(i), width: CELL, height: CELL, fill: "transparent", stroke: "currentColor", "stroke-opacity": 0.15}));
      const markText = svgEl("text", {x: x(j) + CELL / 2, y: y(i) + CELL * 0.4, "text-anchor": "middle", "dominant-baseline": "central", "font-size": MARK_SIZE, fill: "currentColor"});
      const logitText = svgEl("text", {x: x(j) + CELL / 2, y: y(i) + CELL * 0.78, "text-anchor": "middle", "dominant-baseline": "central", "font-size": LOGIT_SIZE, fill: "currentColor", "fill-opacity": 0.6});
      const mark = document.createTextNode("");
      const logit = document.createTextNode("");
      markText.append(mark);
      logitText.append(logit);
      g.append(markText, logitText);
      if (onSelect) {
        g.style.cursor = "pointer";
        g.addEventListener("click", () => onSelect(n));
      }
      const cell = {g, mark, logit, markText, title: null as SVGTitleElement | null};
      // The tooltip is written when the pointer reaches the cell: a title rewritten on every edit costs time.
      g.addEventListener("pointerenter", () => {
        cell.title ??= g.appendChild(svgEl("title", {}));
        setText(cell.title, describe(n));
      });
      row.append(g);
      cells.push(cell);
    }
    svg.append(row);
  }
  const outline = svgEl("rect", {width: CELL, height: CELL, fill: "none", stroke: QUERY_COLOR, "stroke-width": OUTLINE, "pointer-events": "none", display: "none"});
  svg.append(outline);
  // The count sits in a box of fixed size with strict containment: a new count lays out that box alone.
  const count = document.createElement("div");
  count.className = "mixviz-count";
  root.append(svg, count);

  let shown = data;
  const describe = (n: number) => {
    const {predictions, logits, labels, tokens} = shown;
    return `${tokens[n]}: model says ${predictions[n] ? "composes" : "does not compose"} (logit ${logits[n].toFixed(3)}); truth: ${labels[n] ? "composes" : "does not compose"}`;
  };

  root.setData = (next) => {
    shown = next;
    const {predictions, logits, labels} = next;
    let wrong = 0;
    cells.forEach(({g, mark, logit, markText, title}, n) => {
      const right = predictions[n] === labels[n];
      if (!right) wrong++;
      setAttr(g, "data-prediction", String(predictions[n]));
      setAttr(g, "data-label", String(labels[n]));
      setAttr(g, "data-logit", String(logits[n]));
      setAttr(g, "class", right ? "right" : "wrong");
      setAttr(markText, "fill", right ? "currentColor" : WRONG_COLOR);
      setText(mark, `${predictions[n] ? "1" : "·"}${right ? "" : "✗"}`);
      setText(logit, logits[n].toFixed(LOGIT_DIGITS));
      if (title) setText(title, describe(n)); // only a cell already hovered has one
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
