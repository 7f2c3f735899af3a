// `tsx bench/explorer.ts [site folder] [--steps N] [--layers L] [--tokens T] [--search ?tab=mixing]`: time from one step of the query scrubber to the
// end of the paint that shows every linked view with the new query, in Debian's Chromium (playwright-core, the flags of
// test/e2e/browser.ts) on a built site (default: $MIXVIZ_OUTPUT or dist; build it first, e.g.
// MIXVIZ_PROFILE=tiny MIXVIZ_OUTPUT=.cache/bench-dist npm run build). Prints figures; never passes or
// fails on a time.
//
// Cases:
//   1. /explorer as built (the tiny and the full profile both train 8 heads on 36 tokens): Sentence
//      View, relation grid and Attention Field. Goal: median ≤ 16.7 ms (one 60 Hz frame).
//   2. /your-data after loading a synthetic dense Arrow file of 1 layer × 12 heads × 512 tokens (--layers, --tokens)
//      (test/helpers/attentionFiles.ts) through the file input: Sentence View and Attention Field
//      (the heatmap is not drawn above 96 tokens). Goal: median ≤ 50 ms.
//
// Method (bench/frameTiming.ts, shared with bench/playground.ts), measured inside the page (performance.now(), one clock, no round trip to Node in the timed
// path): for every step the page's script
//   a. notes the current node of each linked view;
//   b. waits for the start of an animation frame plus a phase (step i: frac(i × 0.618…) of a frame, so
//      the inputs fall evenly over the frame, as a key press or a click does, and the same way on every
//      run), takes t0 = performance.now(), sets the scrubber (input[data-control=scrubber]) to the next
//      position and dispatches an "input" event on it — what a drag of the range input does;
//   c. watches the document with a MutationObserver until every view shows the new query — moved in
//      place or replaced by a new node (Sentence View: data-focus="query:q"; Attention Field and relation
//      grid: data-query=q; a view without that attribute must be a new node) — and notes that time
//      (t_dom) and each view's own time;
//   d. then waits for the paint that shows it: if the views changed inside a frame's callbacks (the
//      Observable runtime recomputes cells in requestAnimationFrame), that frame; otherwise the next
//      one (requestAnimationFrame). The step ends in the first task after that frame's rendering (a
//      MessageChannel message queued from the frame), i.e. after its style, layout, paint and commit on
//      the main thread: t_paint. The step's time is t_paint − t0.
// Steps run one after another (the next starts after the page has settled), after WARMUP unmeasured
// steps. The query wraps at the end of the sequence. Headless Chromium runs frames at 60 Hz, and an
// input waits on average half a frame for the next one, so a median below 16.7 ms needs the work itself
// to fit in about half a frame. The table also gives t_dom (input → last view
// changed) with the frames that started before it, and the earlier method's figure (two
// requestAnimationFrame callbacks after the last view changed; from inside a frame that adds a whole
// frame), so that old and new measurements can be compared.
// Then, for each case, one extra run of steps under a Chromium performance trace and a V8 CPU profile
// (not counted in the table), summarised as main-thread ms per step: trace events (script run in the
// animation frame, Layout, Paint, Commit), inclusive time of the views' builders, and self time by
// script file; and, on the same page, the forced style + layout of replacing each view with a clone of
// itself (what the frame after a step pays for that node alone).
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {cpus, loadavg, tmpdir} from "node:os";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {arrowStream, denseTable, syntheticWeights, type Shape} from "../test/helpers/attentionFiles.js";
import {FRAME, installFrameTiming, phaseOf, quantile, profileDuring, settleInPage} from "./frameTiming.js";
import {uploadOnPage} from "./yourData.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const STEPS = flag("--steps", 40);
const UPLOAD_LAYERS = flag("--layers", 1);
const UPLOAD_TOKENS = flag("--tokens", 512);
const sflag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const EXPLORER_SEARCH = sflag("--search", ""); // e.g. "?tab=mixing": open the explorer on another state
const SITE = args[0] ?? process.env.MIXVIZ_OUTPUT ?? "dist";
const WARMUP = 5;
const TIMEOUT = 180_000;
const STEP_TIMEOUT = 30_000; // ms: a step that takes longer is reported as a failure, not timed
const UPLOAD: Shape = {layers: UPLOAD_LAYERS, heads: 12, tokens: UPLOAD_TOKENS};
const UPLOAD_START = 240; // query the your-data steps start from: mid-sequence, so the field's window moves

