// Compare inputs: the same head on several inputs as small multiples, each a thumbnail captioned with its
// input; the current input is outlined and clicking another makes it current.
// Pure: maps and options in, a DOM node out.
import type {HeadMap} from "./headStack.js";
import {mapCanvas, mapMax, type ColorScheme} from "./mapCanvas.js";

export interface SmallMultiplesOptions {
  /** caption of each map (e.g. "sample 3"), as text */
  captions: readonly string[];
  /** the current input's index */
  current: number;
  scheme: ColorScheme;
  causal: boolean;
  size?: number;
  onSelect: (index: number) => void;
}

export function smallMultiples(maps: readonly HeadMap[], options: SmallMultiplesOptions): HTMLElement {
  const {captions, current, scheme, causal, size = 110, onSelect} = options;
  const root = document.createElement("div");
  root.className = "mixviz-small-multiples";
  const max = Math.max(...maps.map(mapMax));
  maps.forEach((map, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "mixviz-multiple";
    button.dataset.index = String(i);
    button.setAttribute("aria-pressed", String(i === current));
    button.append(mapCanvas(map, {size, scheme, causal, max}));
    const caption = document.createElement("span");
    caption.textContent = captions[i] ?? String(i);
    button.append(caption);
    button.addEventListener("click", () => onSelect(i));
    root.append(button);
  });
  return root;
}
