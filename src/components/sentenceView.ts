// BertViz-style bipartite view of one head: query tokens on the left, key tokens on the right, and one
// line per weight from the focused token. In the "from" direction the focus is a query and the lines are
// its row (what it attends to); in the "to" direction the focus is a key and the lines are its column
// (what attends to it). Line opacity is the weight divided by the largest weight of that row or column,
// so the strongest line is opaque; exact weights appear as labels while a token is hovered or locked.
// Tokens on the ground-truth path carry gold rings on the far side (keys of the query's path in "from";
// queries whose path uses this key in "to").
// Hover a token to preview its lines; click it (or Tab to it and press Enter or Space) to lock the preview,
// again to unlock. A token longer than its column shows its start and an ellipsis; hovered or focused, it is
// shown whole in a readout over the view's heading (and in its tooltip). Tokens are set as text, never HTML.
// `setQuery` moves the focus in place; `setData` swaps in a new map and token labels of the same length (the
// playground's edits), or another head's map, colour and title (a head change), and redraws only the lines,
// labels and token texts.
// Two SVGs, one on top of the other, in a box of their size: the lines (and the weights shown on hover) below,
// the tokens above. A new map changes only the lines; the tokens, in an SVG of their own (positioned, so a
// paint layer of its own), are then not repainted with them (docs/playground.md). The export takes both.
// Pure: one head's map and options in, an element out (hover and lock live inside the element).
import * as d3 from "d3";
import type {Direction} from "../model/vocabulary.js";
import {setAttr, setText} from "./domWrites.js";
import {stackLayers} from "./layers.js";
import {weightText} from "./numberText.js";
import {PATH_COLOR, QUERY_COLOR} from "./palette.js";
import {SVG_NS} from "./svgNamespace.js";
import {shortToken} from "./tokenText.js";

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
/** Characters of a token its column shows (about 7 px each at FONT_SIZE in the column's 50 px). */
const TOKEN_CHARS = 7;
const LINE_WIDTH = 2;
const RING_RADIUS = 5;
const RING_STROKE = 2;
const FOCUS_RING = 1.5; // px
// Line opacities are rounded to 1/100: thousands of distinct values make Chromium's style recalculation slow
// (each distinct presentation value is a new style), a difference no eye can see.
const OPACITY_STEPS = 100;

/** The view's node; `setQuery` moves the focus (and the path rings) in place, keeping a locked token locked. */
export interface SentenceViewElement extends HTMLDivElement {
  setQuery(query: number, path?: readonly number[]): void;
  /**
   * a new map and tokens of the same length, drawn in place; focus and lock are kept. `head`: the line colour
   * and title of another head (a head change), else they stay.
   */
  setData(data: SentenceViewData, head?: Pick<SentenceViewOptions, "color" | "title">): void;
}

