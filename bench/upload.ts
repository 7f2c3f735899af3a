// `tsx bench/upload.ts [site folder …]`: how long the "Your data" page takes to read, check and draw an
// attention file of 12 layers × 12 heads × 512 tokens (128 for the slower layouts too) in each layout it
// accepts, the longest task that blocks its main thread meanwhile, the redraw after one scrubber move, and the
// memory of the page's renderer process (its workers and wasm included) before the file and at its peak — in
// Debian's Chromium through playwright-core, on built sites (default: $MIXVIZ_OUTPUT or dist; build one first,
// e.g. MIXVIZ_PROFILE=tiny MIXVIZ_OUTPUT=.cache/bench-dist npm run build). Give the previous commit's site
// beside the new one to measure both in the same run: each file is written once and opened on every site.
// ONLY=<text> opens only the layouts whose name contains it (e.g. ONLY="tidy Parquet").
// Prints figures; never passes or fails on a time.
import {mkdtempSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromArrays} from "apache-arrow";
import {serve} from "../scripts/serve.js";
import {launch} from "../test/e2e/browser.js";
import {arrowStream, bertviz, denseTable, pandasTidyColumns, parquet, syntheticWeights, tidyColumns, tidyTable, tokenList, type Shape} from "../test/helpers/attentionFiles.js";
import {longestTask, rendererMB, rendererPeak, uploadOnPage} from "./yourData.js";

const SITES = process.argv.length > 2 ? process.argv.slice(2) : [process.env.MIXVIZ_OUTPUT ?? "dist"];
const LARGE: Shape = {layers: 12, heads: 12, tokens: 512};
const MEDIUM: Shape = {layers: 12, heads: 12, tokens: 128};
const SCRUB_TO = 300;
const TIMEOUT = 180_000;
const MB = 1e6;

interface Layout {
  name: string;
  shape: Shape;
  write: (dir: string) => string;
}

const layouts: Layout[] = [
  {name: "dense Arrow (one row per query)", shape: LARGE, write: (dir) => file(dir, "dense.arrow", arrowStream(denseTable(LARGE, syntheticWeights(LARGE))))},
  {name: "tidy Arrow (one row per weight)", shape: LARGE, write: (dir) => file(dir, "tidy.arrow", arrowStream(tableFromArrays(tidyColumns(LARGE, syntheticWeights(LARGE)))))},
  {name: "tidy Parquet", shape: MEDIUM, write: (dir) => file(dir, "tidy.parquet", parquet(tidyTable(MEDIUM, syntheticWeights(MEDIUM))))},
  {name: "tidy Parquet", shape: LARGE, write: (dir) => file(dir, "tidy-large.parquet", parquet(tidyTable(LARGE, syntheticWeights(LARGE))))},
  {name: "tidy Parquet, 64-bit indices (pandas)", shape: LARGE, write: (dir) => file(dir, "tidy-pandas.parquet", parquet(tableFromArrays(pandasTidyColumns(LARGE, syntheticWeights(LARGE)))))},
  {name: "BertViz JSON", shape: MEDIUM, write: (dir) => file(dir, "bertviz.json", bertviz(MEDIUM, syntheticWeights(MEDIUM), tokenList(MEDIUM.tokens)))}
];

function file(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const dir = mkdtempSync(join(tmpdir(), "mixviz-bench-upload-"));
const served = await Promise.all(SITES.map(async (site) => ({site, ...(await serve(site))})));
const browser = await launch();
console.log(`"Your data" page, Chromium ${browser.version()}, sites: ${SITES.join(", ")}`);
console.log("layout | shape | file MB | site | read+check (page) ms | load → views drawn ms | longest main-thread task ms | scrubber move → redrawn ms | renderer MB before the file → peak (+ growth)");
try {
  for (const layout of layouts.filter((l) => l.name.includes(process.env.ONLY ?? ""))) {
    const generated = Date.now();
    const path = layout.write(dir);
    const size = statSync(path).size / MB;
    const written = Date.now() - generated;
    const {layers, heads, tokens} = layout.shape;
    for (const {site, url} of served) {
      const page = await browser.newPage();
      let base = 0;
      const memory = rendererPeak(); // from the page's load, before the file is picked
      const {state, started} = await uploadOnPage(page, url, path, TIMEOUT, () => (base = rendererMB()));
      let drawn = "—";
      let scrub = "—";
      let check = "—";
      let blocked = "—";
      if (state !== "error") {
        await page.waitForSelector(".mixviz-sentence-view", {timeout: TIMEOUT});
        drawn = String(Date.now() - started);
        blocked = (await longestTask(page)).toFixed(0);
        check = (await page.locator(".mixviz-upload-report p").first().textContent())?.match(/in (\d+) ms/)?.[1] ?? "?";
        const query = Math.min(SCRUB_TO, tokens - 1);
        const moved = Date.now();
        await page.locator("[data-control=scrubber]").fill(String(query));
        await page.waitForFunction((q) => document.querySelector(".mixviz-sentence-view")?.getAttribute("data-focus") === `query:${q}`, query, {timeout: TIMEOUT});
        scrub = String(Date.now() - moved);
      } else {
        drawn = `refused: ${await page.locator(".mixviz-upload-report li").first().textContent()}`;
      }
      const peak = memory.stop();
      console.log(`${layout.name} | ${layers}×${heads}×${tokens} | ${size.toFixed(1)} (written in ${written} ms) | ${site} | ${check} | ${drawn} | ${blocked} | ${scrub} | ${base.toFixed(0)} → ${peak.toFixed(0)} (+${(peak - base).toFixed(0)})`);
      await page.close();
    }
    rmSync(path);
  }
} finally {
  await browser.close();
  served.forEach(({server}) => server.close());
  rmSync(dir, {recursive: true, force: true});
}
