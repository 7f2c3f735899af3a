// Views drawn in layers: a canvas under the SVG that describes it to screen readers and takes the pointer,
// or an SVG that changes often under one that rarely does (each layer is painted on its own).

/**
 * Lays `layers` over one another in `box`, a `width`×`height` CSS-pixel box: the first in the box's flow,
 * each later one on top of it at its top left (e.g. a canvas, then the SVG that describes it). Returns `box`.
 */
export function stackLayers<T extends HTMLElement>(box: T, width: number, height: number, ...layers: (HTMLElement | SVGElement)[]): T {
  Object.assign(box.style, {position: "relative", width: `${width}px`, height: `${height}px`});
  for (const layer of layers.slice(1)) Object.assign(layer.style, {position: "absolute", left: "0", top: "0"});
  box.append(...layers);
  return box;
}
