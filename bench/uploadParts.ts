// `tsx bench/uploadParts.ts DUMP_DIR [site folder …]`: an LLM-sized attention dump on the "Your data" page,
// opened from a file and from a URL, and in the explorer from the URL (read in parts: src/sources/readerParquet.ts) — the time to the first
// view, to the whole layer, a head change, a layer change and a scrubber move (the median of 9; from Node, and in the page from
// the key's event to the end of the frame that shows it), the longest main-thread block (the longest gap of a 10 ms
// timer, which waits behind several tasks in a row, and in brackets the longest single task, Chromium's long-task entries),
// and the memory of the page's renderer process after them; and in the head workbench from the URL — the time to its
// first heatmap, a head change, how many heads its scan reads a second over SCAN_SECONDS, and the longest main-thread
// block meanwhile — in Debian's Chromium through playwright-core, on built sites (default: $MIXVIZ_OUTPUT or dist).
// DUMP_DIR holds `dump.parquet` and `tokens.json` from `python bench/attention_dump.py DUMP_DIR` (32 × 32 ×
// 1,024 float16, about 2 GB). Give an older site beside the new one to see what it did with the same file.
// Prints figures; never passes or fails on a time.
import {rmSync, statSync, symlinkSync} from "node:fs";
import {join, resolve} from "node:path";
import type {Page} from "playwright-core";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {longestOneTask, longestTask, rendererMB, startBlockTimer} from "./yourData.js";

const [DUMP_DIR, ...sites] = process.argv.slice(2);
if (!DUMP_DIR) throw new Error("usage: tsx bench/uploadParts.ts DUMP_DIR [site folder …]");
const SITES = sites.length ? sites : [process.env.MIXVIZ_OUTPUT ?? "dist"];
const DUMP = resolve(DUMP_DIR, "dump.parquet");
const TOKENS = resolve(DUMP_DIR, "tokens.json");
const TIMEOUT = 120_000;
/** Scrubber steps timed after the layer change (their median is printed). */
const SCRUBS = 9;
/** The name the dump is linked under in a site folder, to be opened by URL from the site's own origin. */
const LINKED = "bench-dump.parquet";

const SENTENCE = "[data-view=sentence] .mixviz-sentence-view";
/**
 * The field drawn, and not the previous layer's still shown while the new one is read (the explorer marks its box
 * as reading): two plain queries a frame, not a `:has()` selector, whose polling costs the page's thread time.
 */
const FIELD = `document.querySelector("[data-view=field] [data-window]") && !document.querySelector("[data-view=field] [data-reading]")`;

/**
 * Page code: at the next key's event, waits for `selector` and for the frame that shows it to end (a task after its
 * animation frame), and leaves the ms from the event's time stamp in `globalThis.keyToFrame`. (A string: tsx would
 * wrap a named function passed to the page in a helper the page does not have.)
 */
const keyToFrame = (selector: string) => `
  delete globalThis.keyToFrame;
  addEventListener("keydown", (event) => {
    const shown = () => (document.querySelector(${JSON.stringify(selector)}) ? setTimeout(() => (globalThis.keyToFrame = performance.now() - event.timeStamp), 0) : requestAnimationFrame(shown));
    requestAnimationFrame(shown);
  }, {capture: true, once: true});`;

/** ms from `action` until `selector` shows (and, when given, `ready` holds in the page). */
async function timed(page: Page, action: () => Promise<unknown>, selector: string, ready?: string): Promise<number> {
  const started = Date.now();
  await action();
  await page.waitForSelector(selector, {timeout: TIMEOUT});
  if (ready) await page.waitForFunction(ready, undefined, {timeout: TIMEOUT});
  return Date.now() - started;
}

/** The report's text when the page refused the file, else null. */
const refusal = (page: Page) => page.evaluate(() => (document.querySelector(".mixviz-upload-report")?.getAttribute("data-state") === "error" ? document.querySelector(".mixviz-upload-report li")?.textContent ?? "refused" : null));

