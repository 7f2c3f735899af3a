// Antialiased filled discs rasterised in script into one ImageData, for views that draw thousands of dots
// (the Attention Field: H·N² of them). A 2-D canvas path of that many arcs costs little to record but
// its rasterisation runs in the frame's paint (about 10 ms per field in Chromium on the build machine);
// writing the pixels here costs a fraction of that and the paint only copies an image.
// Each layer is one colour at one opacity and is the union of its discs (overlapping discs of a layer do
// not darken each other, as with one filled path); layers are composited in order, source-over. A disc's
// coverage of a pixel is clamp(r + ½ − distance from the pixel's centre, 0, 1), kept in 1/255 steps (bytes:
// the union buffer is a quarter of the size of a float one and stays in cache); radii are rounded to 1/8 px
// and centres to 1/4 px, so coverage masks are computed once and reused.

export interface DotLayer {
  /** "#rrggbb" */
  color: string;
  /** 0–1 */
  alpha: number;
  /** calls `add(x, y, r)` for every disc of the layer, in device pixels */
  each(add: (x: number, y: number, r: number) => void): void;
}

export interface DotRaster {
  /** The layers drawn on a transparent `width`×`width` image (the same ImageData on every call). */
  draw(layers: readonly DotLayer[]): ImageData;
}

const RADIUS_STEPS = 8; // per px
const OFFSET_STEPS = 4; // per px

/** A disc's non-zero coverage around the pixel holding its centre. */
interface Mask {
  reach: number;
  count: number;
  dx: Int16Array;
  dy: Int16Array;
  /** dy·width + dx */
  delta: Int32Array;
  /** 1–255 */
  coverage: Uint8Array;
}

function rgb(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`dotRaster: colour ${JSON.stringify(color)} is not #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

export function dotRaster(width: number): DotRaster {
  const image = new ImageData(width, width);
  const pixels = image.data;
  const coverage = new Uint8Array(width * width); // the current layer's union, 0–255
  const touched = new Int32Array(width * width); // pixels the current layer covers
  const masks: (Mask | undefined)[] = [];

  const maskOf = (r8: number, fx: number, fy: number): Mask => {
    const key = (r8 * OFFSET_STEPS + fx) * OFFSET_STEPS + fy;
    const known = masks[key];
    if (known) return known;
    const r = r8 / RADIUS_STEPS;
    const cx = fx / OFFSET_STEPS;
    const cy = fy / OFFSET_STEPS;
    const reach = Math.ceil(r + 1);
    const cells: [number, number, number][] = [];
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const c = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(dx + 0.5 - cx, dy + 0.5 - cy)));
        if (c > 0) cells.push([dx, dy, c]);
      }
    }
    const mask: Mask = {
      reach,
      count: cells.length,
      dx: Int16Array.from(cells, ([dx]) => dx),
      dy: Int16Array.from(cells, ([, dy]) => dy),
      delta: Int32Array.from(cells, ([dx, dy]) => dy * width + dx),
      coverage: Uint8Array.from(cells, ([, , c]) => Math.max(1, Math.round(c * 255)))
    };
    masks[key] = mask;
    return mask;
  };

  let count = 0; // pixels the current layer covers so far
  const add = (x: number, y: number, r: number) => {
    // The centre rounded to 1/OFFSET_STEPS px, split into its pixel and its offset inside it.
    const qx = Math.floor(x * OFFSET_STEPS + 0.5);
    const qy = Math.floor(y * OFFSET_STEPS + 0.5);
    const ix = Math.floor(qx / OFFSET_STEPS);
    const iy = Math.floor(qy / OFFSET_STEPS);
    const mask = maskOf(Math.floor(r * RADIUS_STEPS + 0.5), qx - ix * OFFSET_STEPS, qy - iy * OFFSET_STEPS);
    const {reach, delta, coverage: cov} = mask;
    const base = iy * width + ix;
    const n = mask.count;
    if (ix >= reach && iy >= reach && ix + reach < width && iy + reach < width) {
      for (let j = 0; j < n; j++) {
        const at = base + delta[j];
        const c = cov[j];
        const was = coverage[at];
        if (was === 0) touched[count++] = at;
        if (c > was) coverage[at] = c;
      }
      return;
    }
    for (let j = 0; j < n; j++) {
      const px = ix + mask.dx[j];
      const py = iy + mask.dy[j];
      if (px < 0 || py < 0 || px >= width || py >= width) continue;
      const at = base + delta[j];
      const c = cov[j];
      const was = coverage[at];
      if (was === 0) touched[count++] = at;
      if (c > was) coverage[at] = c;
    }
  };

  return {
    draw(layers) {
      pixels.fill(0);
      for (const layer of layers) {
        const [cr, cg, cb] = rgb(layer.color);
        count = 0;
        layer.each(add);
        const alpha = layer.alpha / 255; // per unit of coverage
        // Source-over of the layer's colour at coverage × alpha (straight, not premultiplied, alpha).
        for (let i = 0; i < count; i++) {
          const at = touched[i];
          const a = coverage[at] * alpha;
          coverage[at] = 0;
          const o = at * 4;
          if (pixels[o + 3] === 0) {
            // nothing below (most pixels: the heads' sectors do not overlap): the layer's colour at α = a
            pixels[o] = cr;
            pixels[o + 1] = cg;
            pixels[o + 2] = cb;
            pixels[o + 3] = a * 255;
            continue;
          }
          const below = (pixels[o + 3] / 255) * (1 - a);
          const out = a + below;
          const inv = 1 / out;
          pixels[o] = (cr * a + pixels[o] * below) * inv;
          pixels[o + 1] = (cg * a + pixels[o + 1] * below) * inv;
          pixels[o + 2] = (cb * a + pixels[o + 2] * below) * inv;
          pixels[o + 3] = out * 255;
        }
      }
      return image;
    }
  };
}
