// `npx tsx bench/essay.ts [site folder]`: how soon a reader of the essay sees its first figure (the task
// grid, drawn from a small JSON before DuckDB-wasm has started) and all of its figures (the READY list of
// the browser tests), in Debian's Chromium through playwright-core on a built site served on 127.0.0.1
// (default folder: $MIXVIZ_OUTPUT or dist). Each load uses a fresh browser context (cold cache).
// Prints figures; never passes or fails on a time.
import {loadavg} from "node:os";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {READY} from "../test/e2e/ready.js";

const SITE = process.argv[2] ?? process.env.MIXVIZ_OUTPUT ?? "dist";
const LOADS = 5;
const FIRST_FIGURE = ".mixviz-relation-grid";
const DUCKDB_FIGURE = "svg[aria-label^='Validation F1']";
const TIMEOUT = 120_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const {server, url} = await serve(SITE);
const browser = await launch();
const times = {first: [] as number[], duckdb: [] as number[], all: [] as number[]};
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // performance.now() in the page counts from the start of navigation
    const at = async (selector: string) => {
      await page.waitForSelector(selector, {timeout: TIMEOUT});
      return page.evaluate(() => performance.now());
    };
    await page.goto(new URL("./index", url).href, {waitUntil: "commit"});
    times.first.push(await at(FIRST_FIGURE));
    times.duckdb.push(await at(DUCKDB_FIGURE));
    let last = 0;
    for (const selector of READY["/"]) last = Math.max(last, await at(selector));
    times.all.push(last);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

console.log(`essay in Chromium on ${url} (${SITE}), ${LOADS} cold loads, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("milestone                               median ms   min ms   max ms");
for (const [name, xs] of [
  ["first figure (task grid, JSON)", times.first],
  ["first DuckDB figure (training curves)", times.duckdb],
  ["all figures", times.all]
] as const) {
  console.log(`${name.padEnd(40)}${median(xs).toFixed(0).padStart(9)}${Math.min(...xs).toFixed(0).padStart(9)}${Math.max(...xs).toFixed(0).padStart(9)}`);
}
