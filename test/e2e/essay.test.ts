// The essay in Chromium, on the test build: every figure renders, every number bound to metrics.json shows
// that file's value, the deep links (the essay's own ?sample=&query= and each figure's explorer link)
// restore their state, the exercise answers open, the first figures appear before DuckDB's tables load, and
// printing to PDF gives pages with the chrome hidden. No console errors and no non-local requests anywhere.
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {fmt} from "../../src/components/prose.js";
import {STUDY} from "../../src/components/study.js";
import {launch, visit} from "./browser.js";

const base = inject("siteUrl");
const ESSAY = new URL("./index", base).href;
const SETTLE_MS = 60_000;

/** What the essay draws once every cell has run. */
const FIGURES = [
  ".mixviz-head-flow",
  "[data-figure=task] .mixviz-relation-grid",
  "#fig-mha .mixviz-sentence-view",
  "#fig-th-mixing .mixviz-matrix",
  "#fig-th-maps .mixviz-heatmaps svg",
  "#fig-iha-blocks .mixviz-pseudo-blocks",
  "#fig-iha-mixing .mixviz-matrix",
  "#fig-iha-readings .mixviz-triptych svg",
  "#fig-ablation svg",
  "svg[aria-label^='Validation F1']",
  "form table"
];

const settle = async (page: Page) => {
  for (const selector of FIGURES) await page.waitForSelector(selector, {timeout: SETTLE_MS});
};

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** The built file a page loaded, by its name before the content hash (e.g. "metrics" → …/metrics.1a2b.json). */
async function loadedFile(page: Page, name: string, extension: string): Promise<string> {
  const urls = await page.evaluate(() => performance.getEntriesByType("resource").map((entry) => entry.name));
  const pattern = new RegExp(`/_file/data/${name}\\.[0-9a-f]+\\.${extension}$`);
  const url = urls.find((u) => pattern.test(new URL(u).pathname));
  if (!url) throw new Error(`the page did not load data/${name}.${extension}`);
  return url;
}

function at(object: unknown, key: string): unknown {
  return key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], object);
}

