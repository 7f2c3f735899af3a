// The head grid: one thumbnail per head, layers as rows, labelled L{layer}H{head} in the head's colour.
// Hovering (or focusing) a thumbnail previews that head, clicking locks it, clicking the locked head again
// unlocks it. Pure: maps and options in, a DOM node out; the page owns the state through the callbacks and
// moves the highlight with the node's `select` method, so the thumbnails are not repainted on every hover, and
// sets the labels under them with `setNotes` (the head types, which come later than the maps). A head whose map
// is not read yet (a file read in parts) is an empty thumbnail until `setMaps` brings it.
import type {HeadMap} from "./headStack.js";
import {mapCanvas, mapMax, type ColorScheme} from "./mapCanvas.js";
import {headColor} from "./palette.js";

export interface HeadRef {
  layer: number;
  head: number;
}

export interface HeadGridElement extends HTMLElement {
  /** Moves the highlight to `selected`, marked locked or not. */
  select(selected: HeadRef, locked: boolean): void;
  /** Sets the labels under the thumbnails (by layer then head; an empty one removes its label). */
  setNotes(notes: readonly (readonly string[])[]): void;
  /** Repaints the layers whose maps changed (a layer is scaled to its strongest weight, so all its thumbnails). */
  setMaps(maps: GridMaps): void;
}

/** maps[layer][head]: the map in that thumbnail, null while it is read. */
export type GridMaps = readonly (readonly (HeadMap | null)[])[];

export interface HeadGridOptions {
  headLabel: (layer: number, head: number) => string;
  scheme: ColorScheme;
  causal: boolean;
  /** CSS pixels per thumbnail */
  size?: number;
  onPreview: (head: HeadRef | null) => void;
  onToggleLock: (head: HeadRef) => void;
}

export function headGrid(maps: GridMaps, options: HeadGridOptions): HeadGridElement {
  const {headLabel, scheme, causal, size = 64, onPreview, onToggleLock} = options;
  const root = document.createElement("div") as unknown as HeadGridElement;
  root.className = "mixviz-head-grid";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "Heads by layer: hover to preview, click to lock");
  let painted: GridMaps = [];
  /** A layer's thumbnails, scaled to its strongest weight (an empty canvas for a map not read yet). */
  const thumbnails = (layerMaps: readonly (HeadMap | null)[]) => {
    const max = Math.max(...layerMaps.map((map) => (map ? mapMax(map) : 0)));
    return layerMaps.map((map) => {
      const canvas = map ? mapCanvas(map, {size, scheme, causal, max}) : mapCanvas([], {size, scheme, causal});
      if (!map) canvas.dataset.pending = "true";
      return canvas;
    });
  };
  maps.forEach((layerMaps, layer) => {
    const row = document.createElement("div");
    row.className = "mixviz-head-grid-row";
    const canvases = thumbnails(layerMaps);
    layerMaps.forEach((_, head) => {
      const label = headLabel(layer, head);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "mixviz-head-thumb";
      button.dataset.head = label;
      button.dataset.layer = String(layer);
      button.dataset.index = String(head);
      button.style.setProperty("--head-color", headColor(head));
      button.append(canvases[head]);
      const caption = document.createElement("span");
      caption.className = "mixviz-head-thumb-label";
      caption.textContent = label;
      button.append(caption);
      button.addEventListener("pointerenter", () => onPreview({layer, head}));
      button.addEventListener("focus", () => onPreview({layer, head}));
      button.addEventListener("pointerleave", () => onPreview(null));
      button.addEventListener("blur", () => onPreview(null));
      button.addEventListener("click", () => onToggleLock({layer, head}));
      row.append(button);
    });
    root.append(row);
  });
  root.setNotes = (next) => {
    for (const button of root.querySelectorAll<HTMLButtonElement>(".mixviz-head-thumb")) {
      const note = next[Number(button.dataset.layer)]?.[Number(button.dataset.index)] ?? "";
      let tag = button.querySelector<HTMLSpanElement>(".mixviz-head-thumb-note");
      if (!note) tag?.remove();
      else {
        tag ??= button.appendChild(Object.assign(document.createElement("span"), {className: "mixviz-head-thumb-note"}));
        if (tag.textContent !== note) tag.textContent = note; // an unchanged label is not rewritten (each write costs a layout)
      }
    }
  };
  painted = maps;
  root.setMaps = (next) => {
    next.forEach((layerMaps, layer) => {
      if (layerMaps.every((map, head) => map === painted[layer]?.[head])) return;
      const canvases = thumbnails(layerMaps);
      root.querySelectorAll<HTMLButtonElement>(`.mixviz-head-thumb[data-layer="${layer}"]`).forEach((button) => {
        button.querySelector("canvas")?.replaceWith(canvases[Number(button.dataset.index)]);
      });
    });
    painted = next;
  };
  root.select = (selected, locked) => {
    for (const button of root.querySelectorAll<HTMLButtonElement>(".mixviz-head-thumb")) {
      const on = Number(button.dataset.layer) === selected.layer && Number(button.dataset.index) === selected.head;
      button.classList.toggle("mixviz-selected", on);
      button.setAttribute("aria-pressed", String(on && locked));
      button.title = `${button.dataset.head}: click to ${on && locked ? "unlock" : "lock"}`;
    }
  };
  return root;
}
