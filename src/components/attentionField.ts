// The Attention Field: every weight of every head of one sample and layer as one circular dot cloud.
// Layout: the circle is cut into one sector per head (head 0 at twelve o'clock, then clockwise). Inside a
// sector the angle is the query position (first query at the sector's start) and the distance from the
// centre is the key position (key 0 innermost). A dot's area is proportional to its weight (the layer's
// largest weight gets the largest dot), its colour is its head's colour, gold rings mark (query, key)
// pairs where the key lies on the query's ground-truth path, and the current query's spoke is outlined
// in every sector (in the text colour: the query blue is also a head colour). The cloud (H·N² dots,
// fieldCloud.ts) is drawn on a canvas, here or, given a `painter`, in a worker (fieldPainter.ts); the
// current query's dots are redrawn opaque on a second canvas, and labels and highlights are SVG on top.
// `setQuery` on the returned node moves the highlight; nothing else is redrawn. `setData` draws new maps
// (and paths, tokens) of the same shape on the same canvases (the playground's edits); `setHead` outlines
// another head's sector (a head change on a page whose field shows the same layer). The root's
// data-pending names the last cloud asked for, data-drawn the last one drawn and data-drawn-at when
// (performance.now() of the page).
// Pure: the stack of maps and options in, a DOM node out.
import * as d3 from "d3";
import type {HeadMap} from "./headStack.js";
import {sharpCanvas, sizedCanvas} from "./canvas.js";
import {stackLayers} from "./layers.js";
import {weightText} from "./numberText.js";
import {dotRaster, type DotRaster} from "./dotRaster.js";
import {setAttr} from "./domWrites.js";
import {dotRadius, drawCloud, largestWeight, MIN_VISIBLE, type CloudData, type CloudLayout} from "./fieldCloud.js";
import type {FieldPainter} from "./fieldPainter.js";
import {headColor} from "./palette.js";

export interface AttentionFieldOptions {
  /** paths[q]: witness keys of query q (empty for negative cells) */
  paths: readonly (readonly number[])[];
  query: number;
  /** the head chosen in the controls (its sector is outlined) */
  head?: number;
  tokens: readonly string[];
  /** labels per head, e.g. "L0H3" */
  headLabels: readonly string[];
  size?: number;
  title?: string;
  /** draws the cloud in a worker (the field draws it itself without one) */
  painter?: FieldPainter;
}

const DEFAULT_SIZE = 420;
const LABEL_MARGIN = 26;
const INNER_FRACTION = 0.18;
const SECTOR_GAP = 0.08; // radians left empty between sectors
const SPOKE_WIDTH = 2;
const FULL_TURN = 2 * Math.PI;
const TOP_OFFSET = -Math.PI / 2; // twelve o'clock

export interface FieldGeometry {
  angle: (h: number, q: number) => number;
  radius: (k: number) => number;
}

/** Where (head, query, key) sits: angle in radians (0 = three o'clock) and radius in px. */
export function fieldGeometry(heads: number, tokens: number, size: number): FieldGeometry {
  const outer = size / 2 - LABEL_MARGIN;
  const inner = outer * INNER_FRACTION;
  const sector = FULL_TURN / heads;
  return {
    angle: (h, q) => TOP_OFFSET + h * sector + SECTOR_GAP / 2 + ((q + 0.5) / tokens) * (sector - SECTOR_GAP),
    radius: (k) => inner + ((k + 0.5) / tokens) * (outer - inner)
  };
}

/** The field's node; `setQuery` moves the highlighted query without redrawing the cloud. */
export interface AttentionFieldElement extends HTMLDivElement {
  setQuery(query: number): void;
  /** new maps of the same heads × tokens, with their paths and tokens, redrawn in place; the query is kept */
  setData(stack: readonly HeadMap[], paths: readonly (readonly number[])[], tokens: readonly string[]): void;
  /** outlines another head's sector and bolds its label; nothing else is redrawn */
  setHead(head: number): void;
}

