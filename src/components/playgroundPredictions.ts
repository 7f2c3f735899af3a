// The model's answer for every cell of the relation: what it predicts (1 = composes), its logit, and
// whether that matches the truth, as a grid of cells. Pure: predictions, labels and options in, an element
// out; its `setData` and `setQuery` rewrite it in place (the playground's edits).
//
// The cells' marks and logits are drawn on a canvas; an SVG on top carries the grid for everyone else: the
// entity names as headers, and per cell an SVG group with the roles of a table, an aria-label that says what
// the canvas shows, the data-* attributes the tests read, and the target for clicks and hover. An edit
// rewrites most of the 36 logits: as SVG texts (and before that as table cells) their layout and paint
// were the largest part of the frame that shows the edit (docs/playground.md); redrawing the canvas costs
// the main thread one image. The canvas takes the page's text colour and font when it is first drawn in
// the document and again when the colour scheme changes (the theme is light or dark with the system).
import * as d3 from "d3";
import {entityName} from "../model/task.js";
import {sharpCanvas} from "./canvas.js";
import {stackLayers} from "./layers.js";
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
const MARK_SIZE = 14; // px
const LOGIT_SIZE = 10; // px
const LOGIT_OPACITY = 0.6;
const BORDER_OPACITY = 0.15;
const OUTLINE = 3;
const DARK = "(prefers-color-scheme: dark)";

export function playgroundPredictions(data: PredictionsData, options: PredictionsOptions = {}): PredictionsElement {
  const {m} = data;
  const {onSelect} = options;
  const size = HEADER + m * CELL + OUTLINE;
  const x = (j: number) => HEADER + j * CELL;
  const y = (i: number) => HEADER + i * CELL;
  const {canvas, ctx: shown2d} = sharpCanvas(size);
  // The marks and logits are drawn off screen and copied onto the canvas as one image: text drawn on a
  // canvas in the document takes its font through the page's style, which forces a style and layout pass in
  // the middle of an edit whenever the edit has already changed the page (a cell edit's relation grid).
  const ctx = shown2d && globalThis.OffscreenCanvas ? offscreenContext(canvas, size) : shown2d;
  const svg = d3.create("svg")
    .attr("width", size).attr("height", size).attr("viewBox", `0 0 ${size} ${size}`)
    .attr("role", "table").attr("aria-label", "Predictions per cell");
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
  // What a click or the pointer hits: the drawing is on the canvas below.
  cellGroups.append("rect").attr("x", (n) => x(n % m)).attr("y", (n) => y(Math.floor(n / m))).attr("width", CELL).attr("height", CELL).attr("fill", "transparent");
  const groups = cellGroups.nodes();
  const outline = svg.append("rect").attr("width", CELL).attr("height", CELL)
    .attr("fill", "none").attr("stroke", QUERY_COLOR).attr("stroke-width", OUTLINE).attr("pointer-events", "none").attr("display", "none").node()!;
  canvas.style.display = "block";
  const cells = stackLayers(document.createElement("div"), size, size, canvas, svg.node()!);
  // The count sits in a box of fixed size with strict containment: a new count lays out that box alone.
  const count = document.createElement("div");
  count.className = "mixviz-count";
  const root = document.createElement("div") as PredictionsElement;
  root.className = "mixviz-predictions";
  root.append(cells, count);

  let shown = data;
  const describe = (n: number) => {
    const {predictions, logits, labels, tokens} = shown;
    return `${tokens[n]}: model says ${predictions[n] ? "composes" : "does not compose"} (logit ${logits[n].toFixed(3)}); truth: ${labels[n] ? "composes" : "does not compose"}`;
  };

  // The page's text colour and font, read once the canvas is in the document; null until then.
  let style: {color: string; font: string} | null = null;
  let drawPending = false;
  const draw = () => {
    drawPending = false;
    if (!ctx) return;
    if (!style) {
      if (!canvas.isConnected) return;
      const computed = getComputedStyle(canvas);
      style = {color: computed.color, font: computed.fontFamily};
    }
    const {predictions, logits, labels} = shown;
    ctx.clearRect(0, 0, size, size);
    ctx.fillStyle = ctx.strokeStyle = style.color;
    ctx.globalAlpha = BORDER_OPACITY;
    ctx.beginPath();
    for (let i = 0; i <= m; i++) {
      ctx.moveTo(x(0), y(i) + 0.5);
      ctx.lineTo(x(m), y(i) + 0.5);
      ctx.moveTo(x(i) + 0.5, y(0));
      ctx.lineTo(x(i) + 0.5, y(m));
    }
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    // Grouped by font and colour, so that each is set a few times rather than once per cell.
    const cx = (n: number) => x(n % m) + CELL / 2;
    const top = (n: number) => y(Math.floor(n / m));
    const right = (n: number) => predictions[n] === labels[n];
    ctx.globalAlpha = 1;
    ctx.font = `${MARK_SIZE}px ${style.font}`;
    for (const wrong of [false, true]) {
      ctx.fillStyle = wrong ? WRONG_COLOR : style.color;
      for (let n = 0; n < m * m; n++) if (right(n) !== wrong) ctx.fillText(`${predictions[n] ? "1" : "·"}${wrong ? "✗" : ""}`, cx(n), top(n) + CELL * 0.4);
    }
    ctx.globalAlpha = LOGIT_OPACITY;
    ctx.fillStyle = style.color;
    ctx.font = `${LOGIT_SIZE}px ${style.font}`;
    for (let n = 0; n < m * m; n++) ctx.fillText(logits[n].toFixed(LOGIT_DIGITS), cx(n), top(n) + CELL * 0.78);
    if (ctx !== shown2d && shown2d) {
      shown2d.clearRect(0, 0, size, size);
      shown2d.drawImage(ctx.canvas, 0, 0, size, size);
    }
  };
  // Drawn now when in the document, else in the next frame (the page inserts the view after building it).
  const redraw = () => {
    if (style || canvas.isConnected) draw();
    else if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(draw);
    }
  };
  const scheme = globalThis.matchMedia?.(DARK);
  const onScheme = () => {
    if (!root.isConnected) return scheme?.removeEventListener("change", onScheme); // the page dropped the view
    style = null;
    redraw();
  };
  scheme?.addEventListener("change", onScheme);

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
      setAttr(g, "aria-label", describe(n));
      const title = titles[n]; // only a cell already hovered has one
      if (title) setText(title, describe(n));
    });
    setAttr(root, "data-wrong", String(wrong));
    setText(count, `${m * m - wrong} of ${m * m} cells right`);
    redraw();
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

/** A 2-D context off screen with the backing store and scale of `canvas` (a sharpCanvas of `side`). */
function offscreenContext(canvas: HTMLCanvasElement, side: number): OffscreenCanvasRenderingContext2D | null {
  const ctx = new OffscreenCanvas(canvas.width, canvas.height).getContext("2d");
  ctx?.scale(canvas.width / side, canvas.height / side);
  return ctx;
}