export function sentenceView(data: SentenceViewData, options: SentenceViewOptions): SentenceViewElement {
  let {map, tokens} = data;
  const {query, direction = "from", path = [], color = "currentColor", width = DEFAULT_WIDTH, rowHeight = ROW_HEIGHT} = options;
  let {title = "Sentence view"} = options;
  const N = tokens.length;
  const height = TOP + N * rowHeight;
  const leftX = TOKEN_WIDTH;
  const rightX = width - TOKEN_WIDTH;
  const y = (n: number) => TOP + (n + 0.5) * rowHeight;
  const weight = (q: number, k: number) => Number(map[q]?.[k] ?? 0);

  const layer = () => d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("width", width).attr("height", height).attr("font-size", FONT_SIZE);
  const linesSvg = layer().style("display", "block");
  const linesTitle = linesSvg.append("title");
  const named = () => {
    linesTitle.text(`${title}: ${direction === "from" ? "query tokens left, keys right" : "keys right, queries left"}`);
    root.setAttribute("aria-label", title);
  };
  const lines = linesSvg.append("g").attr("class", "lines").attr("stroke", color).attr("stroke-width", LINE_WIDTH).attr("stroke-linecap", "round");
  const labels = linesSvg.append("g").attr("class", "weights").attr("fill", "currentColor").attr("font-size", FONT_SIZE - 1);
  // The tokens' SVG lets the pointer through to the lines' tooltips except on the tokens themselves.
  const tokensSvg = layer().style("pointer-events", "none");
  tokensSvg.append("text").attr("x", leftX).attr("y", TOP - 8).attr("text-anchor", "end").attr("fill", "currentColor").attr("font-weight", "bold").text("query");
  tokensSvg.append("text").attr("x", rightX).attr("y", TOP - 8).attr("fill", "currentColor").attr("font-weight", "bold").text("key");
  const root = document.createElement("div") as SentenceViewElement;
  root.className = "mixviz-sentence-view";
  root.style.display = "inline-block"; // laid out as the single SVG was
  root.setAttribute("role", "group");
  named();
  stackLayers(root, width, height, linesSvg.node()!, tokensSvg.node()!);
  // The whole token under the pointer or the keyboard's focus, over the heading row; sticky, so that in a
  // long view scrolled in its box it stays at the box's top (a line of no height: nothing below it moves).
  const pin = document.createElement("div");
  Object.assign(pin.style, {position: "sticky", top: "0", height: "0", zIndex: "1", overflow: "visible", pointerEvents: "none"});
  const readout = document.createElement("div");
  readout.className = "mixviz-token-readout";
  Object.assign(readout.style, {
    minHeight: `${TOP - 4}px`, textAlign: "center", fontSize: `${FONT_SIZE}px`, overflowWrap: "anywhere",
    background: "var(--theme-background, white)", display: "none"
  });
  pin.append(readout);
  root.prepend(pin);
  const read = (sideName: "query" | "key" | null, n = 0) => {
    readout.textContent = sideName === null ? "" : `${sideName} ${n}: ${tokens[n]}`;
    readout.style.display = sideName === null ? "none" : "";
  };

  // Every shape sits at its own coordinates, none under a transform: each transform is a node of its own
  // in Chromium's paint, and a redraw of the lines would repaint every one of them.
  // A cut token's row holds its whole token in a tooltip.
  const tokenTitle = (row: SVGGElement, token: string) => {
    const cut = shortToken(token, TOKEN_CHARS) !== token;
    const title = row.querySelector(":scope > title") ?? (cut ? row.appendChild(document.createElementNS(SVG_NS, "title")) : null);
    if (title) title.textContent = cut ? token : "";
  };
  const tokenX = (sideName: "query" | "key") => (sideName === "query" ? leftX - LINE_GAP : rightX + LINE_GAP);
  const side = (sideName: "query" | "key") => {
    const x = tokenX(sideName);
    const g = tokensSvg.append("g").attr("class", `${sideName}-tokens`);
    const rows = g.selectAll("g").data(d3.range(N)).join("g")
      .attr("data-index", (n) => n).attr("data-side", sideName)
      .style("cursor", "pointer").style("pointer-events", "auto");
    rows.append("rect")
      .attr("x", sideName === "query" ? x - TOKEN_WIDTH + LINE_GAP : x).attr("y", (n) => y(n) - rowHeight / 2)
      .attr("width", TOKEN_WIDTH - LINE_GAP).attr("height", rowHeight).attr("fill", "transparent");
    rows.append("text")
      .attr("x", x).attr("y", (n) => y(n))
      .attr("text-anchor", sideName === "query" ? "end" : "start").attr("dominant-baseline", "central")
      .attr("fill", "currentColor").text((n) => shortToken(tokens[n], TOKEN_CHARS));
    rows.nodes().forEach((row, n) => tokenTitle(row as SVGGElement, tokens[n]));
    return rows;
  };
  const queryRows = side("query");
  const keyRows = side("key");
  const farRows = direction === "from" ? keyRows : queryRows;
  const anchorRows = direction === "from" ? queryRows : keyRows;
  const ringX = tokenX(direction === "from" ? "key" : "query") + (direction === "from" ? 1 : -1) * (TOKEN_WIDTH - LINE_GAP - RING_RADIUS - RING_STROKE / 2); // inside the view, stroke included

  type Focus = {side: "query" | "key"; index: number};
  let base: Focus = {side: direction === "from" ? "query" : "key", index: query};
  let locked: Focus | null = null;

  // One line per token on the far side, made once; a draw only sets attributes. A line's tooltip is written
  // when the pointer first reaches it and then kept up to date: 2 × N titles rewritten on every edit cost
  // the playground's edits time.
  const lineNodes = d3.range(N).map(() => {
    const line = document.createElementNS(SVG_NS, "line");
    line.setAttribute("x1", String(leftX));
    line.setAttribute("x2", String(rightX));
    return line;
  });
  lines.node()!.append(...lineNodes);
  // What each line's attributes hold, so that a draw compares without reading the DOM (5 × N reads a step).
  type LineAttribute = "y1" | "y2" | "stroke-opacity" | "data-weight" | "visibility";
  const lineValues = lineNodes.map((): Partial<Record<LineAttribute, string>> => ({}));
  const lineTitles: (SVGTitleElement | null)[] = lineNodes.map(() => null);
  let shown: {focus: Focus; weights: Float64Array} | null = null;
  const lineTitle = (o: number) => {
    if (!shown) return "";
    const {focus, weights} = shown;
    const fromQuery = focus.side === "query";
    return `${tokens[fromQuery ? focus.index : o]} → ${tokens[fromQuery ? o : focus.index]}: ${weightText(weights[o])}`;
  };
  lines.on("pointerover", (event: PointerEvent) => {
    const line = event.target as SVGLineElement;
    const o = lineNodes.indexOf(line);
    if (o < 0) return;
    const title = (lineTitles[o] ??= line.appendChild(document.createElementNS(SVG_NS, "title")));
    setText(title, lineTitle(o));
  });
  const rects = {query: queryRows.select<SVGRectElement>("rect").nodes(), key: keyRows.select<SVGRectElement>("rect").nodes()};
  for (const rect of [...rects.query, ...rects.key]) rect.setAttribute("fill-opacity", "0.2");
  let filled: SVGRectElement | null = null;

  function draw(focus: Focus, showWeights: boolean): void {
    const fromQuery = focus.side === "query";
    const w = (o: number) => (fromQuery ? weight(focus.index, o) : weight(o, focus.index));
    const ws = Float64Array.from({length: N}, (_, o) => w(o));
    let max = 0;
    for (const v of ws) max = Math.max(max, v);
    max ||= 1;
    const anchorY = String(y(focus.index));
    lineNodes.forEach((line, o) => {
      const opacity = Math.round((ws[o] / max) * OPACITY_STEPS) / OPACITY_STEPS;
      const write = (name: LineAttribute, value: string) => {
        if (lineValues[o][name] !== value) line.setAttribute(name, (lineValues[o][name] = value));
      };
      write("stroke-opacity", String(opacity));
      write("data-weight", String(ws[o]));
      // A line too faint to draw is hidden where it was: moving it would lay it out again for nothing
      // (every line of a long view moves with the focus; most of a causal row's lines weigh 0).
      write("visibility", opacity === 0 ? "hidden" : "visible");
      if (opacity === 0) return;
      write("y1", fromQuery ? anchorY : String(y(o)));
      write("y2", fromQuery ? String(y(o)) : anchorY);
    });
    shown = {focus, weights: ws};
    lineTitles.forEach((title, o) => title && setText(title, lineTitle(o))); // only lines already hovered have one
    labels.selectAll("text").data(showWeights ? d3.range(N) : []).join("text")
      .attr("x", fromQuery ? rightX - LINE_GAP : leftX + LINE_GAP)
      .attr("y", (o) => y(o)).attr("dominant-baseline", "central")
      .attr("text-anchor", fromQuery ? "end" : "start")
      .text((o) => weightText(ws[o]));
    // Only the focused token's box is filled: clear the last one, fill this one.
    const box = rects[focus.side][focus.index] ?? null;
    if (box !== filled) {
      filled?.setAttribute("fill", "transparent");
      filled = box;
      filled?.setAttribute("fill", color);
    }
    setAttr(root, "data-focus", `${focus.side}:${focus.index}`);
    setAttr(root, "data-locked", locked ? "true" : "false");
  }

  // The anchor token in bold and the path rings on the far side: they follow the query.
  const anchorTexts = anchorRows.select<SVGTextElement>("text").nodes();
  let bold: SVGTextElement | null = null;
  let ringed = new Set<number>();
  const ringsShow = (path: readonly number[]) => {
    const onPath = new Set(path);
    return onPath.size === ringed.size && [...onPath].every((n) => ringed.has(n));
  };
  function mark(path: readonly number[]): void {
    const anchor = anchorTexts[base.index] ?? null;
    if (anchor !== bold) {
      bold?.removeAttribute("font-weight");
      bold?.setAttribute("fill", "currentColor");
      bold = anchor;
      bold?.setAttribute("font-weight", "bold");
      bold?.setAttribute("fill", QUERY_COLOR);
    }
    if (ringsShow(path)) return;
    const onPath = new Set(path);
    ringed = onPath;
    farRows.selectAll("circle.path-ring").data((n) => (onPath.has(n) ? [n] : [])).join("circle")
      .attr("class", "path-ring").attr("cx", ringX).attr("cy", (n) => y(n)).attr("r", RING_RADIUS).attr("fill", "none")
      .attr("stroke", PATH_COLOR).attr("stroke-width", RING_STROKE);
  }

  // Pointer and keyboard: hover previews a token's lines; click, Enter or Space locks them; again unlocks.
  const toggle = (sideName: "query" | "key", n: number) => {
    locked = locked && locked.side === sideName && locked.index === n ? null : {side: sideName, index: n};
    draw(locked ?? base, locked !== null);
    for (const [rows, name] of [[queryRows, "query"], [keyRows, "key"]] as const) {
      rows.attr("aria-pressed", (i) => String(locked !== null && locked.side === name && locked.index === i));
    }
  };
  const ring = (node: Element, on: boolean) =>
    d3.select(node).select("rect").attr("stroke", on ? "currentColor" : null).attr("stroke-width", on ? FOCUS_RING : null);
  for (const [rows, sideName] of [[queryRows, "query"], [keyRows, "key"]] as const) {
    rows
      .attr("tabindex", 0).attr("role", "button").attr("aria-pressed", "false")
      .attr("aria-label", (n) => `${sideName} ${n}: ${tokens[n]}`)
      .on("pointerenter", (_e, n) => (read(sideName, n), !locked && draw({side: sideName, index: n}, true)))
      .on("pointerleave", () => (read(null), !locked && draw(base, false)))
      .on("click", (_e, n) => toggle(sideName, n))
      .on("keydown", (event: KeyboardEvent, n) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        event.stopPropagation(); // Space is the page's play key everywhere else
        toggle(sideName, n);
      })
      // A visible focus ring (SVG groups draw no outline of their own): keyboard focus only.
      .on("focus", (event: FocusEvent, n) => {
        const target = event.currentTarget as Element;
        ring(target, target.matches(":focus-visible"));
        read(sideName, n);
      })
      .on("blur", (event: FocusEvent) => (ring(event.currentTarget as Element, false), read(null)));
  }

  const tokenTexts = {query: queryRows.select<SVGTextElement>("text").nodes(), key: keyRows.select<SVGTextElement>("text").nodes()};
  root.setData = (next, head) => {
    map = next.map;
    if (head?.color) lines.attr("stroke", head.color);
    if (head?.title && head.title !== title) {
      title = head.title;
      named();
    }
    if (next.tokens !== tokens) {
      const old = tokens;
      tokens = next.tokens;
      for (const sideName of ["query", "key"] as const) {
        tokenTexts[sideName].forEach((text, n) => {
          if (old[n] === tokens[n]) return;
          setText(text, shortToken(tokens[n], TOKEN_CHARS));
          tokenTitle(text.parentElement as unknown as SVGGElement, tokens[n]);
          text.parentElement!.setAttribute("aria-label", `${sideName} ${n}: ${tokens[n]}`);
        });
      }
    }
    draw(locked ?? base, locked !== null);
  };
  root.setQuery = (next, path = []) => {
    if (next === base.index && ringsShow(path)) return; // nothing moved
    base = {side: base.side, index: next};
    mark(path);
    if (!locked) draw(base, false);
  };
  mark(path);
  draw(base, false);
  return root;
}
