// `npx tsx bench/pages.ts <site folder> [<site folder> …]`: what a reader's browser downloads and how soon it
// draws, per page, for each built site given (say the previous commit's dist beside the new one, measured
// in the same run). For the essay, the explorer and the workbench, in Debian's Chromium through
// playwright-core on a site served by scripts/serve.ts (ranges, brotli/gzip as a static host), each load in
// a fresh browser context (cold cache):
//   bytes        transferred bytes (body as sent, compressed where the server compressed it, and headers) of
//                every request of the page and of its workers until every figure is drawn (Playwright's
//                requestfinished events and Request.sizes(), which see a worker's fetches, such as DuckDB-wasm's
//                .wasm)
//   first view   the page's first figure (ms after navigation, when it enters the document)
//   all figures  the last of the page's figures (the READY list of the browser tests)
//   sample       essay only: from moving the sample slider to every map figure redrawn, moved once the page is
//                idle (no request in flight for QUIET ms, after every figure is drawn), as a reader who has looked
//                at the page would move it: the next sample's read-ahead has then had its chance
// on the local network and on an emulated classroom network (10 Mbit/s, 40 ms round trip; CDP
// Network.emulateNetworkConditions). Prints figures; never passes or fails on a time.
import {loadavg} from "node:os";
import type {Browser, BrowserContext, Page} from "playwright-core";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {READY} from "../test/e2e/ready.js";

const SITES = process.argv.slice(2);
const LOADS = Number(process.env.MIXVIZ_BENCH_LOADS ?? 3);
const TIMEOUT = 120_000;
const PAGES = {"/": "index", "/explorer": "explorer", "/heads": "heads"} as const;
/** The figure a reader sees first on each page. */
const FIRST: Record<keyof typeof PAGES, string> = {"/": ".mixviz-relation-grid", "/explorer": ".mixviz-sentence-view", "/heads": ".mixviz-head-grid canvas"};
/** The essay's figures drawn from the shown sample's maps. */
const SAMPLE_FIGURES = ["#fig-mha .mixviz-sentence-view", "#fig-th-maps .mixviz-heatmaps svg", "#fig-iha-blocks .mixviz-pseudo-blocks", "#fig-iha-readings .mixviz-triptych svg"];
const NEXT_SAMPLE = 1;
/** How long no request may be in flight before the page counts as idle. */
const QUIET = 300;
const IDLE_LIMIT = 15_000;
const NETWORKS = {
  local: null,
  classroom: {offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8}
} as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Load {
  bytes: number;
  first: number;
  all: number;
  sample?: number;
  largest: string[];
}

/** Bytes received per request of the context, the requests of its workers included (DuckDB's wasm, a field worker's). */
function countBytes(context: BrowserContext) {
  const sizes: Promise<[string, number]>[] = [];
  // a request that finishes as the context closes (a read-ahead, after the figures are counted) has no sizes to give
  context.on("requestfinished", (request) => sizes.push(request.sizes().then((s): [string, number] => [request.url(), s.responseBodySize + s.responseHeadersSize], (): [string, number] => [request.url(), 0])));
  const settled = () => Promise.all(sizes);
  return {
    total: async () => (await settled()).reduce((a, [, n]) => a + n, 0),
    /** the three files that took the most bytes, over all their requests (a Parquet file's ranges together) */
    largest: async () => {
      const byFile = new Map<string, number>();
      for (const [url, n] of await settled()) byFile.set(url, (byFile.get(url) ?? 0) + n);
      return [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([url, n]) => `${url.split("/").pop()} ${(n / 1e6).toFixed(2)} MB`);
    }
  };
}