/** What the page watches for: a view's node (by selector) and, optionally, an attribute naming the query. */
interface ViewSpec {
  name: string;
  selector: string;
  /** attribute that must equal `${prefix}${query}` on the new node */
  attr?: string;
  prefix?: string;
}

interface StepTiming {
  query: number;
  /** input event → every view replaced (ms) */
  dom: number;
  /** input event → end of the main-thread paint of the frame that shows every view (ms) */
  paint: number;
  /** input event → start of the second animation frame after the last view changed (ms): the earlier method */
  twoFrames: number;
  /** input event → each view replaced (ms) */
  views: Record<string, number>;
  /** animation frames that started between the input and the last view's replacement */
  framesBeforeDom: number;
}

const EXPLORER_VIEWS: ViewSpec[] = [
  {name: "sentence", selector: "#mixviz-linked [data-view=sentence] .mixviz-sentence-view", attr: "data-focus", prefix: "query:"},
  {name: "grid", selector: "#mixviz-linked [data-view=grid] svg.mixviz-relation-grid", attr: "data-query", prefix: ""},
  {name: "field", selector: "#mixviz-linked [data-view=field] .mixviz-field", attr: "data-query", prefix: ""}
];
const UPLOAD_VIEWS: ViewSpec[] = [
  {name: "sentence", selector: ".mixviz-linked [data-view=sentence] .mixviz-sentence-view", attr: "data-focus", prefix: "query:"},
  {name: "field", selector: ".mixviz-linked [data-view=field] .mixviz-field", attr: "data-query", prefix: ""}
];

/**
 * Runs in the page: one scrubber step to `query`, timed by bench/frameTiming.ts from the input event
 * (`phase` ms into a frame) to the end of the paint that shows every view in `views` with the new query
 * (see the header). Self-contained: it is serialised into the page.
 */
function stepInPage([views, query, timeout, phase]: [ViewSpec[], number, number, number]): Promise<StepTiming> {
  const scrubber = document.querySelector<HTMLInputElement>("input[data-control=scrubber]");
  if (!scrubber) throw new Error("no scrubber on the page");
  const before = views.map((v) => document.querySelector(v.selector));
  const seen: Record<string, number> = {};
  const g = globalThis as typeof globalThis & {
    __mixvizStart?: () => void;
    __mixvizReady?: (elapsed: number) => boolean;
    __mixvizFrameStep: (name: string, phase: number, timeout: number, attributes: string[]) => Promise<Omit<StepTiming, "query" | "views">>;
  };
  g.__mixvizStart = () => {
    scrubber.value = String(query);
    scrubber.dispatchEvent(new Event("input", {bubbles: true}));
  };
  g.__mixvizReady = (elapsed) => {
    views.forEach((v, i) => {
      if (seen[v.name] !== undefined) return;
      const node = document.querySelector(v.selector);
      if (!node || !node.isConnected) return;
      // A view may be moved in place (its attribute names the query) or replaced by a new node.
      const inPlace = v.attr !== undefined && node.hasAttribute(v.attr);
      if (!inPlace && node === before[i]) return;
      if (inPlace && node.getAttribute(v.attr!) !== `${v.prefix ?? ""}${query}`) return;
      seen[v.name] = elapsed;
    });
    return Object.keys(seen).length === views.length;
  };
  return g.__mixvizFrameStep(`step to query ${query}`, phase, timeout, ["data-focus", "data-query"])
    .then((t) => ({...t, query, views: seen}))
    .catch((e: Error) => Promise.reject(new Error(`${e.message} (views seen: ${Object.keys(seen).join(", ") || "none"})`)));
}

