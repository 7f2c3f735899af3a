// A Parquet file read in parts on "Your data", in Chromium, by its URL: pyarrow's files of the known tensor
// (test/fixtures/upload/make_parts.py), served by the test site's own server, which answers range requests.
// The weights drawn are the file's; a tokens file at a URL labels them; a part with an error shows it in place of
// its view while the others draw; a host that does not allow the page's origin is a message naming what it must allow.
import {copyFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {serve} from "../../scripts/serve.js";
import {HALF, HEADS, knownWeights, N} from "../helpers/knownAttention.js";
import {pageOpener, sharedBrowser} from "./session.js";
import {OUTPUT} from "./site.js";

const TIMEOUT = 30_000;
const REPORT = ".mixviz-upload-report";
const SENTENCE = "[data-view=sentence] .mixviz-sentence-view";
const FIXTURES = new URL("../fixtures/upload/", import.meta.url);
const SERVED = ["parts-dense-f16.parquet", "parts-negative.parquet"];
const KNOWN = knownWeights();

const browser = sharedBrowser();
const openYourData = pageOpener(browser, "/your-data", async (p) => {
  await p.waitForFunction((s) => {
    const el = document.querySelector<HTMLElement>(s);
    return el !== null && el.dataset.state !== "loading" && el.textContent?.includes("read in parts");
  }, REPORT, {timeout: TIMEOUT});
});

/** A tokens file for the dense file's N positions, served beside it. */
const TOKENS_FILE = "parts-dense-tokens.json";
const TOKENS = Array.from({length: N}, (_, k) => `tok${k}`);

beforeAll(() => {
  for (const name of SERVED) copyFileSync(new URL(name, FIXTURES), join(OUTPUT, name));
  writeFileSync(join(OUTPUT, TOKENS_FILE), JSON.stringify(TOKENS));
});
afterAll(() => {
  for (const name of [...SERVED, TOKENS_FILE]) rmSync(join(OUTPUT, name), {force: true});
});

/** The address that opens a file of the test site by its URL. */
const byUrl = (name: string) => `?url=${encodeURIComponent(new URL(`./${name}`, inject("siteUrl")).href)}`;

/** The Sentence View's weights of the current query, by key, once the head is drawn. */
async function drawnRow(page: Page): Promise<number[]> {
  await page.waitForSelector(`${SENTENCE}[data-focus]`, {timeout: TIMEOUT});
  return page.$$eval(`${SENTENCE} .lines line`, (lines) => lines.map((l) => Number(l.getAttribute("data-weight"))));
}

describe("a Parquet file read in parts, opened by its URL", () => {
  test("the report says it is read in parts, the weights drawn are the file's, and keys move between heads and layers", async () => {
    const {page, problems} = await openYourData(byUrl("parts-dense-f16.parquet"));
    expect(await page.locator(`${REPORT} p`).first().textContent()).toMatch(/dense Parquet, read in parts \(6 row groups\): 1 sequence × 2 layers × 3 heads × 6 tokens, opened from its footer in \d+ ms/);
    await page.waitForSelector("[data-view=field] [data-window]", {timeout: TIMEOUT});
    // Layer 1, head 2, query 3: ] then ↓ ↓ then → → →.
    for (const key of ["]", "ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight"]) await page.keyboard.press(key);
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute("data-focus") === "query:3" && document.querySelector("[data-view=sentence] h2")?.textContent?.includes("L1H2"), SENTENCE, {timeout: TIMEOUT});
    const row = await drawnRow(page);
    const expected = Array.from({length: N}, (_, k) => KNOWN[((1 * HEADS + 2) * N + 3) * N + k]);
    expect(row.length).toBe(N);
    row.forEach((w, i) => expect(Math.abs(w - expected[i])).toBeLessThanOrEqual(HALF));
    // The field of layer 1 outlines the head drawn, and only it.
    await page.waitForFunction(() => document.querySelector("[data-view=field] h2")?.textContent?.includes("layer 1"), undefined, {timeout: TIMEOUT});
    expect(await page.$$eval("[data-view=field] svg text[font-weight=bold]", (texts) => texts.map((t) => t.textContent))).toEqual(["L1H2"]);
    await page.keyboard.press("ArrowUp");
    await page.waitForFunction(() => document.querySelector("[data-view=sentence] h2")?.textContent?.includes("L1H1"), undefined, {timeout: TIMEOUT});
    expect(await page.$$eval("[data-view=field] svg text[font-weight=bold]", (texts) => texts.map((t) => t.textContent))).toEqual(["L1H1"]);
    const up = await drawnRow(page);
    up.forEach((w, k) => expect(Math.abs(w - KNOWN[((1 * HEADS + 1) * N + 3) * N + k])).toBeLessThanOrEqual(HALF));
    expect(problems).toEqual([]);
  });

  test("the URL field opens a file in parts and names it in the address, so a reload opens it again", async () => {
    const page = await browser().newPage();
    await page.goto(new URL("./your-data", inject("siteUrl")).href);
    await page.waitForSelector(`${REPORT}[data-state=ok]`, {timeout: TIMEOUT});
    const url = new URL("./parts-dense-f16.parquet", inject("siteUrl")).href;
    await page.fill("input[type=url]", url);
    await page.click("form.mixviz-url button[type=submit]");
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("read in parts"), REPORT, {timeout: TIMEOUT});
    expect(new URL(page.url()).searchParams.get("url")).toBe(url);
    await page.reload();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("read in parts"), REPORT, {timeout: TIMEOUT});
    expect((await drawnRow(page)).length).toBe(N);
    await page.close();
  });

  test("with a tokens file at a URL in the second field, its tokens label the views, the address names both, and so do the links to the other pages", async () => {
    const page = await browser().newPage();
    await page.goto(new URL("./your-data", inject("siteUrl")).href);
    await page.waitForSelector(`${REPORT}[data-state=ok]`, {timeout: TIMEOUT});
    const url = new URL("./parts-dense-f16.parquet", inject("siteUrl")).href;
    const tokens = new URL(`./${TOKENS_FILE}`, inject("siteUrl")).href;
    await page.locator("form.mixviz-url input[type=url]").nth(0).fill(url);
    await page.locator("form.mixviz-url input[type=url]").nth(1).fill(tokens);
    await page.click("form.mixviz-url button[type=submit]");
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("read in parts"), REPORT, {timeout: TIMEOUT});
    expect(await page.locator(REPORT).textContent()).not.toContain("no tokens list came with the file");
    await page.waitForSelector(`${SENTENCE}[data-focus]`, {timeout: TIMEOUT});
    expect(await page.$$eval(`${SENTENCE} .query-tokens text`, (texts) => texts.map((t) => t.textContent))).toEqual(TOKENS);
    const address = new URL(page.url()).searchParams;
    expect([address.get("url"), address.get("tokens")]).toEqual([url, tokens]);
    const workbench = new URL((await page.locator("a[href*='heads?']").first().getAttribute("href"))!, page.url()).searchParams;
    expect([workbench.get("url"), workbench.get("tokens")]).toEqual([url, tokens]);
    await page.close();
  });

  test("a part with an error shows it in place of its view; the other heads still draw", async () => {
    const {page} = await openYourData(byUrl("parts-negative.parquet"));
    await drawnRow(page); // L0H0
    await page.keyboard.press("]");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const error = page.locator("[data-view=sentence] [data-error]");
    await error.waitFor({timeout: TIMEOUT});
    expect(await error.textContent()).toMatch(/could not be drawn: .*attention weights cannot be negative \("pattern"\): row 3 \(layer 1, head 2, query 3\), key 0 is -0\.25/);
    await page.keyboard.press("ArrowUp");
    expect((await drawnRow(page)).length).toBeGreaterThan(0); // L1H1
  });

  test("a host that does not allow the page's origin is a message naming what it must allow, and the page stays usable", async () => {
    const other = await serve(new URL(".", FIXTURES).pathname); // another origin, no CORS headers
    try {
      const page = await browser().newPage();
      await page.goto(new URL(`./your-data?url=${encodeURIComponent(new URL("./parts-dense-f16.parquet", other.url).href)}`, inject("siteUrl")).href);
      await page.waitForSelector(`${REPORT}[data-state=error]`, {timeout: TIMEOUT});
      expect(await page.locator(`${REPORT} li`).first().textContent()).toMatch(/could not be read .*the host must allow this page's origin \(CORS\) and answer range requests/);
      await page.locator("button", {hasText: "Back to the built-in example"}).click();
      await page.waitForSelector(`${REPORT}[data-state=ok]`, {timeout: TIMEOUT});
      await page.close();
    } finally {
      other.server.close();
    }
  });
});
