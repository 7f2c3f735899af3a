// The geometry of a heatmap of N×N cells, apart from its drawing: which tokens get a tick label, which cell
// lies under the pointer, and where the keyboard's cell cursor moves.
// Pure numbers and strings, unit-tested (test/heatmapGrid.test.ts).

/** A token position and its label: the position of the row (query) and of the column (key). */
export interface Cell {
  q: number;
  k: number;
}

/** Where the map lies: the x of keys 0 and N, the y of queries 0 and N (either order), in the pointer's or the SVG's coordinates. */
export interface GridBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Every `step`-th token is labelled: a multiple of `base` (the relation task's row), at most `most` labels. */
export function tickStep(n: number, base: number, most: number): number {
  return base * Math.max(1, Math.ceil(n / (base * most)));
}

/** The cell under the point (x, y), or null outside the map. */
export function cellAt(x: number, y: number, box: GridBox, n: number): Cell | null {
  const k = Math.floor(((x - box.x0) / (box.x1 - box.x0)) * n);
  const q = Math.floor(((y - box.y0) / (box.y1 - box.y0)) * n);
  return q >= 0 && q < n && k >= 0 && k < n ? {q, k} : null;
}

/** The cell the keyboard's cursor moves to: arrows by one cell, Home/End to the row's ends; null for other keys. */
export function cellMove(cell: Cell, key: string, n: number): Cell | null {
  const clamp = (i: number) => Math.max(0, Math.min(n - 1, i));
  switch (key) {
    case "ArrowLeft":
      return {q: cell.q, k: clamp(cell.k - 1)};
    case "ArrowRight":
      return {q: cell.q, k: clamp(cell.k + 1)};
    case "ArrowUp":
      return {q: clamp(cell.q - 1), k: cell.k};
    case "ArrowDown":
      return {q: clamp(cell.q + 1), k: cell.k};
    case "Home":
      return {q: cell.q, k: 0};
    case "End":
      return {q: cell.q, k: n - 1};
    default:
      return null;
  }
}