/** Moves the essay's sample slider and resolves when every map figure has been drawn again. */
async function changeSample(page: Page): Promise<number> {
  await page.evaluate((selectors) => {
    for (const s of selectors) (document.querySelector(s) as any).__before = true;
  }, SAMPLE_FIGURES);
  const t0 = await page.evaluate((next) => {
    const label = [...document.querySelectorAll("form label")].find((l) => l.textContent?.trim() === "Sample");
    const input = label?.closest("form")?.querySelector("input[type=range]") as HTMLInputElement;
    const start = performance.now();
    input.value = String(next);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    return start;
  }, NEXT_SAMPLE);
  // resolves with the time of the first frame in which every figure is new
  const done = await page.waitForFunction((selectors) => selectors.every((s) => {
    const node = document.querySelector(s) as any;
    return node && !node.__before;
  }) && performance.now(), SAMPLE_FIGURES, {timeout: TIMEOUT, polling: "raf"});
  return ((await done.jsonValue()) as number) - t0;
}

/** Resolves once no request of the context (its workers' included) has been in flight for QUIET ms, or after IDLE_LIMIT ms. */
function idleNetwork(context: BrowserContext) {
  let inFlight = 0;
  let since = performance.now();
  const done = () => {
    inFlight--;
    since = performance.now();
  };
  context.on("request", () => inFlight++);
  context.on("requestfinished", done);
  context.on("requestfailed", done);
  return async () => {
    const limit = performance.now() + IDLE_LIMIT; // a request that never ends (none does today) must not stall the run
    while ((inFlight > 0 || performance.now() - since < QUIET) && performance.now() < limit) await new Promise((wake) => setTimeout(wake, 25));
  };
}

async function load(browser: Browser, url: string, path: keyof typeof PAGES, network: (typeof NETWORKS)[keyof typeof NETWORKS]): Promise<Load> {
  const context = await browser.newContext();
  const idle = idleNetwork(context);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const bytes = countBytes(context);
  if (network) await cdp.send("Network.emulateNetworkConditions", network);
  await page.goto(new URL(`./${PAGES[path]}`, url).href, {waitUntil: "commit"});
  // When each figure first shows: stamped in the page, in the first animation frame that finds it
  // (performance.now() counts from the start of navigation), every figure watched at once, so that a busy
  // page answering the bench late does not count.
  const shown = (selector: string) =>
    page.waitForFunction((s) => document.querySelector(s) !== null && performance.now(), selector, {timeout: TIMEOUT, polling: "raf"}).then(async (stamp) => (await stamp.jsonValue()) as number);
  const [first, ...rest] = await Promise.all([FIRST[path], ...READY[path]].map(shown));
  const all = Math.max(...rest);
  const result: Load = {bytes: await bytes.total(), first, all, largest: await bytes.largest()};
  if (path === "/") {
    await idle();
    result.sample = await changeSample(page);
  }
  await context.close();
  return result;
}

const browser = await launch();
console.log(`pages in Chromium, ${LOADS} cold loads each (medians), load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`${"site".padEnd(28)} ${"network".padEnd(10)} ${"page".padEnd(9)} ${"MB".padStart(8)} ${"first".padStart(8)} ${"all".padStart(8)} ${"sample".padStart(8)}   largest transfers`);
// Every site is served at once and loaded in turn, load by load, so that a change in the machine's load
// during the run weighs on each site alike.
const servers = await Promise.all(SITES.map((site) => serve(site)));
try {
  for (const {url} of servers) await load(browser, url, "/", null); // the server compresses each file once: not part of any figure
  for (const [network, conditions] of Object.entries(NETWORKS)) {
    for (const path of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
      const loads: Load[][] = SITES.map(() => []);
      for (let i = 0; i < LOADS; i++) for (const [s, {url}] of servers.entries()) loads[s].push(await load(browser, url, path, conditions));
      for (const [s, site] of SITES.entries()) {
        const runs = loads[s];
        const ms = (pick: (l: Load) => number | undefined) => (runs[0] && pick(runs[0]) !== undefined ? median(runs.map((l) => pick(l)!)).toFixed(0) : "—");
        console.log([site.padEnd(28), network.padEnd(10), path.padEnd(9), (median(runs.map((l) => l.bytes)) / 1e6).toFixed(2).padStart(8), ms((l) => l.first).padStart(8), ms((l) => l.all).padStart(8), ms((l) => l.sample).padStart(8), `  ${runs[0].largest.join(", ")}`].join(" "));
      }
    }
  }
} finally {
  for (const {server} of servers) server.close();
  await browser.close();
}
console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
