// The head workbench in Chromium: the head grid previews and locks heads, the keyboard and the URL move
// and restore the view, display options change the heatmap, the detection grid follows its thresholds,
// the custom-score editor reports every kind of mistake (an endless loop included) while the page stays
// usable, and both exports produce files — without a console error or a request leaving 127.0.0.1.
import {readFileSync} from "node:fs";
import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {pageOpener, sharedBrowser} from "./session.js";
import {READY} from "./ready.js";

const TIMEOUT = 30_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const TITLE = ".mixviz-workbench [data-view=heatmap] h2";
const EDITOR = ".mixviz-score-editor";

const browser = sharedBrowser();

const open = pageOpener(browser, "/heads", async (p) => {
  for (const selector of READY["/heads"]) await p.waitForSelector(selector, {timeout: TIMEOUT});
});

const title = (page: Page) => page.locator(TITLE).textContent();
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
const thumb = (page: Page, label: string) => page.locator(`.mixviz-head-thumb[data-head=${label}]`);
/** The main heatmap's cells as drawn: its image of N×N pixels, as one string. */
const HEATMAP_CELLS = ".mixviz-workbench [data-view=heatmap] canvas.mixviz-heatmap-cells";
const heatmapFills = (page: Page) => page.$eval(HEATMAP_CELLS, (canvas) => (canvas as HTMLCanvasElement).toDataURL());

async function waitForTitle(page: Page, text: string): Promise<void> {
  await page.waitForFunction(([selector, expected]) => document.querySelector(selector)?.textContent?.includes(expected), [TITLE, text] as const, {timeout: TIMEOUT});
}

async function runScore(page: Page, code: string): Promise<{state: string | null; message: string | null}> {
  await page.locator(`${EDITOR} textarea`).fill(code);
  await page.locator(`${EDITOR} button`).click();
  await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") !== "running", EDITOR, {timeout: TIMEOUT});
  return {state: await page.getAttribute(EDITOR, "data-state"), message: await page.locator(".mixviz-score-message").textContent()};
}

