// Head-type detection results as a labelled grid: layers as rows, heads as columns, each cell listing the
// types detected on the raw maps and on the effective maps. Cells whose labels differ between the two are
// marked (outlined and flagged "≠"): there a per-head picture names the head's job differently from what
// the head actually writes. Pure: the model's shape and options in, a table out (text only); `setCells` writes
// the labels and `select` moves the outline in place, so that a scan's reports and a head change do not build
// the table again (1,024 cells cost 50–100 ms of the page's thread).
import {HEAD_TYPE_LABELS, HEAD_TYPE_TAGS, labelsDiffer, type HeadType} from "../model/headTypes.js";
import {setAttr, setText} from "./domWrites.js";
import {headColor} from "./palette.js";
import {layerLabel} from "../model/config.js";

export interface HeadTypeCell {
  raw: readonly HeadType[];
  effective: readonly HeadType[];
  /** the scores behind the labels, for the tooltip */
  rawScores: Partial<Record<HeadType, number>>;
  effectiveScores: Partial<Record<HeadType, number>>;
}

export interface HeadTypeGridOptions {
  headLabel: (layer: number, head: number) => string;
  onSelect?: (head: {layer: number; head: number}) => void;
}

export interface HeadTypeGridElement extends HTMLTableElement {
  /** Writes the cells' labels, cells[layer][head] (only what changed). */
  setCells(cells: readonly (readonly HeadTypeCell[])[]): void;
  /** Outlines the head selected on the page. */
  select(selected: {layer: number; head: number}): void;
}

const DIGITS = 2;

function tags(types: readonly HeadType[]): string {
  return types.length ? types.map((t) => HEAD_TYPE_TAGS[t]).join(" ") : "–";
}

function scoreText(scores: Partial<Record<HeadType, number>>): string {
  return Object.entries(scores)
    .map(([type, v]) => `${HEAD_TYPE_LABELS[type as HeadType]} ${v!.toFixed(DIGITS)}`)
    .join(", ");
}

/** An empty grid of `layers` × `heads` cells, filled by `setCells`. */
export function headTypeGrid(layers: number, heads: number, options: HeadTypeGridOptions): HeadTypeGridElement {
  const {headLabel, onSelect} = options;
  const table = document.createElement("table") as HeadTypeGridElement;
  table.className = "mixviz-head-types";
  const header = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "layer";
  header.append(corner);
  for (let h = 0; h < heads; h++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = `H${h}`;
    th.style.color = headColor(h);
    header.append(th);
  }
  const body = table.createTBody();
  const tds = Array.from({length: layers}, (_, layer) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = layerLabel(layer);
    tr.append(th);
    return Array.from({length: heads}, (_, head) => {
      const td = tr.insertCell();
      td.dataset.head = headLabel(layer, head);
      td.dataset.layer = String(layer);
      td.dataset.index = String(head);
      const raw = td.appendChild(document.createElement("div"));
      raw.className = "mixviz-type-raw";
      const eff = td.appendChild(document.createElement("div"));
      eff.className = "mixviz-type-effective";
      if (onSelect) {
        td.tabIndex = 0;
        td.setAttribute("role", "button");
      }
      return {td, raw, eff};
    });
  });
  // One listener each for the whole table (not two per cell).
  const cellOf = (event: Event) => (event.target as Element).closest<HTMLTableCellElement>("td[data-layer]");
  const choose = (td: HTMLTableCellElement | null) => td && onSelect?.({layer: Number(td.dataset.layer), head: Number(td.dataset.index)});
  table.addEventListener("click", (event) => choose(cellOf(event)));
  table.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const td = cellOf(event);
    if (!td) return;
    event.preventDefault();
    choose(td);
  });
  table.setCells = (cells) => {
    cells.forEach((row, layer) => row.forEach((cell, head) => {
      const at = tds[layer]?.[head];
      if (!at) return;
      const {td, raw, eff} = at;
      const label = td.dataset.head!;
      const changed = labelsDiffer(cell.raw, cell.effective);
      setAttr(td, "data-changed", String(changed));
      td.classList.toggle("mixviz-type-changed", changed);
      setAttr(td, "title", `${label}\nraw: ${scoreText(cell.rawScores)}\neffective: ${scoreText(cell.effectiveScores)}`);
      setText(raw, `raw ${tags(cell.raw)}`);
      setText(eff, `eff ${tags(cell.effective)}${changed ? " ≠" : ""}`);
      if (onSelect) setAttr(td, "aria-label", `${label}: raw ${tags(cell.raw)}, effective ${tags(cell.effective)}${changed ? ", labels differ" : ""}. Select this head.`);
    }));
  };
  let outlined: HTMLTableCellElement | null = null;
  table.select = ({layer, head}) => {
    const td = tds[layer]?.[head]?.td ?? null;
    if (td === outlined) return;
    outlined?.classList.remove("mixviz-selected");
    outlined = td;
    outlined?.classList.add("mixviz-selected");
  };
  return table;
}