describe("the essay, in Chromium, offline", () => {
  test("every figure renders, with no errors and no remote requests", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    expect(problems).toEqual([]);
    // Each figure that shows one head names a head that exists.
    for (const id of ["#fig-mha", "#fig-th-maps", "#fig-iha-blocks", "#fig-iha-readings"]) {
      const head = Number(await page.locator(id).getAttribute("data-head"));
      expect(Number.isInteger(head) && head >= 0).toBe(true);
    }
    await page.close();
  });

  test("every number bound to metrics.json shows that file's value", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const metrics = await (await fetch(await loadedFile(page, "metrics", "json"))).json();
    const numbers = await page.locator(".mixviz-num").evaluateAll((nodes) => nodes.map((n) => ({key: (n as HTMLElement).dataset.metric ?? "", text: n.textContent ?? ""})));
    expect(numbers.length).toBeGreaterThan(30);
    for (const {key, text} of numbers) {
      const value = at(metrics, key);
      expect(typeof value, key).toBe("number");
      expect([fmt(value as number), String(value)], key).toContain(text);
    }
    // No prose sentence shows a missing value.
    const prose = await page.locator("#observablehq-main").innerText();
    expect(prose).not.toMatch(/NaN|undefined|\[object /);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("every number in the results table equals metrics.json (ours) or the study's quoted values", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const metrics = await (await fetch(await loadedFile(page, "metrics", "json"))).json();
    const table = page.locator("#fig-results table");
    const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.trim());
    const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")));
    const NAMES: Record<string, keyof typeof STUDY> = {MHA: "mha", "Talking Heads": "talking_heads", IHA: "iha"};
    const cell = (row: string[], header: string) => row[headers.indexOf(header)];
    let ours = 0;
    for (const row of rows) {
      const arch = NAMES[cell(row, "architecture")];
      const reading = cell(row, "reading");
      expect(arch, `row ${row.join(" | ")}`).toBeDefined();
      const expected =
        reading === "the study's"
          ? {"best epoch": String(STUDY[arch].best_epoch), alignment: fmt(STUDY[arch].alignment), redundancy: fmt(STUDY[arch].redundancy), entropy: fmt(STUDY[arch].entropy)}
          : {
              "test F1": metrics.architectures[arch].test_f1.toFixed(4),
              "best epoch": String(metrics.architectures[arch].best_epoch),
              alignment: fmt(metrics.architectures[arch].maps[reading].alignment),
              "best head": fmt(metrics.architectures[arch].maps[reading].best_head_alignment),
              redundancy: fmt(metrics.architectures[arch].maps[reading].redundancy),
              entropy: fmt(metrics.architectures[arch].maps[reading].entropy)
            };
      if (reading !== "the study's") ours++;
      for (const [header, value] of Object.entries(expected)) expect(cell(row, header), `${arch} ${reading} ${header}`).toBe(value);
    }
    const kinds = Object.values(metrics.architectures as Record<string, {map_kinds: string[]}>).reduce((n, a) => n + a.map_kinds.length, 0);
    expect(ours).toBe(kinds);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("the first figures appear before any Arrow table has loaded", async () => {
    const page = await browser.newPage();
    let release: () => void = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== "127.0.0.1") return route.abort();
      if (url.pathname.endsWith(".arrow")) await held;
      return route.continue();
    });
    await page.goto(ESSAY, {waitUntil: "domcontentloaded"});
    await page.waitForSelector(".mixviz-head-flow", {timeout: SETTLE_MS});
    await page.waitForSelector("[data-figure=task] .mixviz-relation-grid", {timeout: SETTLE_MS});
    expect(await page.locator("#fig-mha .mixviz-sentence-view").count()).toBe(0);
    release();
    await page.waitForSelector("#fig-mha .mixviz-sentence-view", {timeout: SETTLE_MS});
    await page.close();
  });

  test("a link with ?sample=&query= restores the essay's figures", async () => {
    const probe = await browser.newPage();
    await probe.goto(ESSAY);
    await probe.waitForSelector("[data-figure=task]", {timeout: SETTLE_MS});
    const samplesUrl = await loadedFile(probe, "samples", "json");
    await probe.close();
    const {samples} = await (await fetch(samplesUrl)).json();
    const sample = samples.length - 1;
    const labels: number[] = samples[sample].labels;
    const query = labels.lastIndexOf(1) >= 0 ? labels.lastIndexOf(1) : labels.length - 1;
    const {problems, page} = await visit(browser, `${ESSAY}?sample=${sample}&query=${query}#talking-heads-the-picture-starts-to-drift`, settle);
    // The link lands on its section: the heading is on screen once every figure above it has drawn.
    const top = await page.locator("#talking-heads-the-picture-starts-to-drift").evaluate((h) => h.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(await page.evaluate(() => window.innerHeight));
    const task = page.locator("[data-figure=task]");
    expect(await task.getAttribute("data-sample")).toBe(String(sample));
    expect(await task.getAttribute("data-query")).toBe(String(query));
    // The figure links carry the same state, and the explorer links the shown query.
    const anchor = new URL((await page.locator(".mixviz-anchor").first().getAttribute("href")) as string, ESSAY);
    expect(anchor.searchParams.get("sample")).toBe(String(sample));
    expect(anchor.searchParams.get("query")).toBe(String(query));
    const open = new URL((await page.locator(".mixviz-open").first().getAttribute("href")) as string, ESSAY);
    expect(open.searchParams.get("sample")).toBe(String(sample));
    await page.close();
    expect(problems).toEqual([]);
  });

  test("the query scrubber moves the shared query of every figure", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const target = 7;
    const range = page.locator(".mixviz-scrubber input[type=range]");
    await range.evaluate((input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event("input", {bubbles: true}));
    }, target);
    await page.waitForSelector(`[data-figure=task][data-query="${target}"]`, {timeout: SETTLE_MS});
    await page.waitForFunction((q) => new URLSearchParams(location.search).get("query") === String(q), target);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("each figure's explorer link opens the explorer in that exact state", async () => {
    const {page} = await visit(browser, ESSAY, settle);
    const hrefs = [...new Set(await page.locator(".mixviz-open").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href)))];
    await page.close();
    expect(hrefs.length).toBeGreaterThanOrEqual(5);
    for (const href of hrefs) {
      const {problems, page: explorer} = await visit(browser, href, async (p) => {
        await p.waitForSelector(".mixviz-sentence-view", {timeout: SETTLE_MS});
      });
      const wanted = new URL(href).searchParams;
      const shown = new URLSearchParams(await explorer.evaluate(() => location.search));
      for (const [key, value] of wanted) expect(shown.get(key), `${key} in ${href}`).toBe(value);
      const label = await explorer.locator(".mixviz-sentence-view").first().getAttribute("aria-label");
      expect(label).toContain(`L${wanted.get("layer")}H${wanted.get("head")}`);
      await explorer.close();
      expect(problems).toEqual([]);
    }
  });

  test("the exercises' answers open and hold computed text", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const answers = page.locator("details.mixviz-answer");
    const count = await answers.count();
    expect(count).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < count; i++) {
      const details = answers.nth(i);
      await details.locator("summary").click();
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      const text = await details.innerText();
      expect(text.length).toBeGreaterThan(80);
      expect(text).not.toMatch(/NaN|undefined|—/);
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  test("printing to PDF gives several pages without the site's chrome", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    await page.emulateMedia({media: "print"});
    expect(await page.locator("#observablehq-sidebar").isVisible()).toBe(false);
    expect(await page.locator("#fig-mha").isVisible()).toBe(true);
    const pdf = await page.pdf({format: "A4", printBackground: true});
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(3);
    await page.close();
    expect(problems).toEqual([]);
  });
});
