// A worker that draws Attention Field clouds (fieldCloud.drawCloud) on canvases handed over to it
// (transferControlToOffscreen), so a redraw of H·N² dots runs beside the main thread instead of on it.
// Each painter (fieldPainter.ts) owns one slot here: `init` gives the slot a canvas and its layout (a new
// canvas replaces the old one), `draw` draws new weights and answers with the draw's version and the time
// it was done (the canvas shows it from the next frame the compositor draws). Start it as a module worker:
// new Worker(url, {type: "module"}).
import {drawCloud, type CloudData, type CloudLayout} from "./fieldCloud.js";
import {dotRaster, type DotRaster} from "./dotRaster.js";

export type FieldRequest =
  | {type: "init"; slot: number; canvas: OffscreenCanvas; layout: CloudLayout}
  | {type: "draw"; slot: number; version: number; data: CloudData};

/** `at`: when the draw was done, in ms since the epoch (performance.timeOrigin + performance.now()). */
export type FieldReply = {slot: number; version: number; at: number; error?: string};

interface Slot {
  ctx: OffscreenCanvasRenderingContext2D;
  layout: CloudLayout;
  ratio: number;
  raster: DotRaster;
}

const slots = new Map<number, Slot>();

function handle(request: FieldRequest): void {
  if (request.type === "init") {
    const {canvas, layout} = request;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("the worker's canvas gives no 2-D context");
    const ratio = canvas.width / layout.size;
    ctx.scale(ratio, ratio);
    slots.set(request.slot, {ctx, layout, ratio, raster: dotRaster(canvas.width)});
    return;
  }
  const slot = slots.get(request.slot);
  if (!slot) throw new Error(`draw for slot ${request.slot}, which has no canvas`);
  drawCloud(slot.ctx, slot.raster, slot.layout, request.data, slot.ratio);
}

self.addEventListener("message", (event: MessageEvent<FieldRequest>) => {
  const request = event.data;
  try {
    handle(request);
    const at = performance.timeOrigin + performance.now();
    if (request.type === "draw") self.postMessage({slot: request.slot, version: request.version, at} satisfies FieldReply);
  } catch (error) {
    const version = request.type === "draw" ? request.version : -1;
    const at = performance.timeOrigin + performance.now();
    self.postMessage({slot: request.slot, version, at, error: error instanceof Error ? error.message : String(error)} satisfies FieldReply);
  }
});
