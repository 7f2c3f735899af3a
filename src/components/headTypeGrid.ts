// Head-type detection results as a labelled grid: layers as rows, heads as columns, each cell listing the
// types detected on the raw maps and on the effective maps. Cells whose labels differ between the two are
// marked (outlined and flagged "≠"): there a per-head picture names the head's job differently from what
// the head actually writes. Pure: labels and options in, a table out (text only).
import {HEAD_TYPE_LABELS, HEAD_TYPE_TAGS, labelsDiffer, type HeadType} from "../model/headTypes.js";
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
  /** the head selected on the page (outlined) */
  selected?: {layer: number; head: number};
  onSelect?: (head: {layer: number; head: number}) => void;
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

/** cells[layer][head]. */
export function headTypeGrid(cells: readonly (readonly HeadTypeCell[])[], options: HeadTypeGridOptions): HTMLTableElement {
  const {headLabel, selected, onSelect} = options;
  const table = document.createElement("table");
  table.className = "mixviz-head-types";
  const header = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "layer";
  header.append(corner);
  (cells[0] ?? []).forEach((_, h) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = `H${h}`;
    th.style.color = headColor(h);
    header.append(th);
  });
  const body = table.createTBody();
  cells.forEach((row, layer) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = layerLabel(layer);
    tr.append(th);
    row.forEach((cell, head) => {
      const td = tr.insertCell();
      const label = headLabel(layer, head);
      const changed = labelsDiffer(cell.raw, cell.effective);
      td.dataset.head = label;
      td.dataset.changed = String(changed);
      td.className = changed ? "mixviz-type-changed" : "";
      if (selected && selected.layer === layer && selected.head === head) td.classList.add("mixviz-selected");
      td.title = `${label}\nraw: ${scoreText(cell.rawScores)}\neffective: ${scoreText(cell.effectiveScores)}`;
      const raw = document.createElement("div");
      raw.className = "mixviz-type-raw";
      raw.textContent = `raw ${tags(cell.raw)}`;
      const eff = document.createElement("div");
      eff.className = "mixviz-type-effective";
      eff.textContent = `eff ${tags(cell.effective)}${changed ? " ≠" : ""}`;
      td.append(raw, eff);
      if (onSelect) {
        td.tabIndex = 0;
        td.setAttribute("role", "button");
        td.setAttribute("aria-label", `${label}: raw ${tags(cell.raw)}, effective ${tags(cell.effective)}${changed ? ", labels differ" : ""}. Select this head.`);
        td.addEventListener("click", () => onSelect({layer, head}));
        td.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            onSelect({layer, head});
          }
        });
      }
    });
  });
  return table;
}