export function attentionField(stackIn: readonly HeadMap[], options: AttentionFieldOptions): AttentionFieldElement {
  let stack = stackIn;
  let {paths, tokens} = options;
  const {headLabels, size = DEFAULT_SIZE, title = "Attention field", painter} = options;
  let head = options.head ?? -1;
  let query = options.query;
  const H = stack.length;
  const N = tokens.length;
  const geometry = fieldGeometry(H, N, size);
  const c = size / 2;
  // Dot centres, computed once: x and y of (h, q, k) at index (h·N + q)·N + k.
  const xs = new Float32Array(H * N * N);
  const ys = new Float32Array(H * N * N);
  const radii = Float32Array.from({length: N}, (_, k) => geometry.radius(k));
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < N; q++) {
      const a = geometry.angle(h, q);
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      for (let k = 0; k < N; k++) {
        const i = (h * N + q) * N + k;
        xs[i] = c + radii[k] * cos;
        ys[i] = c + radii[k] * sin;
      }
    }
  }
  const layout: CloudLayout = {size, heads: H, tokens: N, xs, ys};
  // The cloud's weights as one row-major array [h][q][k], and its largest weight.
  const weights = new Float32Array(H * N * N);
  let max = 0;
  const readStack = () => {
    for (let h = 0; h < H; h++) for (let q = 0; q < N; q++) weights.set(stack[h][q], (h * N + q) * N);
    max = largestWeight(weights);
  };
  readStack();

  const root = document.createElement("div") as unknown as AttentionFieldElement;
  root.className = "mixviz-field";

  // Dots of queries [q0, q1) of every head, one path (one fill) per head.
  const dots = (ctx: CanvasRenderingContext2D, q0: number, q1: number) => {
    for (let h = 0; h < H; h++) {
      ctx.fillStyle = headColor(h);
      ctx.beginPath();
      for (let q = q0; q < q1; q++) {
        const row = stack[h][q];
        for (let k = 0; k < N; k++) {
          const r = dotRadius(row[k], max);
          if (r < MIN_VISIBLE) continue;
          const i = (h * N + q) * N + k;
          ctx.moveTo(xs[i] + r, ys[i]);
          ctx.arc(xs[i], ys[i], r, 0, FULL_TURN);
        }
      }
      ctx.fill();
    }
  };

  // The cloud: drawn once and by setData, on the field's own canvas or in the painter's worker.
  interface Base {
    canvas: HTMLCanvasElement;
    draw(): void;
  }
  const cloud = (): CloudData => ({weights, paths, max});
  let drawn = 0;
  const ownCanvas = (): Base => {
    const {canvas, ctx} = sharpCanvas(size);
    let raster: DotRaster | null = null;
    return {
      canvas,
      draw: () => {
        if (!ctx) return;
        raster ??= dotRaster(canvas.width);
        drawCloud(ctx, raster, layout, cloud(), canvas.width / size);
        root.dataset.drawn = root.dataset.pending = String(++drawn);
        root.dataset.drawnAt = performance.now().toFixed(2);
      }
    };
  };
  const viaPainter = (p: FieldPainter): Base | null => {
    const canvas = sizedCanvas(size);
    const done = (version: number, at: number) => {
      if (String(version) !== root.dataset.pending) return;
      root.dataset.drawnAt = at.toFixed(2);
      root.dataset.drawn = String(version);
    };
    const failed = () => {
      // The worker is gone: draw here, on a fresh canvas (the old one belongs to the worker).
      const own = ownCanvas();
      base.canvas.replaceWith(own.canvas);
      base = own;
      base.draw();
    };
    return p.attach(canvas, layout, done, failed) ? {canvas, draw: () => (root.dataset.pending = String(p.draw(cloud())))} : null;
  };
  let base: Base = (painter && viaPainter(painter)) || ownCanvas();
  base.draw();
  const top = sharpCanvas(size);

  const svg = d3.create("svg")
    .attr("viewBox", `0 0 ${size} ${size}`).attr("width", size).attr("height", size)
    .attr("role", "img");
  svg.append("title").text(title);
  const arc = (h: number, q0: number, q1: number) => {
    const r0 = geometry.radius(-0.5);
    const r1 = geometry.radius(N - 0.5);
    const a0 = geometry.angle(h, q0) + Math.PI / 2; // d3.arc measures from twelve o'clock
    const a1 = geometry.angle(h, q1) + Math.PI / 2;
    return d3.arc()({innerRadius: r0, outerRadius: r1, startAngle: a0, endAngle: a1}) ?? "";
  };
  const g = svg.append("g").attr("transform", `translate(${c},${c})`);
  const sectors = g.selectAll("path.sector").data(d3.range(H)).join("path")
    .attr("class", "sector").attr("d", (h) => arc(h, -0.5, N - 0.5))
    .attr("fill", "none").attr("stroke", "currentColor");
  const spokes = g.selectAll("path.spoke").data(d3.range(H)).join("path")
    .attr("class", "spoke")
    .attr("fill", "currentColor").attr("fill-opacity", 0.12).attr("stroke", "currentColor").attr("stroke-width", SPOKE_WIDTH);
  const labelRadius = size / 2 - LABEL_MARGIN / 2;
  const headNames = g.selectAll("text").data(d3.range(H)).join("text")
    .attr("x", (h) => labelRadius * Math.cos(geometry.angle(h, (N - 1) / 2)))
    .attr("y", (h) => labelRadius * Math.sin(geometry.angle(h, (N - 1) / 2)))
    .attr("text-anchor", "middle").attr("dominant-baseline", "central").attr("font-size", 11)
    .attr("fill", (h) => headColor(h)).attr("stroke", "var(--theme-background, white)").attr("stroke-width", 3).attr("paint-order", "stroke")
    .text((h) => headLabels[h] ?? `H${h}`);
  // The chosen head: its sector outlined, its label bold.
  const outline = () => {
    sectors.attr("stroke-opacity", (h) => (h === head ? 0.9 : 0.15)).attr("stroke-width", (h) => (h === head ? 2 : 1));
    headNames.attr("font-weight", (h) => (h === head ? "bold" : "normal"));
  };
  outline();
  root.setHead = (next: number) => {
    if (next === head) return;
    head = next;
    outline();
  };
  const readout = svg.append("text").attr("class", "readout").attr("x", 4).attr("y", size - 4).attr("font-size", 11).attr("fill", "currentColor");

  // Hover: name the dot under the pointer.
  svg.on("pointermove", (event: PointerEvent) => {
    const [x, y] = d3.pointer(event);
    const dx = x - c;
    const dy = y - c;
    const r = Math.hypot(dx, dy);
    const r0 = geometry.radius(-0.5);
    const r1 = geometry.radius(N - 0.5);
    const sector = FULL_TURN / H;
    const turn = (((Math.atan2(dy, dx) - TOP_OFFSET) % FULL_TURN) + FULL_TURN) % FULL_TURN;
    const h = Math.floor(turn / sector);
    const q = Math.floor(((turn - h * sector - SECTOR_GAP / 2) / (sector - SECTOR_GAP)) * N);
    const k = Math.floor(((r - r0) / (r1 - r0)) * N);
    if (r < r0 || r > r1 || q < 0 || q >= N || k < 0 || k >= N) {
      readout.text("");
      return;
    }
    readout.text(`${headLabels[h]}: ${tokens[q]} → ${tokens[k]} = ${weightText(stack[h][q][k])}`);
  });
  svg.on("pointerleave", () => readout.text(""));

  // The current query's dots, opaque, on the top canvas.
  const drawTop = () => {
    if (!top.ctx) return;
    top.ctx.clearRect(0, 0, size, size);
    if (query >= 0 && query < N) dots(top.ctx, query, query + 1);
  };
  const label = () => setAttr(svg.node()!, "aria-label", `${title}: ${H} heads, query ${tokens[query] ?? query} highlighted`);
  let shown = -1; // the query the spokes and the top canvas show
  root.setQuery = (next: number) => {
    if (next === shown) return;
    query = shown = next;
    root.dataset.query = String(query);
    label();
    spokes.attr("d", (h) => arc(h, query - 0.5, query + 0.5));
    drawTop();
  };
  root.setData = (nextStack, nextPaths, nextTokens) => {
    stack = nextStack;
    paths = nextPaths;
    tokens = nextTokens;
    readStack();
    base.draw();
    label();
    drawTop();
  };
  root.setQuery(query);
  stackLayers(root, size, size, base.canvas, top.canvas, svg.node()!);
  return root;
}
