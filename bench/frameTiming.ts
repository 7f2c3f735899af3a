// The frame timing the browser benchmarks share (bench/explorer.ts, bench/playground.ts): one input, timed
// inside the page from the input to the end of the main-thread paint of the frame that shows its result.
//
// `installFrameTiming(page)` defines `globalThis.__mixvizFrameStep(name, phase, timeout, attributes)` in the
// page. A benchmark's own step function (serialised into the page) first defines
// `globalThis.__mixvizStart` (dispatch the input) and `globalThis.__mixvizReady` (true once the page shows
// the input's result; called with the input's elapsed ms on every DOM change after the input), then calls
// it. The step:
//   a. waits for the start of an animation frame plus `phase` ms (benchmarks pass frac(i × 0.618…) of a
//      frame for step i, so inputs fall evenly over the frame, as a key press or a click does, and the
//      same way on every run), takes t0 = performance.now() and runs the start function;
//   b. watches the document with a MutationObserver (child lists, and the attributes named) until the ready
//      function says yes, and notes that time (t_dom) and the animation frames that started before it;
//   c. then waits for the paint that shows it: if the DOM changed inside a frame's callbacks (the
//      Observable runtime recomputes cells in requestAnimationFrame), that frame; otherwise the next one.
//      The step ends in the first task after that frame's rendering (a MessageChannel message queued from
//      the frame; for the next frame, from its first requestAnimationFrame callback, ahead of any task the
//      page queues from its own callbacks, such as work it defers until after the paint), i.e. after its
//      style, layout, paint and commit on the main thread: t_paint. The step's time is t_paint − t0.
// It also gives the earlier method's figure (two requestAnimationFrame callbacks after t_dom; from inside a
// frame that adds a whole frame), so old and new measurements can be compared.
import type {Page} from "playwright-core";

export interface FrameTiming {
  /** performance.now() of the page at the input */
  start: number;
  /** input → the page shows the result in the DOM (ms) */
  dom: number;
  /** input → end of the main-thread paint of the frame that shows it (ms) */
  paint: number;
  /** input → the second animation frame after t_dom (ms): the earlier method */
  twoFrames: number;
  /** animation frames that started between the input and t_dom */
  framesBeforeDom: number;
}

/** A 60 Hz frame, ms. */
export const FRAME = 1000 / 60;
/** Step i's input comes frac(i·GOLDEN) of a frame after a frame starts. */
export const GOLDEN = 0.6180339887;
/** The phase of step i in ms: spread evenly over the frame, the same phases on every run. */
export const phaseOf = (i: number) => ((i * GOLDEN) % 1) * FRAME;

type StepGlobals = typeof globalThis & {__mixvizStart?: () => void; __mixvizReady?: (elapsed: number) => boolean};

/** Runs in the page (serialised): see the header. */
function frameStepInPage(name: string, phase: number, timeout: number, attributes: string[]): Promise<FrameTiming> {
  const g = globalThis as StepGlobals;
  const start = g.__mixvizStart;
  const ready = g.__mixvizReady;
  if (!start || !ready) throw new Error(`${name}: the step did not define __mixvizStart and __mixvizReady`);
  return new Promise((resolve, reject) => {
    let frames = 0;
    let counting = true;
    // A task queued now runs after the current one: queued from inside a frame's callbacks, that is after
    // the frame's style, layout, paint and commit.
    const afterTask = (fn: () => void) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => fn();
      channel.port2.postMessage(null);
    };
    // inFrame: true from the start of a frame's callbacks until the task after that frame's rendering. This
    // callback is registered before any the page registers in the same frame, so it runs first.
    let inFrame = false;
    // The end of the step when the DOM changed between frames: queued by the first callback of the next
    // frame, so it runs before any task the page queues from its own callbacks in that frame (a
    // setTimeout from a requestAnimationFrame callback, say), i.e. right after the frame's rendering.
    let pendingEnd: (() => void) | null = null;
    const countFrames = () => {
      if (!counting) return;
      frames++;
      inFrame = true;
      afterTask(() => (inFrame = false));
      if (pendingEnd) afterTask(pendingEnd);
      pendingEnd = null;
      requestAnimationFrame(countFrames);
    };
    let t0 = 0;
    let done = false;
    const check = () => {
      if (done) return;
      const now = performance.now();
      if (!ready(now - t0)) return;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      const dom = now - t0;
      const framesBeforeDom = frames;
      let paint = 0;
      let twoFrames = 0;
      const finish = () => {
        if (!paint || !twoFrames) return;
        counting = false;
        resolve({start: t0, dom, paint, twoFrames, framesBeforeDom});
      };
      const painted = () => {
        paint = performance.now() - t0;
        finish();
      };
      if (inFrame) afterTask(painted);
      else pendingEnd = painted;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        twoFrames = performance.now() - t0;
        finish();
      }));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: attributes});
    const timer = setTimeout(() => {
      observer.disconnect();
      counting = false;
      reject(new Error(`${name}: the page did not show the result within ${timeout} ms`));
    }, timeout);
    const begin = () => {
      t0 = performance.now();
      requestAnimationFrame(countFrames);
      start();
      check();
    };
    // The input arrives `phase` ms after the start of a frame.
    requestAnimationFrame(() => setTimeout(begin, phase));
  });
}