async function scrubberRange(page: Page): Promise<{value: number; max: number}> {
  return page.$eval("input[data-control=scrubber]", (el) => ({value: Number((el as HTMLInputElement).value), max: Number((el as HTMLInputElement).max)}));
}

/** WARMUP untimed steps, then `steps` timed ones, each one query further (wrapping). */
async function runSteps(page: Page, views: ViewSpec[], steps: number, start?: number): Promise<StepTiming[]> {
  const range = await scrubberRange(page);
  const n = range.max + 1;
  let query = start ?? range.value;
  if (start !== undefined) {
    await page.evaluate(stepInPage, [views, query, STEP_TIMEOUT, 0] as [ViewSpec[], number, number, number]);
  }
  const out: StepTiming[] = [];
  for (let i = 0; i < WARMUP + steps; i++) {
    query = (query + 1) % n;
    await page.evaluate(settleInPage, 3);
    const phase = phaseOf(i); // spread evenly over the frame, the same phases on every run
    const timing = await page.evaluate(stepInPage, [views, query, STEP_TIMEOUT, phase] as [ViewSpec[], number, number, number]);
    if (i >= WARMUP) out.push(timing);
  }
  return out;
}


const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const ms = (x: number) => x.toFixed(1);

interface Row {
  name: string;
  shape: string;
  timings: StepTiming[];
  goal: number;
  loadBefore: string;
  loadAfter: string;
}

function printTable(rows: Row[]): void {
  console.log("");
  console.log("case | shape | steps | median ms | p90 ms | max ms | median / goal | input→DOM median ms (frames) | per view input→changed, median ms | 2 frames after DOM, median ms (earlier method) | load avg 1/5/15 before → after");
  console.log("---|---|---|---|---|---|---|---|---|---|---");
  for (const r of rows) {
    const paint = r.timings.map((t) => t.paint);
    const dom = r.timings.map((t) => t.dom);
    const frames = quantile(r.timings.map((t) => t.framesBeforeDom), 0.5);
    const median = quantile(paint, 0.5);
    const perView = Object.keys(r.timings[0]?.views ?? {}).map((v) => `${v} ${ms(quantile(r.timings.map((t) => t.views[v]), 0.5))}`).join(", ");
    const verdict = median <= r.goal ? "meets" : "misses";
    const twoFrames = quantile(r.timings.map((t) => t.twoFrames), 0.5);
    console.log(`${r.name} | ${r.shape} | ${paint.length} | ${ms(median)} | ${ms(quantile(paint, 0.9))} | ${ms(Math.max(...paint))} | ${(median / r.goal).toFixed(2)} (goal ≤ ${ms(r.goal)} ms: ${verdict}) | ${ms(quantile(dom, 0.5))} (${frames}) | ${perView} | ${ms(twoFrames)} | ${r.loadBefore} → ${r.loadAfter}`);
  }
}