const sentenceTitle = (page: Page) => page.evaluate(() => document.querySelector("[data-view=sentence] h2")?.textContent ?? "");
const headDrawn = `!document.querySelector("[data-view=sentence] [data-reading]") && document.querySelector(".mixviz-upload-report")?.dataset.state !== "loading"`;

/** What says which file a page shows: Your data's report, the explorer's note on the reader's file. */
const SHOWN = {"your-data": ".mixviz-upload-report p", explorer: ".mixviz-kept-note"};

/** The figures of one opening: `open` picks the file or loads the URL; the block timer runs from `open` on. */
async function measure(page: Page, open: () => Promise<unknown>, shown: string): Promise<string> {
  const started = Date.now();
  try {
    await open();
    await startBlockTimer(page);
    await page.waitForSelector(`${SENTENCE}[data-focus]`, {timeout: TIMEOUT});
    await page.waitForFunction(headDrawn, undefined, {timeout: TIMEOUT});
    const report = (await page.locator(shown).first().textContent()) ?? "";
    if (!report.includes("dump")) return `not drawn: the page shows "${report}"`; // a page that ignores ?url= shows its example or built-in models
  } catch (error) {
    return `not drawn: ${(await refusal(page)) ?? (error as Error).message}`;
  }
  const first = Date.now() - started;
  await page.waitForFunction(FIELD, undefined, {timeout: TIMEOUT, polling: "raf"});
  const wholeLayer = Date.now() - started;
  const title = await sentenceTitle(page);
  /** A key that changes the head or the layer: until the Sentence View's title changes and its head is drawn. */
  const change = async (key: string) => {
    const before = await sentenceTitle(page);
    return timed(page, () => page.keyboard.press(key), SENTENCE, `document.querySelector("[data-view=sentence] h2")?.textContent !== ${JSON.stringify(before)} && ${headDrawn}`);
  };
  const head = await change("ArrowDown");
  const layer = await change("]");
  const layerStarted = Date.now() - layer;
  await page.waitForFunction(FIELD, undefined, {timeout: TIMEOUT, polling: "raf"});
  const layerField = Date.now() - layerStarted;
  // the median of SCRUBS steps of →, each timed twice: from Node (the press and the round trips to the page are in
  // it) and in the page, from the key's event to the end of the frame that shows the step (what a reader waits for)
  const scrubs: number[] = [];
  const frames: number[] = [];
  for (let q = 1; q <= SCRUBS; q++) {
    const selector = `${SENTENCE}[data-focus="query:${q}"]`;
    await page.evaluate(keyToFrame(selector));
    scrubs.push(await timed(page, () => page.keyboard.press("ArrowRight"), selector));
    frames.push(await page.waitForFunction(() => (globalThis as {keyToFrame?: number}).keyToFrame, undefined, {timeout: TIMEOUT}).then((h) => h.jsonValue() as Promise<number>));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const scrub = `${median(scrubs)} (frame ${median(frames).toFixed(0)})`;
  const blocked = `${(await longestTask(page)).toFixed(0)} (${(await longestOneTask(page)).toFixed(0)})`;
  return `${first} | ${wholeLayer} | ${head} | ${layer} (field ${layerField}) | ${scrub} | ${blocked} | ${rendererMB().toFixed(0)} | ${title}`;
}

/** Seconds of the workbench's scan timed (the whole dump takes minutes). */
const SCAN_SECONDS = 30;
const HEATMAP = ".mixviz-workbench [data-view=heatmap] canvas.mixviz-heatmap-cells";
/** Heads the workbench's detection scan has read, from its note ("Reading every head for detection: 120 of 1,024 read…"; "" once done). */
const scanRead = (page: Page) =>
  page.evaluate(() => {
    const note = [...document.querySelectorAll(".mixviz-types-card .mixviz-scan-note")].map((n) => n.textContent ?? "")[0];
    if (note === undefined) return null;
    return note === "" ? Infinity : Number(/: ([\d,]+) of/.exec(note)?.[1].replace(/,/g, "") ?? NaN);
  });

/** The workbench's figures on the dump opened by its URL. */
async function measureWorkbench(page: Page, address: string): Promise<string> {
  const started = Date.now();
  await page.goto(address);
  await startBlockTimer(page);
  try {
    await page.waitForSelector(HEATMAP, {timeout: TIMEOUT});
  } catch (error) {
    return `not drawn: ${(error as Error).message}`;
  }
  const first = Date.now() - started;
  const note = (await page.locator(".mixviz-kept-note").textContent()) ?? "";
  if (!note.includes("is read in parts")) return `not opened: the page says "${note}"`; // an older workbench shows its built-in models
  // A head change: until the heatmap is drawn again (its canvas replaced) for the new head.
  await page.evaluate((selector) => document.querySelector(selector)?.setAttribute("data-old", ""), HEATMAP);
  const head = await timed(page, () => page.keyboard.press("ArrowDown"), `${HEATMAP}:not([data-old])`);
  await page.waitForFunction(() => document.querySelector(".mixviz-types-card .mixviz-scan-note") !== null, undefined, {timeout: TIMEOUT});
  const from = await scanRead(page);
  const scanStarted = Date.now();
  await page.waitForTimeout(SCAN_SECONDS * 1000);
  const to = await scanRead(page);
  const rate = from !== null && to !== null && Number.isFinite(to) ? ((to - from) / ((Date.now() - scanStarted) / 1000)).toFixed(1) : "done";
  const blocked = `${(await longestTask(page)).toFixed(0)} (${(await longestOneTask(page)).toFixed(0)})`;
  return `${first} | ${head} | ${rate} | ${blocked} | ${rendererMB().toFixed(0)}`;
}

const served = await Promise.all(SITES.map(async (site) => ({site, ...(await serve(site))})));
const browser = await launch();
const workbenchRows: string[] = [];
const size = statSync(DUMP).size / 1e6;
console.log(`"Your data" and the explorer, files read in parts, Chromium ${browser.version()}; ${DUMP} (${size.toFixed(0)} MB) with its tokens (the picked file only)`);
console.log("site | page | opened from | first view ms | whole layer drawn ms | head change ms | layer change ms | scrubber move ms (key to frame) | longest main-thread block ms (longest task) | renderer RSS MB after | first view");
try {
  for (const {site, url} of served) {
    const linked = join(site, LINKED);
    symlinkSync(DUMP, linked);
    try {
      const byUrl = `?url=${encodeURIComponent(new URL(`./${LINKED}`, url).href)}`;
      const workbench = await browser.newPage();
      workbenchRows.push(`${site} | ${await measureWorkbench(workbench, new URL(`./heads${byUrl}`, url).href)}`);
      await workbench.close();
      for (const [name, from] of [["your-data", "file"], ["your-data", "URL"], ["explorer", "URL"]] as const) {
        const page = await browser.newPage();
        await page.goto(new URL(`./${name}`, url).href);
        await page.waitForSelector(SENTENCE, {timeout: TIMEOUT});
        await page.keyboard.press("Escape");
        const open = from === "file" ? () => page.setInputFiles("input[data-upload=files]", [DUMP, TOKENS]) : () => page.goto(new URL(`./${name}${byUrl}`, url).href);
        console.log(`${site} | ${name} | ${from} | ${await measure(page, open, SHOWN[name])}`);
        await page.close();
      }
    } finally {
      rmSync(linked);
    }
  }
  console.log(`\nthe head workbench, the dump opened by its URL; its scan timed over ${SCAN_SECONDS} s`);
  console.log("site | first heatmap ms | head change ms | heads scanned a second | longest main-thread block ms (longest task) | renderer RSS MB after");
  workbenchRows.forEach((row) => console.log(row));
} finally {
  await browser.close();
  served.forEach(({server}) => server.close());
}
