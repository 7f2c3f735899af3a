// The head workbench on a Parquet file read in parts, in Chromium, opened by its URL: pyarrow's file of planted heads
// (test/fixtures/upload/make_parts.py: 2 layers × 4 heads × 81 tokens; L0H1 a previous-token head, L1H2 an induction
// head), served by the test site's own server, which answers range requests. The page reads every head in a scan
// with its progress shown, detection finds the previous-token head (without a tokens file the token scores are not
// offered; with one at a URL, `&tokens=`, they are, and find the induction head), the weights drawn are the file's,
// the custom score ranks the shown layer, the address keeps the URL, and a part that cannot be read is named where
// detection would be.
import {copyFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {pageOpener, sharedBrowser} from "./session.js";
import {OUTPUT} from "./site.js";

const TIMEOUT = 30_000;
const FIXTURES = new URL("../fixtures/upload/", import.meta.url);
const SERVED = ["parts-planted.parquet", "parts-negative.parquet"];
const EDITOR = ".mixviz-score-editor";

const browser = sharedBrowser();
const openHeads = pageOpener(browser, "/heads", async (p) => {
  await p.waitForSelector(".mixviz-head-types td", {timeout: TIMEOUT});
});

/** The planted file's tokens (make_parts.py: BOS, then a segment of 40 tokens twice), served as a tokens file at a URL. */
const TOKENS_FILE = "parts-planted-tokens.json";
const SEGMENT = Array.from({length: 40}, (_, i) => `w${(i * 7) % 40}`);
const PLANTED_TOKENS = ["<|endoftext|>", ...SEGMENT, ...SEGMENT];

beforeAll(() => {
  for (const name of SERVED) copyFileSync(new URL(name, FIXTURES), join(OUTPUT, name));
  writeFileSync(join(OUTPUT, TOKENS_FILE), JSON.stringify(PLANTED_TOKENS));
});
afterAll(() => {
  for (const name of [...SERVED, TOKENS_FILE]) rmSync(join(OUTPUT, name), {force: true});
});

const fileUrl = (name: string) => new URL(`./${name}`, inject("siteUrl")).href;

/** The raw labels' tags of one head in the head-type grid ("raw prev first" → ["prev", "first"]). */
const rawTags = async (page: Page, label: string) => ((await page.locator(`.mixviz-head-types td[data-head=${label}] .mixviz-type-raw`).textContent()) ?? "").split(" ").slice(1);

/** Waits until every scan has read the whole input: no progress note left, no thumbnail waiting. */
const scanned = (page: Page) =>
  page.waitForFunction(() => document.querySelectorAll(".mixviz-scan-note").length > 0 && [...document.querySelectorAll(".mixviz-scan-note")].every((n) => n.textContent === "") && !document.querySelector(".mixviz-head-grid canvas[data-pending]"), undefined, {timeout: TIMEOUT});

describe("the head workbench on a Parquet file read in parts, opened by its URL", () => {
  test("reads every head with its progress shown; detection finds the planted head; the weights drawn are the file's; the address keeps the URL", async () => {
    const url = fileUrl("parts-planted.parquet");
    const {page, problems} = await openHeads(`?url=${encodeURIComponent(url)}`);
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain(`The Parquet file at ${url} is read in parts`);
    expect(await page.locator("#mixviz-workbench-controls select").first().inputValue()).toBe("file");
    await scanned(page);
    expect(await page.locator(".mixviz-head-grid canvas").count()).toBe(8);
    expect(await rawTags(page, "L0H1")).toContain("prev");
    for (const head of ["L0H0", "L0H2", "L0H3", "L1H0", "L1H1", "L1H2", "L1H3"]) expect(await rawTags(page, head)).not.toContain("prev");
    // L0H1 locked, token 5 held: the token bar's weights are the file's row 5 of that head (all on key 4).
    await page.locator(".mixviz-head-thumb[data-head=L0H1]").click();
    await page.locator(".mixviz-token[data-pos='5']").click();
    await page.waitForFunction(() => document.querySelector(".mixviz-token[data-pos='4']")?.getAttribute("data-weight") === "1.000", undefined, {timeout: TIMEOUT});
    const weights = await page.$$eval(".mixviz-token[data-weight]", (nodes) => nodes.map((n) => Number(n.getAttribute("data-weight"))));
    expect(weights).toEqual(Array.from({length: 81}, (_, k) => (k === 4 ? 1 : 0)));
    // A uniform head: row 5 spreads its weight over keys 0–5.
    await page.locator(".mixviz-head-thumb[data-head=L0H0]").click();
    await page.waitForFunction(() => document.querySelector(".mixviz-token[data-pos='0']")?.getAttribute("data-weight") !== "0.000", undefined, {timeout: TIMEOUT});
    const uniform = await page.$$eval(".mixviz-token[data-weight]", (nodes) => nodes.map((n) => Number(n.getAttribute("data-weight"))));
    uniform.forEach((w, k) => expect(w).toBeCloseTo(k <= 5 ? 1 / 6 : 0, 3)); // the bar gives weights to 3 decimals
    // The flow across layers is drawn once the scan has read every layer; the layer summary reads its layer.
    await page.waitForSelector(".mixviz-layer-flow", {timeout: TIMEOUT});
    // The custom score ranks the heads of the layer shown (layer 0).
    await page.locator(`${EDITOR} textarea`).fill("(map) => map[1][0]");
    await page.locator(`${EDITOR} button`).click();
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "ok", EDITOR, {timeout: TIMEOUT});
    const ranked = await page.$$eval(".mixviz-score-ranking tbody tr td:nth-child(2)", (cells) => cells.map((c) => c.textContent));
    expect([...ranked].sort()).toEqual(["L0H0", "L0H1", "L0H2", "L0H3"]);
    const address = new URL(page.url()).searchParams;
    expect([address.get("url"), address.get("model"), address.get("layer"), address.get("head")]).toEqual([url, "file", "0", "0"]);
    // A reload opens the same file at the same head.
    await page.reload();
    await page.waitForFunction(() => document.querySelector(".mixviz-workbench [data-view=heatmap] h2")?.textContent?.includes("L0H0"), undefined, {timeout: TIMEOUT});
    expect(problems).toEqual([]);
    await page.close();
  });

  test("with its tokens file at a URL, the token scores are offered: detection finds the planted induction head; the address keeps both", async () => {
    const url = fileUrl("parts-planted.parquet");
    const tokens = fileUrl(TOKENS_FILE);
    const {page, problems} = await openHeads(`?url=${encodeURIComponent(url)}&tokens=${encodeURIComponent(tokens)}`);
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain(`The Parquet file at ${url}, with the tokens at ${tokens}, is read in parts`);
    await scanned(page);
    expect(await rawTags(page, "L1H2")).toContain("ind");
    for (const head of ["L0H0", "L0H1", "L0H2", "L0H3", "L1H0", "L1H1", "L1H3"]) expect(await rawTags(page, head)).not.toContain("ind");
    expect(await page.locator(".mixviz-token[data-pos='1']").textContent()).toBe(PLANTED_TOKENS[1]);
    await page.locator(".mixviz-head-thumb[data-head=L1H2]").click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("head") === "2", undefined, {timeout: TIMEOUT});
    const address = new URL(page.url()).searchParams;
    expect([address.get("url"), address.get("tokens")]).toEqual([url, tokens]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a part that cannot be read is named where detection would be; the heads that read still draw", async () => {
    const {page} = await openHeads(`?url=${encodeURIComponent(fileUrl("parts-negative.parquet"))}`);
    await page.waitForFunction(() => [...document.querySelectorAll(".mixviz-scan-note")].some((n) => /could not be read whole for detection: .*layer 1, head 2/.test(n.textContent ?? "")), undefined, {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-head-thumb[data-head=L0H0] canvas[data-pending]").count()).toBe(0);
    await page.close();
  });
});