/** Trace categories of a step, summed over the traced steps (ms of main-thread time per step). */
async function traceSteps(page: Page, views: ViewSpec[], steps: number, name: string): Promise<void> {
  let timings: Awaited<ReturnType<typeof runSteps>> = [];
  const categories = ["devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-devtools.timeline.stack", "blink.user_timing", "v8.execute"];
  const {totals, layouts, self, inclusive, forced} = await profileDuring(page, categories, async () => {
    timings = await runSteps(page, views, steps);
  });
  const per = (x: number) => ms(x / (WARMUP + steps));
  // CPU profile: inclusive time of the page's own functions (components, controls) and of the browser
  // calls they make, per step.
  const own = /^(sentenceView|relationGrid|attentionField|heatmapPanel|render|fill|replaceState|layerStack|cutStack|windowAround|setAttribute|createElementNS|setQuery|draw|mark|dots|moveViews|move|announce|listener|\(garbage collector\)|\(program\)|\(idle\))/;
  const ranked = [...inclusive].filter(([l]) => own.test(l)).sort((a, b) => b[1] - a[1]);
  const names = ["RunTask", "FunctionCall", "FireAnimationFrame", "EventDispatch", "TimerFire", "RunMicrotasks", "V8.Execute", "ParseHTML", "UpdateLayoutTree", "RecalculateStyles", "Layout", "PrePaint", "Paint", "Layerize", "UpdateLayer", "CompositeLayers", "Commit", "RasterTask", "HitTest", "MajorGC", "MinorGC", "V8.GC_SCAVENGER", "BlinkGC.AtomicPhase"];
  console.log("");
  console.log(`Where a step's time goes (${name}, Chromium trace of ${WARMUP + steps} steps; median input→paint with tracing on: ${ms(quantile(timings.map((t) => t.paint), 0.5))} ms; main-thread ms per step, nested events overlap):`);
  console.log(names.filter((n) => totals.has(n)).map((n) => `${n} ${per(totals.get(n)!)}`).join(" · "));
  console.log("CPU profile, inclusive ms per step (the views' builders, the controls, and the DOM calls they make; (program) is native work outside JS: style, layout, paint; (idle) is waiting for a frame):");
  console.log("  " + ranked.map(([l, t]) => `${l} ${per(t)}`).join(" · "));
  const bySelfFile = new Map<string, number>();
  for (const [l, t] of self) {
    const file = l.match(/\(([^()]+)\)$/)?.[1] ?? l;
    bySelfFile.set(file, (bySelfFile.get(file) ?? 0) + t);
  }
  console.log("CPU profile, self ms per step by script file or native call (top 10):");
  console.log("  " + [...bySelfFile].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([f, t]) => `${f} ${per(t)}`).join(" · "));
  console.log(`Style and layout forced by script, ms per step: ${[...forced].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l, t]) => `${l} ${per(t)}`).join(" · ") || "none"}`);
  console.log(`Layout events: ${layouts.length} (${ms(layouts.length / (WARMUP + steps))} per step), median ${ms(quantile(layouts, 0.5))} ms, longest ${ms(Math.max(...layouts))} ms`);
}

/**
 * Runs in the page after the timed steps (it leaves clones without listeners behind): for each selector,
 * replaces the node with a deep clone and times the forced style + layout of the document (what the
 * frame after a step has to do for that node alone), median of `repeats`.
 */
function layoutInPage([selectors, repeats]: [Record<string, string>, number]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, selector] of Object.entries(selectors)) {
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const node = document.querySelector(selector);
      if (!node) break;
      void document.body.offsetHeight;
      const clone = node.cloneNode(true);
      const t0 = performance.now();
      node.replaceWith(clone);
      void document.body.offsetHeight;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out[name] = times[Math.floor(times.length / 2)] ?? NaN;
  }
  return out;
}

/** The interval between animation frames of an idle page: the unit a step is counted in. */
async function frameBudget(page: Page): Promise<void> {
  const gaps = await page.evaluate(() => new Promise<number[]>((resolve) => {
    const out: number[] = [];
    let last = performance.now();
    const tick = (now: number) => {
      out.push(now - last);
      last = now;
      if (out.length < 30) requestAnimationFrame(tick);
      else resolve(out.slice(1));
    };
    requestAnimationFrame(tick);
  }));
  console.log(`Idle frame interval in this Chromium: median ${ms(quantile(gaps, 0.5))} ms (so a step is counted in whole frames of that length).`);
}

