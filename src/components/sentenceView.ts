// BertViz-style bipartite view of one head: query tokens on the left, key tokens on the right, and one
// line per weight from the focused token. In the "from" direction the focus is a query and the lines are
// its row (what it attends to); in the "to" direction the focus is a key and the lines are its column
// (what attends to it). Line opacity is the weight divided by the largest weight of that row or column,
// so the strongest line is opaque; exact weights appear as labels while a token is hovered or locked.
// Tokens on the ground-truth path carry gold rings on the far side (keys of the query's path in "from";
// queries whose path uses this key in "to").
// Hover a token to preview its lines; click it to lock the preview, click again to unlock.
// Pure: one head's map and options in, an SVG element out (hover and lock live inside the element).
import * as d3 from "d3";
import type {Direction} from "./explorerState.js";
import {PATH_COLOR, QUERY_COLOR} from "./palette.js";

export interface SentenceViewData {
  /** map[q][k]: weight of query q on key k (N rows of N) */
  map: ReadonlyArray<ArrayLike<number>>;
  tokens: readonly string[];
}

export interface SentenceViewOptions {
  query: number;
  direction?: Direction;
  /**
   * tokens to ring in gold on the far side: in "from", the keys on the query's ground-truth path; in "to",
   * the queries whose path runs through this key
   */
  path?: readonly number[];
  /** line colour (the head's colour) */
  color?: string;
  /** accessible title, e.g. "IHA L0H3, raw" */
  title?: string;
  width?: number;
  rowHeight?: number;
}

const DEFAULT_WIDTH = 360;
const ROW_HEIGHT = 15;
const TOP = 24;
const TOKEN_WIDTH = 56;
const LINE_GAP = 6;
const FONT_SIZE = 11;
const LABEL_DIGITS = 3;
const LINE_WIDTH = 2;
const RING_RADIUS = 5;

export function sentenceView(data: SentenceViewData, options: SentenceViewOptions): SVGSVGElement {
  const {map, tokens} = data;
  const {query, direction = "from", path = [], color = "currentColor", title = "Sentence view", width = DEFAULT_WIDTH, rowHeight = ROW_HEIGHT} = options;
  const N = tokens.length;
  const height = TOP + N * rowHeight;
  const leftX = TOKEN_WIDTH;
  const rightX = width - TOKEN_WIDTH;
  const y = (n: number) => TOP + (n + 0.5) * rowHeight;
  const onPath = new Set(path);
  const weight = (q: number, k: number) => Number(map[q]?.[k] ?? 0);

  const svg = d3.create("svg")
    .attr("viewBox", `0 0 ${width} ${height}`).attr("width", width).attr("height", height)
    .attr("role", "img").attr("class", "mixviz-sentence-view").attr("font-size", FONT_SIZE)
    .attr("aria-label", title);
  svg.append("title").text(`${title}: ${direction === "from" ? "query tokens left, keys right" : "keys right, queries left"}`);
  svg.append("text").attr("x", leftX).attr("y", TOP - 8).attr("text-anchor", "end").attr("fill", "currentColor").attr("font-weight", "bold").text("query");
  svg.append("text").attr("x", rightX).attr("y", TOP - 8).attr("fill", "currentColor").attr("font-weight", "bold").text("key");

  const lines = svg.append("g").attr("class", "lines").attr("stroke", color).attr("stroke-width", LINE_WIDTH).attr("stroke-linecap", "round");
  const labels = svg.append("g").attr("class", "weights").attr("fill", "currentColor").attr("font-size", FONT_SIZE - 1);

  const side = (sideName: "query" | "key") => {
    const x = sideName === "query" ? leftX - LINE_GAP : rightX + LINE_GAP;
    const g = svg.append("g").attr("class", `${sideName}-tokens`);
    const rows = g.selectAll("g").data(d3.range(N)).join("g")
      .attr("transform", (n) => `translate(${x},${y(n)})`)
      .attr("data-index", (n) => n).attr("data-side", sideName)
      .style("cursor", "pointer");
    rows.append("rect")
      .attr("x", sideName === "query" ? -TOKEN_WIDTH + LINE_GAP : 0).attr("y", -rowHeight / 2)
      .attr("width", TOKEN_WIDTH - LINE_GAP).attr("height", rowHeight).attr("fill", "transparent");
    rows.append("text")
      .attr("text-anchor", sideName === "query" ? "end" : "start").attr("dominant-baseline", "central")
      .attr("fill", "currentColor").text((n) => tokens[n]);
    return rows;
  };
  const queryRows = side("query");
  const keyRows = side("key");
  const farRows = direction === "from" ? keyRows : queryRows;
  const ringX = (direction === "from" ? 1 : -1) * (TOKEN_WIDTH - LINE_GAP - RING_RADIUS);
  farRows.filter((n) => onPath.has(n)).append("circle")
    .attr("cx", ringX).attr("r", RING_RADIUS).attr("fill", "none")
    .attr("stroke", PATH_COLOR).attr("stroke-width", 2).attr("class", "path-ring");
  const anchorRows = direction === "from" ? queryRows : keyRows;
  anchorRows.filter((n) => n === query).select("text").attr("font-weight", "bold").attr("fill", QUERY_COLOR);

  type Focus = {side: "query" | "key"; index: number};
  const base: Focus = {side: direction === "from" ? "query" : "key", index: query};
  let locked: Focus | null = null;

  function draw(focus: Focus, showWeights: boolean): void {
    const others = d3.range(N);
    const w = (o: number) => (focus.side === "query" ? weight(focus.index, o) : weight(o, focus.index));
    const max = d3.max(others, w) || 1;
    lines.selectAll("line").data(others).join("line")
      .attr("x1", leftX).attr("x2", rightX)
      .attr("y1", (o) => y(focus.side === "query" ? focus.index : o))
      .attr("y2", (o) => y(focus.side === "query" ? o : focus.index))
      .attr("stroke-opacity", (o) => w(o) / max)
      .attr("data-weight", (o) => w(o))
      .call((sel) => sel.selectAll("title").data((o) => [o]).join("title").text((o) => `${tokens[focus.side === "query" ? focus.index : o]} → ${tokens[focus.side === "query" ? o : focus.index]}: ${w(o).toFixed(LABEL_DIGITS)}`));
    labels.selectAll("text").data(showWeights ? others : []).join("text")
      .attr("x", focus.side === "query" ? rightX - LINE_GAP : leftX + LINE_GAP)
      .attr("y", (o) => y(o)).attr("dominant-baseline", "central")
      .attr("text-anchor", focus.side === "query" ? "end" : "start")
      .text((o) => w(o).toFixed(LABEL_DIGITS));
    queryRows.select("rect").attr("fill", (n) => (focus.side === "query" && n === focus.index ? color : "transparent")).attr("fill-opacity", 0.2);
    keyRows.select("rect").attr("fill", (n) => (focus.side === "key" && n === focus.index ? color : "transparent")).attr("fill-opacity", 0.2);
    svg.attr("data-focus", `${focus.side}:${focus.index}`).attr("data-locked", locked ? "true" : "false");
  }

  for (const [rows, sideName] of [[queryRows, "query"], [keyRows, "key"]] as const) {
    rows
      .on("pointerenter", (_e, n) => !locked && draw({side: sideName, index: n}, true))
      .on("pointerleave", () => !locked && draw(base, false))
      .on("click", (_e, n) => {
        locked = locked && locked.side === sideName && locked.index === n ? null : {side: sideName, index: n};
        draw(locked ?? base, locked !== null);
      });
  }
  draw(base, false);
  return svg.node()!;
}
