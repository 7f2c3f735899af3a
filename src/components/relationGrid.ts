// The m×m relation of one sample as a grid: filled cells are the facts R_ij = 1, the query cell is outlined,
// its row and column are shaded, and the cells of its ground-truth reasoning path carry gold rings.
// `setQuery` on the returned node moves the query in place; `setData` redraws the cells for a new relation,
// labels and predictions of the same m in place. Pure: data and options in, an SVG element out.
import * as d3 from "d3";
import {entityName} from "../model/task.js";
import {setAttr, setText} from "./domWrites.js";
import {PATH_COLOR, QUERY_COLOR, RELATION_ON, WRONG_COLOR} from "./palette.js";

export interface RelationGridData {
  m: number;
  /** row-major m*m relation bits */
  relation: ArrayLike<number>;
  /** row-major m*m labels (R∘R) */
  labels: ArrayLike<number>;
  /** row-major m*m model predictions (0/1), when known */
  predictions?: ArrayLike<number>;
  /** token label per cell, e.g. "A→C" */
  tokens: readonly string[];
}

export interface RelationGridOptions {
  /** flat index of the query cell, or null for none */
  query?: number | null;
  /** flat indices of the query's ground-truth path */
  path?: readonly number[];
  /** side length in pixels */
  size?: number;
  /** called with a cell index when a cell is clicked */
  onSelect?: (cell: number) => void;
}

const MARGIN = 22;
const DEFAULT_SIZE = 280;

/** The grid's node; `setQuery` moves the outlined cell, its tinted row and column and its path rings in place. */
export interface RelationGridElement extends SVGSVGElement {
  setQuery(query: number | null, path?: readonly number[]): void;
  /** new relation, labels, predictions and tokens (the same m) drawn in place; the query is kept */
  setData(data: RelationGridData): void;
}

export function relationGrid(data: RelationGridData, options: RelationGridOptions = {}): RelationGridElement {
  const {m} = data;
  let {tokens} = data;
  const {query = null, path = [], size = DEFAULT_SIZE, onSelect} = options;
  const names = d3.range(m).map(entityName);
  const cell = (size - MARGIN) / m;

  const svg = d3
    .create("svg")
    .attr("viewBox", `0 0 ${size} ${size}`)
    .attr("width", size)
    .attr("height", size)
    .attr("role", "img")
    .attr("class", "mixviz-relation-grid");
  svg.append("title").text("Relation R: filled cells hold; gold rings mark the query's reasoning path");

  // Every shape sits at its own coordinates, none under a transform: each transform is a node of its own
  // in Chromium's paint, and an edit would repaint every one of them.
  const g = svg.append("g");
  const left = (n: number) => MARGIN + (n % m) * cell;
  const top = (n: number) => MARGIN + Math.floor(n / m) * cell;
  for (let k = 0; k < m; k++) {
    svg.append("text").attr("x", MARGIN + (k + 0.5) * cell).attr("y", MARGIN - 6).attr("text-anchor", "middle")
      .attr("font-size", 11).attr("fill", "currentColor").text(names[k]);
    svg.append("text").attr("x", MARGIN - 6).attr("y", MARGIN + (k + 0.5) * cell).attr("text-anchor", "end")
      .attr("dominant-baseline", "middle").attr("font-size", 11).attr("fill", "currentColor").text(names[k]);
  }

  const cells = g
    .selectAll("g")
    .data(d3.range(m * m))
    .join("g")
    .style("cursor", onSelect ? "pointer" : "default")
    .on("click", (_event, n) => onSelect?.(n));
  const facts = cells.append("rect")
    .attr("x", left).attr("y", top).attr("width", cell - 1).attr("height", cell - 1)
    .attr("stroke", "currentColor").attr("stroke-opacity", 0.2);
  // The query's row and column tint (shown or hidden by setQuery).
  const tints = cells.append("rect").attr("class", "tint").attr("x", left).attr("y", top).attr("width", cell - 1).attr("height", cell - 1)
    .attr("fill", QUERY_COLOR).attr("pointer-events", "none");
  const ringLayer = cells.append("g").attr("class", "rings");
  const texts = cells.append("text")
    .attr("x", (n) => left(n) + (cell - 1) / 2).attr("y", (n) => top(n) + (cell - 1) / 2).attr("text-anchor", "middle").attr("dominant-baseline", "central")
    .attr("font-size", Math.min(14, cell * 0.4));
  const titles = cells.append("title");
  const outline = g.append("rect")
    .attr("width", cell - 1).attr("height", cell - 1)
    .attr("fill", "none").attr("stroke", QUERY_COLOR).attr("stroke-width", 3).attr("pointer-events", "none");

  const node = svg.node()! as RelationGridElement;
  let shown: {query: number | null; path: string} | null = null; // what setQuery last drew
  const describe = () => setAttr(node, "aria-label", `${m}×${m} relation${shown?.query == null ? "" : `, query ${tokens[shown.query]}`}`);
  const factNodes = facts.nodes();
  const textNodes = texts.nodes();
  const titleNodes = titles.nodes();
  node.setData = (next) => {
    const {relation, labels, predictions} = next;
    tokens = next.tokens;
    for (let n = 0; n < m * m; n++) {
      setAttr(factNodes[n], "fill", relation[n] ? RELATION_ON : "transparent");
      setAttr(factNodes[n], "fill-opacity", relation[n] ? "0.55" : "1");
      setAttr(textNodes[n], "fill", predictions && predictions[n] !== labels[n] ? WRONG_COLOR : "currentColor");
      setText(textNodes[n], labels[n] ? "1" : "·");
      const truth = labels[n] ? "composes" : "does not compose";
      const predicted = predictions ? `; model says ${predictions[n] ? "composes" : "does not"}` : "";
      setText(titleNodes[n], `${tokens[n]} (${truth}${predicted})`);
    }
    describe();
  };
  node.setData(data);
  node.setQuery = (next, nextPath = []) => {
    if (shown && shown.query === next && shown.path === nextPath.join()) return;
    shown = {query: next, path: nextPath.join()};
    const onPath = new Set(nextPath);
    const qi = next === null ? -1 : Math.floor(next / m);
    const qj = next === null ? -1 : next % m;
    describe();
    svg.attr("data-query", next === null ? null : String(next));
    tints.attr("fill-opacity", (n) => (Math.floor(n / m) === qi || n % m === qj ? 0.12 : 0));
    ringLayer.selectAll("circle").data((n) => (onPath.has(n) ? [n] : [])).join("circle")
      .attr("cx", (n) => left(n) + (cell - 1) / 2).attr("cy", (n) => top(n) + (cell - 1) / 2).attr("r", cell * 0.36)
      .attr("fill", "none").attr("stroke", PATH_COLOR).attr("stroke-width", 3);
    outline.attr("x", MARGIN + qj * cell).attr("y", MARGIN + qi * cell).attr("display", next === null ? "none" : null);
  };
  node.setQuery(query, path);
  return node;
}