const {server, url} = await serve(SITE);
const browser = await launch();
const dir = mkdtempSync(join(tmpdir(), "mixviz-bench-explorer-"));
const rows: Row[] = [];
console.log(`Scrubber step → linked views repainted, ${SITE}, Chromium ${browser.version()}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${STEPS} timed steps after ${WARMUP} warm-up steps`);
try {
  // Case 1: the explorer.
  {
    const page = await browser.newPage();
    await page.addInitScript("globalThis.__name = (f) => f;"); // tsx/esbuild's keepNames helper, used by the serialised functions
    await installFrameTiming(page);
    await page.goto(new URL(`./explorer${EXPLORER_SEARCH}`, url).href);
    for (const v of EXPLORER_VIEWS) await page.waitForSelector(v.selector, {timeout: TIMEOUT});
    await page.waitForLoadState("networkidle");
    await frameBudget(page);
    const heads = await page.locator("#mixviz-linked .mixviz-field path.sector").count();
    const tokens = (await scrubberRange(page)).max + 1;
    const loadBefore = load();
    const timings = await runSteps(page, EXPLORER_VIEWS, STEPS);
    rows.push({name: `1 explorer${EXPLORER_SEARCH}`, shape: `${heads} heads × ${tokens} tokens`, timings, goal: FRAME, loadBefore, loadAfter: load()});
    printTable(rows.slice(-1));
    await traceSteps(page, EXPLORER_VIEWS, Math.min(STEPS, 20), "case 1");
    const layout = await page.evaluate(layoutInPage, [{
      "Sentence View": EXPLORER_VIEWS[0].selector,
      "relation grid": EXPLORER_VIEWS[1].selector,
      "Attention Field": EXPLORER_VIEWS[2].selector,
      "detail panel (the open tab)": ".mixviz-panel",
      "controls bar": "form.mixviz-controls"
    }, 7] as [Record<string, string>, number]);
    console.log("Forced style + layout after replacing one node with a clone of itself, median of 7 (ms): " + Object.entries(layout).map(([n, t]) => `${n} ${ms(t)}`).join(" · "));
    await page.close();
  }
  // Case 2: your data, 12 heads × 512 tokens (or --tokens).
  {
    const path = join(dir, "dense.arrow");
    writeFileSync(path, arrowStream(denseTable(UPLOAD, syntheticWeights(UPLOAD))));
    const page = await browser.newPage();
    await page.addInitScript("globalThis.__name = (f) => f;");
    await installFrameTiming(page);
    const {state} = await uploadOnPage(page, url, path, TIMEOUT);
    if (state === "error") throw new Error(`your-data refused the file: ${await page.locator(".mixviz-upload-report").textContent()}`);
    await page.waitForFunction((last) => document.querySelector<HTMLInputElement>("input[data-control=scrubber]")?.max === last, String(UPLOAD.tokens - 1), {timeout: TIMEOUT});
    for (const v of UPLOAD_VIEWS) await page.waitForSelector(v.selector, {timeout: TIMEOUT});
    const loadBefore = load();
    const timings = await runSteps(page, UPLOAD_VIEWS, STEPS, UPLOAD_START);
    const {layers, heads, tokens} = UPLOAD;
    rows.push({name: "2 your data (dense Arrow)", shape: `${layers} layer${layers === 1 ? "" : "s"} × ${heads} heads × ${tokens} tokens`, timings, goal: 50, loadBefore, loadAfter: load()});
    printTable(rows.slice(-1));
    await traceSteps(page, UPLOAD_VIEWS, Math.min(STEPS, 20), "case 2");
    const layout = await page.evaluate(layoutInPage, [{"Sentence View": UPLOAD_VIEWS[0].selector, "Attention Field": UPLOAD_VIEWS[1].selector}, 7] as [Record<string, string>, number]);
    console.log("Forced style + layout after replacing one node with a clone of itself, median of 7 (ms): " + Object.entries(layout).map(([n, t]) => `${n} ${ms(t)}`).join(" · "));
    await page.close();
  }
  console.log("\nSummary:");
  printTable(rows);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, {recursive: true, force: true});
}