describe("the head workbench", () => {
  test("hovering a head previews it, clicking locks it, clicking again lets go", async () => {
    const {page, problems} = await open("?model=relation-mha");
    await thumb(page, "L0H5").hover();
    await waitForTitle(page, "L0H5 · raw (preview)");
    await thumb(page, "L0H5").click();
    await waitForTitle(page, "L0H5 · raw (locked)");
    expect(await thumb(page, "L0H5").getAttribute("aria-pressed")).toBe("true");
    expect(param(page, "head")).toBe("5");
    expect(param(page, "lock")).toBe("1");
    // while locked, hovering another head does not move the view
    await thumb(page, "L0H2").hover();
    await page.waitForTimeout(200);
    expect(await title(page)).toContain("L0H5");
    await thumb(page, "L0H5").click();
    await page.locator("h1").hover();
    await page.waitForFunction((selector) => !/locked|preview/.test(document.querySelector(selector)?.textContent ?? ""), TITLE, {timeout: TIMEOUT});
    expect(await thumb(page, "L0H5").getAttribute("aria-pressed")).toBe("false");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a deep link restores its view and the keyboard moves the head", async () => {
    const {page, problems} = await open("?model=relation-iha&head=3&lock=1&map=effective&scheme=viridis");
    await waitForTitle(page, "L0H3 · effective (locked)");
    expect(await page.locator("#mixviz-workbench-controls select").first().inputValue()).toBe("relation-iha");
    await page.locator("h1").click();
    await page.keyboard.press("ArrowDown");
    await waitForTitle(page, "L0H4");
    expect(param(page, "head")).toBe("4");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelector(".mixviz-token[aria-pressed=true]")?.getAttribute("data-pos") === "0", undefined, {timeout: TIMEOUT});
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector(".mixviz-token[aria-pressed=true]"), undefined, {timeout: TIMEOUT});
    // a one-layer model: the layer keys stay on layer 0 and the slider says why
    await page.keyboard.press("]");
    expect(param(page, "layer")).toBe("0");
    expect(await page.locator(".mixviz-layer-slider output").textContent()).toContain("one layer");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("colour scheme, first-token hiding and the token bar change what is drawn", async () => {
    const {page, problems} = await open("?model=relation-mha");
    const blues = await heatmapFills(page);
    await page.locator("#mixviz-workbench-controls select").nth(3).selectOption("ylorrd");
    await page.waitForFunction(([selector, before]) => (document.querySelector(selector) as HTMLCanvasElement | null)?.toDataURL() !== before, [HEATMAP_CELLS, blues] as const, {timeout: TIMEOUT});
    const ylorrd = await heatmapFills(page);
    await page.locator("#mixviz-workbench-controls input[type=checkbox]").nth(1).check();
    await page.waitForFunction(([selector, before]) => (document.querySelector(selector) as HTMLCanvasElement | null)?.toDataURL() !== before, [HEATMAP_CELLS, ylorrd] as const, {timeout: TIMEOUT});
    expect(param(page, "nofirst")).toBe("1");
    // a held token tints the bar with its weights, which sum to 1 over the row
    await page.locator(".mixviz-token[data-pos='7']").click();
    await page.waitForSelector(".mixviz-token[data-weight]", {timeout: TIMEOUT});
    const weights = await page.$$eval(".mixviz-token[data-weight]", (nodes) => nodes.map((n) => Number(n.getAttribute("data-weight"))));
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    expect(weights[0]).toBe(0); // the first token is hidden
    expect(param(page, "token")).toBe("7");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the detection grid follows its thresholds", async () => {
    const {page, problems} = await open("?model=relation-mha");
    const cell = page.locator(".mixviz-head-types td[data-head=L0H0] .mixviz-type-raw");
    // at threshold 0 every head carries every label
    const prevSlider = page.locator("form input[type=range]").first();
    await prevSlider.fill("0");
    await page.waitForFunction(() => document.querySelector(".mixviz-head-types td[data-head=L0H0] .mixviz-type-raw")?.textContent?.includes("prev"), undefined, {timeout: TIMEOUT});
    await prevSlider.fill("1");
    await page.waitForFunction(() => !document.querySelector(".mixviz-head-types td[data-head=L0H0] .mixviz-type-raw")?.textContent?.includes("prev"), undefined, {timeout: TIMEOUT});
    expect(await cell.textContent()).not.toContain("prev");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a cell of the detection grid selects its head, by click or by key, and the outline follows the head", async () => {
    const {page, problems} = await open("?model=relation-mha&head=1");
    const outlined = () => page.$$eval(".mixviz-head-types td.mixviz-selected", (cells) => cells.map((c) => c.getAttribute("data-head")));
    await page.waitForFunction(() => document.querySelector(".mixviz-head-types td.mixviz-selected")?.getAttribute("data-head") === "L0H1", undefined, {timeout: TIMEOUT});
    await page.locator(".mixviz-head-types td[data-head=L0H6]").click();
    await waitForTitle(page, "L0H6 · raw (locked)");
    await page.waitForFunction(() => document.querySelector(".mixviz-head-types td.mixviz-selected")?.getAttribute("data-head") === "L0H6", undefined, {timeout: TIMEOUT});
    expect(await outlined()).toEqual(["L0H6"]);
    await page.locator(".mixviz-head-types td[data-head=L0H3]").focus();
    await page.keyboard.press("Enter");
    await waitForTitle(page, "L0H3 · raw (locked)");
    await page.waitForFunction(() => document.querySelector(".mixviz-head-types td.mixviz-selected")?.getAttribute("data-head") === "L0H3", undefined, {timeout: TIMEOUT});
    expect(await outlined()).toEqual(["L0H3"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the custom score ranks every head and reports mistakes without breaking the page", async () => {
    const {page, problems} = await open("?model=relation-mha");
    const ok = await runScore(page, "(map) => map[0][0]");
    expect(ok.state).toBe("ok");
    expect(await page.locator(".mixviz-score-ranking tbody tr").count()).toBe(8);
    const syntax = await runScore(page, "(map) => {");
    expect(syntax).toMatchObject({state: "error"});
    expect(syntax.message).toMatch(/^Syntax error/);
    const thrown = await runScore(page, "(map) => { throw new Error('boom') }");
    expect(thrown.message).toMatch(/threw on L0H0: boom/);
    const text = await runScore(page, "() => 'high'");
    expect(text.message).toMatch(/finite number.*the string "high"/);
    const notFn = await runScore(page, "42");
    expect(notFn.message).toMatch(/must hold one function/);
    // an endless loop: the page stays responsive while it runs, and the run is stopped with a message. The page
    // itself notes the editor's state at the moment the heatmap's title changes, so the check does not depend on
    // how fast this test process gets its answers back from a loaded machine.
    await page.locator(`${EDITOR} textarea`).fill("() => { for (;;) {} }");
    await page.evaluate(([title, editor]) => {
      const w = window as unknown as {stateAtTitle?: string | null};
      const observer = new MutationObserver(() => {
        if (document.querySelector(title)?.textContent?.includes("L0H6")) {
          w.stateAtTitle = document.querySelector(editor)?.getAttribute("data-state");
          observer.disconnect();
        }
      });
      observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    }, [TITLE, EDITOR] as const);
    await page.locator(`${EDITOR} button`).click();
    await thumb(page, "L0H6").click();
    await waitForTitle(page, "L0H6 · raw (locked)");
    expect(await page.evaluate(() => (window as unknown as {stateAtTitle?: string}).stateAtTitle)).toBe("running");
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "error", EDITOR, {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-score-message").textContent()).toMatch(/did not finish within 2 s/);
    // and a good function runs afterwards
    expect((await runScore(page, "(map) => map.length")).state).toBe("ok");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("on the two-layer language model [ and ] move the layer and the views follow", async () => {
    const {page, problems} = await open("?model=lm-mha&layer=0&head=2&lock=1");
    await waitForTitle(page, "L0H2 · raw (locked)");
    const before = await heatmapFills(page);
    await page.locator("h1").click();
    await page.keyboard.press("]");
    await waitForTitle(page, "L1H2");
    expect(param(page, "layer")).toBe("1");
    expect(await heatmapFills(page)).not.toEqual(before);
    expect(await page.locator(".mixviz-layer-strip[aria-pressed=true]").getAttribute("data-layer")).toBe("1");
    await page.keyboard.press("[");
    await waitForTitle(page, "L0H2");
    // clicking a strip of the cross-layer flow jumps to its layer
    await page.locator(".mixviz-layer-strip[data-layer='1']").click();
    await waitForTitle(page, "L1H2");
    // causal model: the upper triangle is hidden by default
    expect(param(page, "mask")).toBe("1");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("on the two-layer language model the layer slider counts its layers and the strips stay inside their figure", async () => {
    const {page, problems} = await open("?model=lm-mha&layer=1");
    await page.setViewportSize({width: 1280, height: 900});
    const layers = await page.locator(".mixviz-layer-strip").count();
    expect(layers).toBeGreaterThan(1);
    const slider = page.locator(".mixviz-layer-slider input[type=range]");
    expect(Number(await slider.getAttribute("max"))).toBe(layers - 1);
    expect(await page.locator(".mixviz-layer-slider output").textContent()).toBe(`L1 · ${layers} layers, L0–L${layers - 1}`);
    // every cell, outline and mark of the strips lies inside the SVG; with no token held the followed token is
    // the last one, so its ▲ sits under the last cell
    const flow = page.locator(".mixviz-layer-flow");
    const {svg, parts} = await flow.evaluate((node) => ({
      svg: node.getBoundingClientRect().toJSON() as DOMRect,
      parts: [...node.querySelectorAll("rect, text")].map((n) => ({what: n.outerHTML.slice(0, 80), box: n.getBoundingClientRect().toJSON() as DOMRect}))
    }));
    expect(await flow.locator("text", {hasText: "▲"}).count()).toBe(1);
    const outside = parts.filter(({box}) => box.left < svg.left || box.right > svg.right || box.top < svg.top || box.bottom > svg.bottom);
    expect(outside).toEqual([]);
    const card = await flow.evaluate((node) => node.closest(".card")!.getBoundingClientRect().toJSON() as DOMRect);
    expect(svg.right).toBeLessThanOrEqual(card.right);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the ablation scatter names heads without one label covering another", async () => {
    for (const model of ["lm-iha", "relation-iha"]) {
      const {page, problems} = await open(`?model=${model}`);
      const plot = page.locator("svg[aria-label^='Change in']");
      const labels = await plot.locator(".mixviz-ablation-labels text").evaluateAll((nodes) => nodes.map((n) => ({head: n.textContent, box: n.getBoundingClientRect().toJSON() as DOMRect})));
      expect(labels.length).toBeGreaterThan(0);
      for (const [i, a] of labels.entries()) {
        expect(a.head).toMatch(/^L\d+H\d+$/);
        for (const b of labels.slice(i + 1)) {
          const apart = a.box.right <= b.box.left || b.box.right <= a.box.left || a.box.bottom <= b.box.top || b.box.bottom <= a.box.top;
          expect(apart, `${a.head} and ${b.head} overlap`).toBe(true);
        }
      }
      expect(new Set(labels.map((l) => l.head)).size).toBe(labels.length);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  test("the induction probe runs the model in the browser and reports an input that does not fit", async () => {
    const {page, problems} = await open("?model=lm-iha");
    const status = page.locator(".mixviz-probe-status");
    await page.waitForFunction(() => document.querySelector(".mixviz-probe-status")?.textContent?.startsWith("Probe:"), undefined, {timeout: TIMEOUT});
    const grid = () => page.locator(".mixviz-head-types").textContent();
    const before = await grid();
    // four repeats of the longest segment do not fit the context
    const repeats = page.locator(".mixviz-probe input[type=range]").nth(1);
    await repeats.fill("4");
    await page.waitForFunction(() => document.querySelector(".mixviz-probe-status .mixviz-score-error") !== null, undefined, {timeout: TIMEOUT});
    expect(await status.textContent()).toMatch(/more than the model's \d+: shorten the segment or repeat it less/);
    // without a probe the grid loses its induction and duplicate labels but the page keeps working
    await thumb(page, "L1H1").click();
    await waitForTitle(page, "L1H1 · raw (locked)");
    await repeats.fill("2");
    await page.waitForFunction(() => document.querySelector(".mixviz-probe-status")?.textContent?.startsWith("Probe:"), undefined, {timeout: TIMEOUT});
    expect(await grid()).toEqual(before);
    // knockout grids: one per layer, 8 × 8 cells each
    expect(await page.locator(".mixviz-knockout").count()).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the language models' maps come from lm-attention.parquet by range, and DuckDB-wasm is never loaded", async () => {
    const requests: {url: string; method: string; range: string | undefined}[] = [];
    const {page, problems} = await open("?model=lm-iha&layer=1", async (p) => p.on("request", (r) => requests.push({url: r.url(), method: r.method(), range: r.headers().range})));
    await waitForTitle(page, "L1H0");
    const parquet = requests.filter((r) => r.url.includes("lm-attention"));
    // the footer and the row groups of the slices drawn, never the whole file
    expect(parquet.filter((r) => r.range?.startsWith("bytes=")).length).toBeGreaterThan(0);
    expect(parquet.filter((r) => r.method === "GET" && !r.range)).toEqual([]);
    expect(requests.filter((r) => /duckdb/i.test(r.url))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("SVG and PNG exports download files", async () => {
    const {page, problems} = await open("?model=relation-iha");
    const [svg] = await Promise.all([page.waitForEvent("download"), page.locator("[data-export=svg]").click()]);
    const svgText = readFileSync((await svg.path())!, "utf8");
    expect(svgText).toContain("<svg");
    // the head grid's canvases (one per head: 1 layer × 8 on the tiny profile) and the heatmap's image of its cells, not only its legend
    expect((svgText.match(/<image/g) ?? []).length).toBeGreaterThanOrEqual(8 + 1);
    // and the labels under them, as text
    for (let h = 0; h < 8; h++) expect(svgText).toMatch(new RegExp(`<text [^>]*>L0H${h}</text>`));
    const [png] = await Promise.all([page.waitForEvent("download"), page.locator("[data-export=png]").click()]);
    expect([...readFileSync((await png.path())!).subarray(0, 4)]).toEqual(PNG_SIGNATURE);
    expect(problems).toEqual([]);
    await page.close();
  });
});
