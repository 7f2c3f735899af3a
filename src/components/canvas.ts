// A square canvas sharp on high-density screens: its backing store has devicePixelRatio pixels per CSS
// pixel and its context is scaled so drawing code works in CSS pixels. Decorative (aria-hidden): the
// views that use it describe themselves in an SVG layer on top, stacked over it (layers.ts).

/** A `side`×`side` CSS-pixel canvas with a devicePixelRatio backing store and no context yet. */
export function sizedCanvas(side: number): HTMLCanvasElement {
  const ratio = globalThis.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = side * ratio;
  canvas.height = side * ratio;
  canvas.style.width = `${side}px`;
  canvas.style.height = `${side}px`;
  canvas.setAttribute("aria-hidden", "true");
  return canvas;
}

/** A `side`×`side` CSS-pixel canvas and its 2-D context (null where the browser gives none). */
export function sharpCanvas(side: number): {canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D | null} {
  const canvas = sizedCanvas(side);
  const ctx = canvas.getContext("2d");
  ctx?.scale(canvas.width / side, canvas.height / side);
  return {canvas, ctx};
}
