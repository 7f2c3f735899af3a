// `tsx bench/playground.ts [site folder] [--steps N] [--arch NAME] [--profile]`: time from an edit on /playground to the frame after
// its predictions and maps have been repainted, per architecture and kind of edit, in Debian's Chromium
// (playwright-core, the flags of test/e2e/browser.ts) on a built site (default: $MIXVIZ_OUTPUT or dist;
// build it first, e.g. MIXVIZ_PROFILE=tiny MIXVIZ_OUTPUT=.cache/bench-dist npm run build). Prints figures;
// never passes or fails on a time.
//
// Edits:
//   cell     a click on a cell of the input grid (flips one fact; the next step flips it back)
//   mixing   a new value for one mixing entry (TH: P_w[H0→H0]; IHA: α^Q[H0→H0, p 0]), alternating between
//            0 and 1.5: typed into the value box before the step, then a click on Set
//   knockout a click on "knock out" for head 0 (W_O[0] = 0), the next step a click on Reset
//   text     the reference, measured the same way on the same page: one text changed (the status line gains
//            or loses a character) and nothing else done, i.e. what the method and the page's rendering cost
//            before any of the playground's work
// Goal (issue #6): median under one 60 Hz frame (16.7 ms) for MHA and Talking Heads, under 50 ms for IHA.
//
// Method: bench/frameTiming.ts, the same as bench/explorer.ts, measured inside the page (performance.now(),
// no round trip to Node in the timed path). The click (or Set) arrives frac(i × 0.618…) of a frame after
// a frame starts, so edits fall evenly over the frame; the page redraws inside the edit's event handler,
// hands the Attention Fields' dot clouds to its worker and bumps `data-version` on its status line
// (t_dom); the main thread's part ends in the first task after the main-thread rendering (style, layout,
// paint, commit) of the frame that shows it; the clouds' part when the worker has drawn the last of them
// (each field's data-drawn-at, once its data-drawn has reached its data-pending; the canvas shows it from
// the compositor's next frame, as the main thread's paint does). t_paint is the later of the two. The step's
// time is t_paint − t0. Headless Chromium runs frames at 60 Hz and an edit waits on average half a frame
// for the next one, so a median under 16.7 ms needs the work itself to fit in about half a frame. The
// table also gives t_dom and the earlier method's ending (two requestAnimationFrame callbacks after t_dom),
// which the figures before this method used. `redraw` is the page's own timing of its whole redraw on the
// main thread (data-render-ms), `model` of the forward pass with the raw and effective maps in it
// (data-model-ms).
// `--arch NAME` runs one architecture. `--profile` adds, per architecture and kind of edit, a Chromium trace and a V8 CPU
// profile of 25 more steps (not counted in the table): main-thread ms per step by trace event, the style and layout
// passes that script forced (named by the script that forced them), and self and inclusive ms per
// step of the page's functions.
import {cpus, loadavg} from "node:os";
import type {Page} from "playwright-core";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {FRAME, type FrameTiming, installFrameTiming, phaseOf, quantile, profileDuring, settleInPage} from "./frameTiming.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const PROFILE = args.includes("--profile") ? (args.splice(args.indexOf("--profile"), 1), true) : false;
const STEPS = flag("--steps", 30);
const ONLY = args.includes("--arch") ? args.splice(args.indexOf("--arch"), 2)[1] : null; // one architecture
const SITE = args[0] ?? process.env.MIXVIZ_OUTPUT ?? "dist";
const WARMUP = 5;
const TIMEOUT = 120_000;
const STEP_TIMEOUT = 30_000;
const IHA_GOAL = 50;
const ARCHS = ["mha", "talking_heads", "iha"] as const;
const GOALS: Record<(typeof ARCHS)[number], number> = {mha: FRAME, talking_heads: FRAME, iha: IHA_GOAL};
const MIXING: Record<string, string | null> = {mha: null, talking_heads: "P_w", iha: "alpha_Q"};
const CELL = 1; // the input cell the cell steps flip

type EditKind = "text" | "cell" | "mixing" | "knockout";

