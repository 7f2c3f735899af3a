// Antialiased filled discs rasterised in script into one ImageData, for views that draw thousands of dots
// (the Attention Field: H·N² of them). A 2-D canvas path of that many arcs costs little to record but
// its rasterisation runs in the frame's paint (about 10 ms per field in Chromium on the build machine);
// writing the pixels here costs a fraction of that and the paint only copies an image.
// Each layer is one colour at one opacity and is the union of its discs (overlapping discs of a layer do
// not darken each other, as with one filled path); layers are composited in order, source-over. A disc's
// coverage of a pixel is clamp(r + ½ − distance from the pixel's centre, 0, 1); radii are rounded to
// 1/8 px and centres to 1/4 px, so coverage masks are computed once and reused.

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

interface Mask {
  /** the mask spans −reach … +reach pixels around the centre's pixel */
  reach: number;
  coverage: Float32Array;
}

function rgb(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`dotRaster: colour ${JSON.stringify(color)} is not #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

export function dotRaster(width: number): DotRaster {
  const image = new ImageData(width, width);
  const pixels = image.data;
  const coverage = new Float32Array(width * width); // the current layer's union
  const touched = new Int32Array(width * width); // pixels the current layer covers
  const masks = new Map<number, Mask>();

  const maskOf = (r8: number, fx: number, fy: number): Mask => {
    const key = (r8 * OFFSET_STEPS + fx) * OFFSET_STEPS + fy;
    let mask = masks.get(key);
    if (mask) return mask;
    const r = r8 / RADIUS_STEPS;
    const cx = fx / OFFSET_STEPS;
    const cy = fy / OFFSET_STEPS;
    const reach = Math.ceil(r + 1);
    const side = 2 * reach + 1;
    const cov = new Float32Array(side * side);
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const d = Math.hypot(dx + 0.5 - cx, dy + 0.5 - cy);
        cov[(dy + reach) * side + dx + reach] = Math.min(1, Math.max(0, r + 0.5 - d));
      }
    }
    mask = {reach, coverage: cov};
    masks.set(key, mask);
    return mask;
  };

  return {
    draw(layers) {
      pixels.fill(0);
      for (const layer of layers) {
        const [cr, cg, cb] = rgb(layer.color);
        let count = 0;
        layer.each((x, y, r) => {
          const ix = Math.floor(x);
          const iy = Math.floor(y);
          const fx = Math.min(OFFSET_STEPS - 1, Math.round((x - ix) * OFFSET_STEPS));
          const fy = Math.min(OFFSET_STEPS - 1, Math.round((y - iy) * OFFSET_STEPS));
          const {reach, coverage: cov} = maskOf(Math.round(r * RADIUS_STEPS), fx, fy);
          const side = 2 * reach + 1;
          for (let dy = -reach; dy <= reach; dy++) {
            const py = iy + dy;
            if (py < 0 || py >= width) continue;
            const row = (dy + reach) * side + reach;
            for (let dx = -reach; dx <= reach; dx++) {
              const px = ix + dx;
              if (px < 0 || px >= width) continue;
              const c = cov[row + dx];
              if (c === 0) continue;
              const at = py * width + px;
              const was = coverage[at];
              if (was === 0) touched[count++] = at;
              if (c > was) coverage[at] = c;
            }
          }
        });
        // Source-over of the layer's colour at coverage × alpha (straight, not premultiplied, alpha).
        for (let i = 0; i < count; i++) {
          const at = touched[i];
          const a = coverage[at] * layer.alpha;
          coverage[at] = 0;
          const o = at * 4;
          const below = (pixels[o + 3] / 255) * (1 - a);
          const out = a + below;
          pixels[o] = (cr * a + pixels[o] * below) / out;
          pixels[o + 1] = (cg * a + pixels[o + 1] * below) / out;
          pixels[o + 2] = (cb * a + pixels[o + 2] * below) / out;
          pixels[o + 3] = out * 255;
        }
      }
      return image;
    }
  };
}
