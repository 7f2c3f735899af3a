// The explorer on a Parquet file read in parts, in Chromium, opened by its URL: pyarrow's files of the known
// tensor (test/fixtures/upload/make_parts.py), served by the test site's own server, which answers range
// requests. The weights drawn are the file's, a head change draws the new head, the address keeps the URL, a
// part with an error shows it in place of its view, and Your data's report of a file opened by its URL links here.
import {copyFileSync, rmSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {HALF, HEADS, knownWeights, N} from "../helpers/knownAttention.js";
import {pageOpener, sharedBrowser} from "./session.js";
import {OUTPUT} from "./site.js";

const TIMEOUT = 30_000;
const SENTENCE = "[data-view=sentence] .mixviz-sentence-view";
const FIXTURES = new URL("../fixtures/upload/", import.meta.url);
const SERVED = ["parts-dense-f16.parquet", "parts-negative.parquet"];
const KNOWN = knownWeights();

const browser = sharedBrowser();
const openExplorer = pageOpener(browser, "/explorer", async (p) => {
  await p.waitForSelector(`${SENTENCE}[data-focus]`, {timeout: TIMEOUT});
});

beforeAll(() => {
  for (const name of SERVED) copyFileSync(new URL(name, FIXTURES), join(OUTPUT, name));
});
afterAll(() => {
  for (const name of SERVED) rmSync(join(OUTPUT, name), {force: true});
});

const fileUrl = (name: string) => new URL(`./${name}`, inject("siteUrl")).href;

/** Waits until the Sentence View shows `head` (e.g. "L1H2") at `query`, and gives its weights by key. */
async function drawnRow(page: Page, head: string, query: number): Promise<number[]> {
  await page.waitForFunction(
    ([s, h, q]) => document.querySelector(s)?.getAttribute("data-focus") === `query:${q}` && document.querySelector("[data-view=sentence] h2")?.textContent?.includes(h),
    [SENTENCE, head, query] as const,
    {timeout: TIMEOUT}
  );
  return page.$$eval(`${SENTENCE} .lines line`, (lines) => lines.map((l) => Number(l.getAttribute("data-weight"))));
}

/** The file's weights of one row: layer, head, query. */
const knownRow = (layer: number, head: number, query: number) => Array.from({length: N}, (_, k) => KNOWN[((layer * HEADS + head) * N + query) * N + k]);

function expectRow(row: number[], expected: number[]) {
  expect(row.length).toBe(N);
  row.forEach((w, k) => expect(Math.abs(w - expected[k])).toBeLessThanOrEqual(HALF));
}

describe("the explorer on a Parquet file read in parts, opened by its URL", () => {
  test("opens on the file's model; the weights drawn are the file's, a head change draws the new head, and the address keeps the URL", async () => {
    const url = fileUrl("parts-dense-f16.parquet");
    const {page, problems} = await openExplorer(`?url=${encodeURIComponent(url)}`);
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain(`The Parquet file at ${url} is read in parts`);
    await page.waitForSelector("[data-view=field] .mixviz-field", {timeout: TIMEOUT});
    expect(await page.locator("[data-view=grid]").count()).toBe(0);
    // Layer 1, head 2, query 3: ] then ↓ ↓ then → → →.
    for (const key of ["]", "ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight"]) await page.keyboard.press(key);
    expectRow(await drawnRow(page, "L1H2", 3), knownRow(1, 2, 3));
    await page.waitForSelector('[data-view=field] svg[aria-label*=" layer 1, "]', {timeout: TIMEOUT}); // the field, drawn again for the new layer
    await page.keyboard.press("ArrowUp");
    expectRow(await drawnRow(page, "L1H1", 3), knownRow(1, 1, 3));
    expect(knownRow(1, 1, 3)).not.toEqual(knownRow(1, 2, 3)); // the two heads differ, so the row drawn is the new head's
    await page.waitForFunction(() => document.querySelector(".mixviz-live")?.textContent?.includes("L1H1"), undefined, {timeout: TIMEOUT}); // announced once drawn
    await page.waitForFunction(() => new URLSearchParams(location.search).get("head") === "1", undefined, {timeout: TIMEOUT});
    const address = new URL(page.url()).searchParams;
    expect([address.get("url"), address.get("model"), address.get("layer"), address.get("head"), address.get("query")]).toEqual([url, "file", "1", "1", "3"]);
    // A reload opens the same file at the same head.
    await page.reload();
    expectRow(await drawnRow(page, "L1H1", 3), knownRow(1, 1, 3));
    expect(problems).toEqual([]);
  });

  test("a part with an error shows it in place of its views; the other heads still draw", async () => {
    const page = await browser().newPage();
    await page.goto(new URL(`./explorer?url=${encodeURIComponent(fileUrl("parts-negative.parquet"))}&layer=1&head=2`, inject("siteUrl")).href);
    const error = page.locator("[data-view=sentence] [data-error]");
    await error.waitFor({timeout: TIMEOUT});
    await page.locator("[data-view=field] [data-error]").waitFor({timeout: TIMEOUT}); // the field needs every head of the layer
    expect(await error.textContent()).toMatch(/could not be drawn: .*attention weights cannot be negative \("pattern"\): row 3 \(layer 1, head 2, query 3\), key 0 is -0\.25/);
    await page.keyboard.press("ArrowUp");
    expectRow(await drawnRow(page, "L1H1", 0), knownRow(1, 1, 0));
    await page.close();
  });

  test("Your data's report of a file opened by its URL links to the explorer on that file", async () => {
    const url = fileUrl("parts-dense-f16.parquet");
    const page = await browser().newPage();
    await page.goto(new URL(`./your-data?url=${encodeURIComponent(url)}`, inject("siteUrl")).href);
    const link = page.locator(".mixviz-kept a[data-page=explorer]");
    await link.waitFor({timeout: TIMEOUT});
    await link.click();
    await page.waitForURL(/\/explorer\?/, {timeout: TIMEOUT});
    await page.waitForSelector(`${SENTENCE}[data-focus]`, {timeout: TIMEOUT});
    for (const key of ["ArrowRight", "ArrowRight"]) await page.keyboard.press(key);
    expectRow(await drawnRow(page, "L0H0", 2), knownRow(0, 0, 2));
    expect(new URL(page.url()).searchParams.get("url")).toBe(url);
    await page.close();
  });
});
