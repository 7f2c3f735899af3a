// Triptych tab: MHA, Talking Heads and IHA side by side on the same sample, query and head. Each panel lays
// the chosen head's weights from the current query (its row; in "to" mode the column of the current key)
// over the m×m relation grid, so a weight sits on the cell it reads: the cell's tint is the weight over the
// panel's largest, gold rings are the query's reasoning path, the outlined cell is the query itself; rows
// and columns are labelled with the entities, as in the relation grid.
// Pure: three maps and options in, a DOM node out.
import * as d3 from "d3";
import type {Direction} from "../model/vocabulary.js";
import {pathShare} from "../model/metrics.js";
import {entityName} from "../model/task.js";
import {column, type HeadMap} from "./headStack.js";
import {bareFixed, weightText} from "./numberText.js";
import {PATH_COLOR, QUERY_COLOR} from "./palette.js";

export interface TriptychPanel {
  name: string;
  kind: string;
  map: HeadMap;
}

export interface TriptychOptions {
  query: number;
  direction: Direction;
  m: number;
  tokens: readonly string[];
  /** the query's witness cells */
  path: readonly number[];
  headLabel: string;
  size?: number;
}

const DEFAULT_SIZE = 200;
const TITLE_SPACE = 36;
const LABEL_SPACE = 14; // the entity labels left of and above the grid
const DIGITS = 2;
const PERCENT = 100;
const RING = 0.45; // ring radius as a share of the cell: the ring runs round the number, not through it

function panel(data: TriptychPanel, options: TriptychOptions): SVGSVGElement {
  const {query, direction, m, tokens, path, headLabel, size = DEFAULT_SIZE} = options;
  const weights = direction === "from" ? data.map[query] : column(data.map, query);
  const max = d3.max(weights) || 1;
  const cell = (size - LABEL_SPACE) / m;
  const onPath = new Set(path);
  const share = pathShare(weights, path);
  const svg = d3.create("svg")
    .attr("viewBox", `0 0 ${size} ${size + TITLE_SPACE}`).attr("width", size).attr("height", size + TITLE_SPACE)
    .attr("role", "img").attr("class", "mixviz-triptych-panel").attr("font-size", 11)
    .attr("aria-label", `${data.name} ${headLabel}, ${data.kind}: ${(share * PERCENT).toFixed(0)}% of the weight on the path`);
  svg.append("text").attr("y", 12).attr("fill", "currentColor").attr("font-weight", "bold").text(`${data.name} · ${headLabel} · ${data.kind}`);
  svg.append("text").attr("y", 27).attr("fill", "currentColor")
    .text(path.length ? `${(share * PERCENT).toFixed(0)}% of this ${direction === "from" ? "row" : "column"} on the path` : "no path: the cell does not compose");
  const g = svg.append("g").attr("transform", `translate(${LABEL_SPACE},${TITLE_SPACE + LABEL_SPACE})`);
  for (let k = 0; k < m; k++) {
    g.append("text").attr("class", "mixviz-entity").attr("x", (k + 0.5) * cell).attr("y", -4).attr("text-anchor", "middle").attr("fill", "currentColor").text(entityName(k));
    g.append("text").attr("class", "mixviz-entity").attr("x", -4).attr("y", (k + 0.5) * cell).attr("text-anchor", "end").attr("dominant-baseline", "central").attr("fill", "currentColor").text(entityName(k));
  }
  const cells = g.selectAll("g").data(d3.range(m * m)).join("g").attr("transform", (n) => `translate(${(n % m) * cell},${Math.floor(n / m) * cell})`);
  cells.append("rect").attr("width", cell - 1).attr("height", cell - 1)
    .attr("fill", QUERY_COLOR).attr("fill-opacity", (n) => weights[n] / max)
    .attr("stroke", "currentColor").attr("stroke-opacity", 0.15);
  cells.filter((n) => onPath.has(n)).append("circle").attr("cx", (cell - 1) / 2).attr("cy", (cell - 1) / 2).attr("r", cell * RING)
    .attr("fill", "none").attr("stroke", PATH_COLOR).attr("stroke-width", 2.5);
  cells.append("text").attr("x", (cell - 1) / 2).attr("y", (cell - 1) / 2).attr("text-anchor", "middle").attr("dominant-baseline", "central")
    .attr("font-size", 10).attr("fill", "currentColor")
    // a halo in the page's colour keeps the number legible on a dark tint
    .attr("stroke", "var(--theme-background, white)").attr("stroke-width", 2.5).attr("paint-order", "stroke").text((n) => bareFixed(weights[n], DIGITS));
  cells.append("title").text((n) => `${tokens[n]}: ${weightText(weights[n])}`);
  g.append("rect").attr("x", (query % m) * cell).attr("y", Math.floor(query / m) * cell).attr("width", cell - 1).attr("height", cell - 1)
    .attr("fill", "none").attr("stroke", QUERY_COLOR).attr("stroke-width", 3);
  return svg.node()!;
}

/** The triptych's node; `setQuery` redraws its three small panels (not the page around them) for another query. */
export interface TriptychElement extends HTMLDivElement {
  setQuery(query: number, path: readonly number[]): void;
}

export function triptych(panels: readonly TriptychPanel[], options: TriptychOptions): TriptychElement {
  const root = document.createElement("div") as unknown as TriptychElement;
  root.className = "mixviz-triptych";
  root.dataset.view = "triptych";
  const row = document.createElement("div");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "1.5rem";
  const caption = document.createElement("p");
  caption.className = "mixviz-caption";
  root.setQuery = (query, path) => {
    const shown = {...options, query, path};
    root.dataset.query = String(query);
    row.replaceChildren(...panels.map((p) => panel(p, shown)));
    caption.textContent =
      `The same head (${options.headLabel}) of the three models, ${options.direction === "from" ? `reading from query ${options.tokens[query]}` : `read by every query at key ${options.tokens[query]}`}. ` +
      "Each weight is drawn on the relation cell it belongs to, tinted by its size relative to the panel's largest weight; gold rings are the cells that make the query compose. " +
      "The same head index means different things in the three models: compare where the tint falls, not which head it is.";
  };
  root.setQuery(options.query, options.path);
  root.append(row, caption);
  return root;
}