interface StepTiming extends FrameTiming {
  /** input → the worker has drawn the last Attention Field cloud (ms) */
  cloud: number;
  model: number;
  /** the page's own time for the whole redraw on the main thread (data-render-ms) */
  render: number;
}

/**
 * Runs in the page: one edit of `kind` (step `i` decides its direction), timed by bench/frameTiming.ts to
 * the end of the paint that shows it. Self-contained: it is serialised into the page.
 */
function stepInPage([kind, i, cell, phase, timeout]: [EditKind, number, number, number, number]): Promise<StepTiming> {
  const status = document.querySelector<HTMLElement>("#mixviz-playground-status")!;
  const click = (el: Element | null) => {
    if (!el) throw new Error(`nothing to click for a ${kind} step`);
    el.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  };
  const before = Number(status.dataset.version);
  const g = globalThis as typeof globalThis & {
    __mixvizStart?: () => void;
    __mixvizReady?: (elapsed: number) => boolean;
    __mixvizFrameStep: (name: string, phase: number, timeout: number, attributes: string[]) => Promise<FrameTiming>;
  };
  // A reader types the value, then clicks Set: the value is in the box (and painted) before the step starts.
  if (kind === "mixing") document.querySelector<HTMLInputElement>("[data-control=value]")!.value = i % 2 === 0 ? "0" : "1.5";
  g.__mixvizStart = () => {
    if (kind === "text") {
      // the reference: one text changed on the same page, and nothing else done
      const text = status.firstChild as Text;
      text.data = i % 2 === 0 ? `${text.data}·` : text.data.replace(/·$/, "");
      status.dataset.reference = String(i);
    } else if (kind === "cell") click(document.querySelectorAll(".mixviz-relation-grid > g > g")[cell]);
    else if (kind === "mixing") click(document.querySelector("[data-control=set]"));
    else click(document.querySelector(i % 2 === 0 ? "[data-control=knock]" : "[data-control=reset]"));
  };
  g.__mixvizReady = () => (kind === "text" ? status.dataset.reference === String(i) : Number(status.dataset.version) > before);
  // The Attention Fields' clouds are drawn in a worker and shown from the compositor's next frame after
  // it drew them: the step ends at the later of the main thread's paint and the last cloud's draw.
  const fields = () => [...document.querySelectorAll<HTMLElement>(".mixviz-field")];
  const clouds = () => new Promise<number>((resolve) => {
    const check = () => {
      if (!fields().every((f) => f.dataset.drawn === f.dataset.pending)) return false;
      observer.disconnect();
      resolve(Math.max(...fields().map((f) => Number(f.dataset.drawnAt))));
      return true;
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
    check();
  });
  return g.__mixvizFrameStep(`a ${kind} step`, phase, timeout, ["data-version", "data-reference"]).then(async (t) => {
    if (kind === "text") return {...t, cloud: NaN, model: NaN, render: NaN};
    const cloud = (await clouds()) - t.start;
    return {...t, paint: Math.max(t.paint, cloud), cloud, model: Number(status.dataset.modelMs), render: Number(status.dataset.renderMs)};
  });
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const ms = (x: number) => (Number.isNaN(x) ? "—" : x.toFixed(1));

interface Row {
  arch: string;
  kind: EditKind;
  timings: StepTiming[];
  goal: number;
  loadBefore: string;
  loadAfter: string;
}

function printRow(r: Row): void {
  const median = quantile(r.timings.map((t) => t.paint), 0.5);
  const verdict = Number.isNaN(r.goal) ? "reference" : median <= r.goal ? "meets" : "misses";
  const q = (f: (t: StepTiming) => number, p = 0.5) => ms(quantile(r.timings.map(f), p));
  console.log(`${r.arch} | ${r.kind} | ${r.timings.length} | ${ms(median)} | ${q((t) => t.paint, 0.9)} | ${ms(r.goal)} (${verdict}) | ${q((t) => t.dom)} (${q((t) => t.framesBeforeDom)}) | ${q((t) => t.cloud)} | ${q((t) => t.render)} | ${q((t) => t.model)} | ${q((t) => t.twoFrames)} | ${r.loadBefore} → ${r.loadAfter}`);
}

const HEADER = "arch | edit | steps | median edit→paint ms | p90 ms | goal ms | median edit→DOM ms (frames) | median edit→clouds drawn ms | median main-thread redraw ms | median model ms (forward + maps) | 2 frames after DOM, median ms (earlier method) | load avg 1/5/15 before → after\n---|---|---|---|---|---|---|---|---|---|---|---";

async function runSteps(page: Page, kind: EditKind, steps: number): Promise<StepTiming[]> {
  const out: StepTiming[] = [];
  for (let i = 0; i < WARMUP + steps; i++) {
    await page.evaluate(settleInPage, 3);
    const timing = await page.evaluate(stepInPage, [kind, i, CELL, phaseOf(i), STEP_TIMEOUT] as [EditKind, number, number, number, number]);
    if (i >= WARMUP) out.push(timing);
  }
  return out;
}

/** A V8 CPU profile of `steps` steps of `kind`: the page's functions by self and inclusive ms per step. */
async function profileSteps(page: Page, arch: string, kind: EditKind, steps: number): Promise<void> {
  const categories = ["devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-devtools.timeline.stack"];
  const {totals, self, inclusive, forced} = await profileDuring(page, categories, () => runSteps(page, kind, steps));
  const traced = ["EventDispatch", "FunctionCall", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit", "MajorGC", "MinorGC"];
  const per = (t: number) => ms(t / (WARMUP + steps));
  const top = (m: Map<string, number>, n: number) => [...m].filter(([l]) => l !== "(idle)" && l !== "(root)").sort((a, b) => b[1] - a[1]).slice(0, n).map(([l, t]) => `${l} ${per(t)}`).join(" · ");
  const what = `${arch}, ${WARMUP + steps} ${kind} steps`;
  console.log(`${what}: trace, main-thread ms per step (nested events overlap): ${traced.filter((n) => totals.has(n)).map((n) => `${n} ${per(totals.get(n)!)}`).join(" · ")}`);
  console.log(`${what}: style and layout forced by script, ms per step: ${top(forced, 5) || "none"}`);
  console.log(`${what}: CPU profile, self ms per step (top 15): ${top(self, 15)}`);
  console.log(`${what}: inclusive ms per step (top 25): ${top(inclusive, 25)}`);
}

const {server, url} = await serve(SITE);
const browser = await launch();
const rows: Row[] = [];
console.log(`Playground edit → predictions and maps repainted, ${SITE}, Chromium ${browser.version()}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${STEPS} timed steps after ${WARMUP} warm-up steps`);
try {
  for (const arch of ARCHS.filter((a) => ONLY === null || a === ONLY)) {
    const page = await browser.newPage();
    await page.addInitScript("globalThis.__name = (f) => f;"); // tsx/esbuild's keepNames helper, used by the serialised functions
    await installFrameTiming(page);
    await page.goto(new URL(`./playground?arch=${arch}`, url).href);
    await page.waitForFunction((a) => document.querySelector<HTMLElement>("#mixviz-playground-status")?.dataset.arch === a, arch, {timeout: TIMEOUT});
    await page.waitForLoadState("networkidle");
    const heads = await page.locator("[data-view=field-raw] .mixviz-field path.sector").count();
    const cells = await page.locator(".mixviz-predictions [data-cell]").count();
    console.log(`${arch}: ${heads} heads × ${cells} tokens`);
    const kinds: EditKind[] = MIXING[arch] ? ["text", "cell", "mixing", "knockout"] : ["text", "cell", "knockout"];
    for (const kind of kinds) {
      if (kind === "mixing") await page.selectOption("[data-control=matrix]", MIXING[arch]!);
      const loadBefore = load();
      const timings = await runSteps(page, kind, STEPS);
      rows.push({arch, kind, timings, goal: kind === "text" ? NaN : GOALS[arch], loadBefore, loadAfter: load()});
      if (PROFILE && kind !== "text") await profileSteps(page, arch, kind, Math.min(STEPS, 20));
      if (kind === "mixing") await page.click("[data-control=reset]");
    }
    await page.close();
  }
  console.log("");
  console.log(HEADER);
  for (const r of rows) printRow(r);
} finally {
  await browser.close();
  server.close();
}