/** Defines `__mixvizFrameStep` in the page (now and after every navigation). */
export async function installFrameTiming(page: Page): Promise<void> {
  const source = `globalThis.__name ??= (f) => f; globalThis.__mixvizFrameStep = ${frameStepInPage.toString()};`;
  await page.addInitScript(source);
  await page.evaluate(source);
}

/** Waits until the page has been quiet (no DOM change) for `frames` frames. Runs in the page. */
export function settleInPage(frames: number): Promise<void> {
  return new Promise((resolve) => {
    let quiet = 0;
    const observer = new MutationObserver(() => (quiet = 0));
    observer.observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
    const tick = () => {
      if (++quiet >= frames) {
        observer.disconnect();
        resolve();
      } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Linear-interpolated quantile. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** What a traced run gives: main-thread trace events and a V8 CPU profile, summed over the run (ms). */
export interface ProfiledRun {
  /** main-thread time per trace event name (nested events overlap) */
  totals: Map<string, number>;
  /** durations of the main thread's Layout events */
  layouts: number[];
  /** CPU profile: self and inclusive ms per "function (file)" label */
  self: Map<string, number>;
  inclusive: Map<string, number>;
  /**
   * style and layout passes that script forced, ms per "event in (the three innermost script frames)"; the
   * frames need the "disabled-by-default-devtools.timeline.stack" category (without it this stays empty)
   */
  forced: Map<string, number>;
}

/** Runs `work` under a Chromium trace and a V8 CPU profile (100 µs sampling) and sums what they saw. */
export async function profileDuring(page: Page, categories: string[], work: () => Promise<unknown>): Promise<ProfiledRun> {
  const browser = page.context().browser()!;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", {interval: 100});
  await browser.startTracing(page, {categories});
  await cdp.send("Profiler.start");
  await work();
  const {profile} = await cdp.send("Profiler.stop");
  const trace = JSON.parse((await browser.stopTracing()).toString("utf8"));
  const events: TraceEvent[] = trace.traceEvents ?? trace;
  // The renderer main thread: the thread that ran the most "FunctionCall"s.
  const calls = new Map<string, number>();
  for (const e of events) if (e.name === "FunctionCall") calls.set(`${e.pid}:${e.tid}`, (calls.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...calls].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && e.dur);
  const totals = new Map<string, number>();
  for (const e of onMain) totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur! / 1000);
  const layouts = onMain.filter((e) => e.name === "Layout").map((e) => e.dur! / 1000);
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // "function (file)", the file without its folder and Framework's content hash; a native call by its name
  const frame = ({functionName, url}: {functionName: string; url: string}) => {
    const file = url.replace(/^.*\//, "").replace(/\.[0-9a-f]{8}\.js$/, "");
    return file ? `${functionName || "(anonymous)"} (${file})` : functionName;
  };
  const label = (id: number) => frame(nodes.get(id)!.callFrame);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples?.forEach((id, i) => {
    const dt = (profile.timeDeltas?.[i] ?? 0) / 1000;
    self.set(label(id), (self.get(label(id)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(label(at));
    for (const l of seen) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
  });
  // A style or layout pass that script forced carries the script's stack; the frame's own passes carry none.
  const forced = new Map<string, number>();
  for (const e of onMain) {
    const stack = e.args?.beginData?.stackTrace;
    if ((e.name !== "UpdateLayoutTree" && e.name !== "Layout") || !stack?.length) continue;
    const where = stack.slice(0, 3).map(frame).join(" < ");
    const key = `${e.name} in ${where}`;
    forced.set(key, (forced.get(key) ?? 0) + e.dur! / 1000);
  }
  return {totals, layouts, self, inclusive, forced};
}

/** The fields of a Chromium trace event that profileDuring reads. */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: {beginData?: {stackTrace?: {functionName: string; url: string}[]}};
}
