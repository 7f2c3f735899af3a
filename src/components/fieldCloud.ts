// The Attention Field's dot cloud: every weight of every head as a dot whose area is proportional to the
// weight (the largest weight gets MAX_DOT), in its head's colour, rasterised in script (dotRaster), with gold
// rings around the dots whose key lies on the query's ground-truth path. One implementation for the two
// places the cloud is drawn: the field's own canvas on the main thread (attentionField) and an
// OffscreenCanvas in a worker (fieldWorker), so it never matters to the picture which one drew it.
// Runs in windows and workers alike: no DOM, only a 2-D context.
import type {DotRaster} from "./dotRaster.js";
import {headColor, PATH_COLOR} from "./palette.js";

const MAX_DOT = 4.5; // px radius of the largest weight
export const MIN_VISIBLE = 0.15; // px: smaller dots are skipped
const DOT_ALPHA = 0.8;
const RING_WIDTH = 1;
const RING_GAP = 0.8; // px between a dot and its ring
const FULL_TURN = 2 * Math.PI;

/** Where every dot sits: x and y (CSS px) of (h, q, k) at index (h·N + q)·N + k. */
export interface CloudLayout {
  size: number;
  heads: number;
  tokens: number;
  xs: Float32Array;
  ys: Float32Array;
}

/** What one draw shows: the weights as one row-major array [h][q][k], the path of every query and the scale. */
export interface CloudData {
  weights: Float32Array;
  /** paths[q]: witness keys of query q */
  paths: readonly (readonly number[])[];
  /** the largest |weight| of the cloud (dot areas are relative to it) */
  max: number;
}

/** The largest |weight| of a stack of maps. */
export function largestWeight(weights: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i]));
  return max;
}

/** Dot radius (px) of weight `w` on a cloud whose largest weight is `max`. */
export function dotRadius(w: number, max: number): number {
  return max > 0 ? MAX_DOT * Math.sqrt(Math.abs(w) / max) : 0;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws the cloud on `ctx`, whose backing store is `ratio` device pixels per CSS pixel and whose transform
 * is scaled by `ratio` (sharpCanvas); `raster` is as wide as the backing store and is reused between draws.
 */
export function drawCloud(ctx: Context2D, raster: DotRaster, layout: CloudLayout, data: CloudData, ratio: number): void {
  const {heads: H, tokens: N, xs, ys} = layout;
  const {weights, paths, max} = data;
  ctx.putImageData(raster.draw(Array.from({length: H}, (_, h) => ({
    color: headColor(h),
    alpha: DOT_ALPHA,
    each: (add: (x: number, y: number, r: number) => void) => {
      for (let i = h * N * N, end = (h + 1) * N * N; i < end; i++) {
        const r = dotRadius(weights[i], max);
        if (r >= MIN_VISIBLE) add(xs[i] * ratio, ys[i] * ratio, r * ratio);
      }
    }
  }))), 0, 0);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = PATH_COLOR;
  ctx.lineWidth = RING_WIDTH;
  ctx.beginPath();
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < N; q++) {
      for (const k of paths[q] ?? []) {
        const i = (h * N + q) * N + k;
        const r = dotRadius(weights[i], max) + RING_GAP + RING_WIDTH;
        ctx.moveTo(xs[i] + r, ys[i]);
        ctx.arc(xs[i], ys[i], r, 0, FULL_TURN);
      }
    }
  }
  ctx.stroke();
}
