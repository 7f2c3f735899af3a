// Where a scatter's point labels go without covering each other: the most telling points are labelled
// first, each beside its point on the first side (right, left, above, below) whose label box overlaps no
// label already placed, no point and nothing outside the plot; a point with no free side stays unlabelled
// (its tooltip still names it). Pure: boxes in pixels in, one placement per point (or null) out.

export interface LabelledPoint {
  /** the point's centre, px */
  x: number;
  y: number;
  /** the label's box size, px */
  width: number;
  height: number;
  /** larger is labelled first */
  priority: number;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A placed label: its box, and where its text starts (`anchor` "start") or is centred ("middle"). */
export interface LabelPlacement {
  box: Box;
  x: number;
  /** the vertical centre of the label */
  y: number;
  anchor: "start" | "middle";
}

export interface LabelOptions {
  /** the points' marks: a square of this half-side around each point is kept free */
  radius: number;
  /** px between a point's mark and its label */
  gap: number;
  /** the plot area: labels stay inside it */
  bounds: Box;
  /** the marks that no label may cover besides the labelled points (other series); default none */
  obstacles?: readonly {x: number; y: number}[];
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a: Box, b: Box) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;

/** The candidate placements of one label, in the order a reader looks for them. */
function candidates(p: LabelledPoint, reach: number): LabelPlacement[] {
  const {x, y, width: w, height: h} = p;
  const beside = (left: number): LabelPlacement => ({box: {left, top: y - h / 2, right: left + w, bottom: y + h / 2}, x: left, y, anchor: "start"});
  const over = (top: number): LabelPlacement => ({box: {left: x - w / 2, top, right: x + w / 2, bottom: top + h}, x, y: top + h / 2, anchor: "middle"});
  return [beside(x + reach), beside(x - reach - w), over(y - reach - h), over(y + reach)];
}

/** One placement per point, in the points' order; null where every side is taken. */
export function placeLabels(points: readonly LabelledPoint[], options: LabelOptions): (LabelPlacement | null)[] {
  const {radius, gap, bounds, obstacles = []} = options;
  const mark = (q: {x: number; y: number}): Box => ({left: q.x - radius, top: q.y - radius, right: q.x + radius, bottom: q.y + radius});
  const marks = [...points, ...obstacles].map(mark);
  const placed: Box[] = [];
  const result: (LabelPlacement | null)[] = points.map(() => null);
  const order = points.map((_, i) => i).sort((a, b) => points[b].priority - points[a].priority || a - b);
  for (const i of order) {
    const free = candidates(points[i], radius + gap).find(
      ({box}) => inside(box, bounds) && !placed.some((other) => overlaps(box, other)) && !marks.some((other) => overlaps(box, other))
    );
    if (free) {
      placed.push(free.box);
      result[i] = free;
    }
  }
  return result;
}
