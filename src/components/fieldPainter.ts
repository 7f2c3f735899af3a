// The main thread's side of fieldWorker.ts: a painter is one slot of the worker, holding the canvas of one
// Attention Field at a time (a page makes one painter per field it keeps on screen and hands it to each
// field it builds there; a new field's canvas replaces the old one in the worker). An attentionField given
// a painter draws its cloud through it and stays responsive while the worker draws. If the worker fails
// to start or to draw, the painter says so once to the field it holds, which then draws on the main
// thread again, and every later field draws there too.
import type {CloudData, CloudLayout} from "./fieldCloud.js";
import type {FieldReply, FieldRequest} from "./fieldWorker.js";

export interface FieldPainter {
  /**
   * Hands `canvas` (no context taken yet) to the worker for clouds of `layout`. Returns false where the
   * browser cannot move a canvas to a worker or the worker has failed: the field then draws itself.
   * `done(version, at)` follows every draw (`at`: when the worker had drawn it, on this thread's
   * performance.now() clock); `failed()` is called at most once, if the worker fails (the painter warns
   * in the console, naming what went wrong).
   */
  attach(canvas: HTMLCanvasElement, layout: CloudLayout, done: (version: number, at: number) => void, failed: () => void): boolean;
  /** Draws on the attached canvas; returns the draw's version (the number `done` will be called with). */
  draw(data: CloudData): number;
}

let slots = 0;

export function fieldPainter(worker: Worker): FieldPainter {
  const slot = slots++;
  let version = 0;
  let broken: string | null = null;
  let current: {done: (version: number, at: number) => void; failed: () => void} | null = null;
  const post = (request: FieldRequest, transfer: Transferable[] = []) => worker.postMessage(request, transfer);
  const fail = (message: string) => {
    if (broken !== null) return;
    broken = message;
    console.warn(`${message}; the Attention Field draws on the page instead`);
    current?.failed();
    current = null;
  };
  worker.addEventListener("message", (event: MessageEvent<FieldReply>) => {
    const reply = event.data;
    if (reply.slot !== slot) return;
    if (reply.error !== undefined) fail(`the Attention Field worker could not draw: ${reply.error}`);
    else current?.done(reply.version, reply.at - performance.timeOrigin);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    fail(`the Attention Field worker did not run${event.message ? `: ${event.message}` : ""}`);
  });
  return {
    attach(canvas, layout, done, failed) {
      if (broken !== null || typeof canvas.transferControlToOffscreen !== "function") return false;
      const offscreen = canvas.transferControlToOffscreen();
      current = {done, failed};
      post({type: "init", slot, canvas: offscreen, layout}, [offscreen]);
      return true;
    },
    draw(data) {
      version++;
      const weights = data.weights.slice(); // a copy to transfer: the field keeps its own
      post({type: "draw", slot, version, data: {...data, weights}}, [weights.buffer]);
      return version;
    }
  };
}
