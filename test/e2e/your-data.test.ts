// The "Your data" page in Chromium: every malformed file gives its message and leaves the page usable (a
// good file loads next), token strings are shown as text and run nothing, renormalising works, a
// 12-layer × 12-head × 512-token file loads and the scrubber moves, and our own attention exported as a
// tidy file and loaded back draws the same Sentence View as the explorer; at 512 tokens the heatmap is drawn,
// reads the cell under the pointer and under the keyboard's cursor, and long tokens are shown whole.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {tableFromArrays} from "apache-arrow";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {arrowStream, bertviz, denseTable, parquet, parquetTable, syntheticWeights, tidyColumns, tidyTable, tokenList, tokensTable, type Shape} from "../helpers/attentionFiles.js";
import {SMALL, writeMalformed} from "../helpers/malformed.js";
import {weightText} from "../../src/components/numberText.js";
import {launch, visit} from "./browser.js";

const base = inject("siteUrl");
const READY = ".mixviz-sentence-view";
const REPORT = ".mixviz-upload-report";
const TIMEOUT = 30_000;
const LARGE_TIMEOUT = 60_000;
const LARGE: Shape = {layers: 12, heads: 12, tokens: 512};
const LARGE_QUERY = 300;
const TWO_LAYERS: Shape = {layers: 2, heads: 4, tokens: 16};
const XSS = "<img src=x onerror=alert(1)>";
const OWN = {arch: "iha", sample: 0, head: 3, query: 8};

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "mixviz-upload-"));
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

async function open(): Promise<{page: Page; problems: string[]}> {
  const report = await visit(browser, new URL("./your-data", base).href, async (p) => {
    await p.waitForSelector(READY, {timeout: TIMEOUT});
  });
  report.page.on("dialog", (dialog) => {
    report.problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return report;
}

const serial = async (page: Page) => Number(await page.getAttribute(REPORT, "data-serial"));

/** Sets files on the input and waits until the page has read and checked them. */
async function upload(page: Page, paths: string[], timeout = TIMEOUT): Promise<string> {
  const before = await serial(page);
  await page.setInputFiles("input[data-upload=files]", paths);
  await page.waitForFunction(
    ([selector, n]) => {
      const el = document.querySelector(selector) as HTMLElement | null;
      return el !== null && Number(el.dataset.serial) > n && el.dataset.state !== "loading";
    },
    [REPORT, before] as const,
    {timeout}
  );
  return (await page.getAttribute(REPORT, "data-state")) ?? "";
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const opacities = (page: Page) => page.$$eval(`${READY} .lines line`, (lines) => lines.map((l) => l.getAttribute("stroke-opacity")).join(","));
const control = (page: Page, name: string) => page.locator(`[data-control=${name}]`);
const waitForFocus = (page: Page, value: string, timeout = TIMEOUT) =>
  page.waitForFunction(([s, v]) => document.querySelector(s)?.getAttribute("data-focus") === v, [READY, value] as const, {timeout});

describe("the Your data page", () => {
  test("every malformed file gives its message, and a good file loads afterwards", async () => {
    const cases = writeMalformed(join(dir, "malformed"));
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const good = [write("good.arrow", arrowStream(tidyTable(SMALL))), write("good-tokens.json", JSON.stringify(tokenList(SMALL.tokens)))];
    const {page, problems} = await open();
    for (const c of cases) {
      expect(await upload(page, c.paths), c.id).toBe("error");
      const item = page.locator(`${REPORT} li[data-code=${c.code}]`).first();
      expect(await item.textContent(), c.id).toContain(c.text);
      expect(await page.locator(READY).count(), c.id).toBe(0);
    }
    expect(await upload(page, good)).toBe("ok");
    await page.waitForSelector(READY);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("token strings are text: markup shows as characters and runs nothing", async () => {
    const weights = syntheticWeights(SMALL);
    const tokens = [XSS, "b", "c", "d"];
    const {page, problems} = await open();
    expect(await upload(page, [write("xss.json", bertviz(SMALL, weights, tokens))])).toBe("ok");
    await page.waitForSelector(READY);
    expect(await page.locator(READY).textContent()).toContain(XSS);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    // A tokens table with the same string, for the table path.
    expect(await upload(page, [write("xss.arrow", arrowStream(tidyTable(SMALL, weights))), write("xss-tokens.arrow", arrowStream(tokensTable(tokens)))])).toBe("ok");
    expect(await page.locator(READY).textContent()).toContain(XSS);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("files from pyarrow and BertViz load: LZ4 Feather, float16 Parquet, a saved head-view page (its tokens as text)", async () => {
    const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/upload/${name}`, import.meta.url));
    const {page, problems} = await open();
    expect(await upload(page, [fixture("tidy-lz4.feather"), fixture("tokens.json")])).toBe("ok");
    expect(await upload(page, [fixture("dense-f16.parquet"), fixture("tokens.json")])).toBe("ok");
    expect(await page.locator(`${REPORT} li`).count()).toBe(0); // float16 read as values: its rows sum to 1
    expect(await upload(page, [fixture("bertviz-head-view.html")])).toBe("ok");
    await page.waitForSelector(READY);
    expect(await page.locator(READY).textContent()).toContain("<b>on</b>");
    expect(await page.locator(`${READY} b`).count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("rows that do not sum to 1 are a warning with a button that renormalises them", async () => {
    const columns = tidyColumns(SMALL, syntheticWeights(SMALL));
    for (let i = 0; i < columns.pattern.length; i++) columns.pattern[i] *= 0.5;
    const {page, problems} = await open();
    const state = await upload(page, [write("half.arrow", arrowStream(tableFromArrays(columns))), write("half.json", JSON.stringify(tokenList(SMALL.tokens)))]);
    expect(state).toBe("warning");
    expect(await page.locator(`${REPORT} li[data-code=row_sum]`).textContent()).toContain("sums to 0.5000");
    const weight = () => page.$$eval(`${READY} .lines line`, (lines) => lines.reduce((sum, l) => sum + Number(l.getAttribute("data-weight")), 0));
    expect(await weight()).toBeCloseTo(0.5, 4);
    await page.locator("[data-action=renormalise]").click();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("renormalised"), REPORT);
    await page.waitForFunction((s) => {
      const lines = [...document.querySelectorAll(`${s} .lines line`)];
      return Math.abs(lines.reduce((sum, l) => sum + Number(l.getAttribute("data-weight")), 0) - 1) < 1e-4;
    }, READY);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("Parquet with a tokens file and a mixing table loads, and a dropped file loads too", async () => {
    const shape: Shape = {layers: 1, heads: 2, tokens: 6};
    const mixing = tableFromArrays({
      arch: ["talking_heads", "talking_heads", "talking_heads", "talking_heads", "talking_heads", "talking_heads", "talking_heads", "talking_heads"],
      layer: new Int8Array(8),
      matrix: ["P_l", "P_l", "P_l", "P_l", "P_w", "P_w", "P_w", "P_w"],
      source_head: Int8Array.of(0, 0, 1, 1, 0, 0, 1, 1),
      target_head: Int8Array.of(0, 1, 0, 1, 0, 1, 0, 1),
      pseudo: Int8Array.of(-1, -1, -1, -1, -1, -1, -1, -1),
      value: Float32Array.of(0.9, 0.1, -0.2, 0.8, 1, 0, 0.3, 0.7)
    } as unknown as Record<string, Int8Array>);
    const {page, problems} = await open();
    const state = await upload(page, [
      write("th.parquet", parquet(tidyTable(shape))),
      write("th-tokens.parquet", parquet(tokensTable(tokenList(shape.tokens, (i) => `w${i}`)))),
      write("th-mixing.arrow", arrowStream(mixing))
    ]);
    expect(state).toBe("ok");
    expect(await page.locator(REPORT).textContent()).toContain("tidy Parquet");
    await page.waitForSelector(".mixviz-mixing svg");
    expect(await page.locator(READY).textContent()).toContain("w5");
    // Drag and drop: a BertViz JSON dropped on the drop zone.
    const before = await serial(page);
    await page.evaluate((json) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([json], "dropped.json", {type: "application/json"}));
      document.querySelector("[data-upload=drop]")!.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }, bertviz(shape, syntheticWeights(shape), tokenList(shape.tokens, (i) => `dropped${i}`)));
    await page.waitForFunction(([s, n]) => Number((document.querySelector(s) as HTMLElement).dataset.serial) > n, [REPORT, before] as const);
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("dropped5"), READY);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("a 12-layer × 12-head × 512-token file loads and the scrubber moves", async () => {
    const path = write("large.arrow", arrowStream(denseTable(LARGE, syntheticWeights(LARGE, 3))));
    const {page, problems} = await open();
    const started = Date.now();
    expect(await upload(page, [path], LARGE_TIMEOUT)).toBe("warning"); // no tokens file: numbered positions
    await page.waitForSelector(READY);
    const loaded = Date.now() - started;
    expect(await page.locator(`${REPORT}`).textContent()).toContain("12 layers × 12 heads × 512 tokens");
    await control(page, "scrubber").fill(String(LARGE_QUERY));
    await waitForFocus(page, `query:${LARGE_QUERY}`, LARGE_TIMEOUT);
    expect(await page.getAttribute(".mixviz-field", "data-window")).toBe("268-331");
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    await waitForFocus(page, `query:${LARGE_QUERY + 1}`, LARGE_TIMEOUT);
    console.log(`large file: loaded and drawn in ${loaded} ms, scrubber move drawn in ${Date.now() - started - loaded} ms; page says: ${await page.locator(`${REPORT} p`).first().textContent()}`);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("[ and ] move between the layers of a 2-layer file, and the views change with them", async () => {
    const path = write("two-layers.arrow", arrowStream(denseTable(TWO_LAYERS, syntheticWeights(TWO_LAYERS, 5))));
    const {page, problems} = await open();
    expect(await upload(page, [path])).toBe("warning"); // no tokens file: numbered positions
    await page.waitForFunction(() => document.querySelector("[data-control=scrubber]")?.getAttribute("max") === "15");
    const fieldTitle = () => page.locator("[data-view=field] h2").textContent();
    const layer0 = await opacities(page);
    expect(await control(page, "layer").inputValue()).toBe("0");
    expect(await fieldTitle()).toContain("layer 0");
    await page.locator("h1").click();
    await page.keyboard.press("]");
    await page.waitForFunction(() => document.querySelector("[data-view=field] h2")?.textContent?.includes("layer 1"));
    expect(await control(page, "layer").inputValue()).toBe("1");
    expect(await opacities(page)).not.toEqual(layer0);
    await page.keyboard.press("[");
    await page.waitForFunction(() => document.querySelector("[data-view=field] h2")?.textContent?.includes("layer 0"));
    expect(await control(page, "layer").inputValue()).toBe("0");
    expect(await opacities(page)).toEqual(layer0);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("our own attention, exported as a tidy file and loaded back, draws what the explorer draws", async () => {
    // The explorer's own files, as the test build serves them (their names carry a content hash).
    const html = await (await fetch(new URL("./explorer", base))).text();
    const get = async (name: string) => {
      const path = html.match(new RegExp(`_file/data/${name}\\.[0-9a-f]+\\.[a-z]+`))![0];
      return new Uint8Array(await (await fetch(new URL(`./${path}`, base))).arrayBuffer());
    };
    const samples = JSON.parse(new TextDecoder().decode(await get("samples")));
    const table = parquetTable(await get("attention")); // the explorer reads it as Parquet
    const arch = table.getChild("arch")!.toArray() as string[];
    const sample = table.getChild("sample")!.toArray();
    const keep = Array.from({length: table.numRows}, (_, i) => i).filter((i) => arch[i] === OWN.arch && sample[i] === OWN.sample);
    const pick = <T extends ArrayLike<number>>(name: string, Type: new (n: number) => T) => {
      const column = table.getChild(name)!.toArray();
      const out = new Type(keep.length) as unknown as number[];
      keep.forEach((row, i) => (out[i] = column[row]));
      return out as unknown as T;
    };
    const tidy = tableFromArrays({
      layer: pick("layer", Int8Array), head_index: pick("head_index", Int8Array), query_pos: pick("query_pos", Int8Array), key_pos: pick("key_pos", Int8Array), pattern: pick("pattern", Float32Array)
    });
    const paths = [write("own.arrow", arrowStream(tidy)), write("own-tokens.arrow", arrowStream(tokensTable(samples.samples[OWN.sample].tokens)))];

    const {page, problems} = await open();
    expect(await upload(page, paths)).toBe("ok");
    await control(page, "head").selectOption(String(OWN.head));
    await control(page, "scrubber").fill(String(OWN.query));
    await waitForFocus(page, `query:${OWN.query}`);
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute("aria-label")?.includes(`H3`), READY);
    const ours = await opacities(page);
    await page.close();

    const explorer = await visit(browser, new URL(`./explorer?arch=${OWN.arch}&sample=${OWN.sample}&layer=0&head=${OWN.head}&query=${OWN.query}&map=raw&dir=from`, base).href, async (p) => {
      await p.waitForSelector(READY, {timeout: TIMEOUT});
    });
    await waitForFocus(explorer.page, `query:${OWN.query}`);
    const theirs = await opacities(explorer.page);
    await explorer.page.close();
    expect(ours.split(",")).toHaveLength(samples.samples[OWN.sample].tokens.length);
    expect(ours).toEqual(theirs);
    expect([...problems, ...explorer.problems]).toEqual([]);
  });
});

describe("the Your data page at 512 tokens", () => {
  const SHAPE: Shape = {layers: 1, heads: 2, tokens: 512};
  const LONG = "<|endoftext|>";
  const CELL = {q: 400, k: 123};
  const weights = syntheticWeights(SHAPE, 11);
  const words = tokenList(SHAPE.tokens, (i) => (i === 0 || i === CELL.k ? LONG : `w${i}`));
  /** Head 0's weight of (q, k), as written to the file (float32). */
  const weight = (q: number, k: number) => weights[q * SHAPE.tokens + k];
  const MAP = "[data-view=heatmap] .mixviz-heatmap-map";

  test("the heatmap is drawn, a cell under the pointer or the keyboard's cursor reads its tokens and weight, long tokens show whole", async () => {
    const {page, problems} = await open();
    const paths = [write("scale.arrow", arrowStream(denseTable(SHAPE, weights))), write("scale-tokens.json", JSON.stringify(words))];
    expect(await upload(page, paths, LARGE_TIMEOUT)).toBe("ok");
    const map = page.locator(MAP).first();
    await map.waitFor({timeout: LARGE_TIMEOUT});
    await map.scrollIntoViewIfNeeded();

    // Drawn: one pixel per cell, at the head's colour with an opacity of weight / largest weight.
    let max = 0;
    for (let i = 0; i < SHAPE.tokens * SHAPE.tokens; i++) max = Math.max(max, weights[i]);
    const alphas = await map.locator("canvas").evaluate((canvas: HTMLCanvasElement, cells) => {
      const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      return {width: canvas.width, height: canvas.height, alpha: cells.map(([q, k]) => pixels[(q * canvas.width + k) * 4 + 3])};
    }, [[CELL.q, CELL.k], [0, 0], [511, 511], [7, 300]]);
    expect([alphas.width, alphas.height]).toEqual([512, 512]);
    for (const [i, [q, k]] of [[CELL.q, CELL.k], [0, 0], [511, 511], [7, 300]].entries()) {
      expect(Math.abs(alphas.alpha[i] - (weight(q, k) / max) * 255), `${q},${k}`).toBeLessThanOrEqual(1);
    }

    // The pointer over the cell's centre reads that cell: its positions, its tokens whole and its weight.
    const box = (await map.locator("canvas").boundingBox())!;
    await page.mouse.move(box.x + ((CELL.k + 0.5) * box.width) / SHAPE.tokens, box.y + ((CELL.q + 0.5) * box.height) / SHAPE.tokens);
    const tip = map.locator("[aria-label=tip]");
    await expect.poll(() => map.getAttribute("data-cell")).toBe(`${CELL.q},${CELL.k}`);
    expect(await tip.locator("text").allTextContents()).toEqual([`query ${CELL.q} · key ${CELL.k}`, `w${CELL.q} → ${LONG}: ${weightText(weight(CELL.q, CELL.k))}`]);

    // The keyboard: a focused map's arrows move a cell cursor from the current query's first key.
    await page.mouse.move(0, 0);
    await map.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    expect(await map.getAttribute("data-cell")).toBe("1,1");
    expect(await tip.locator("text").allTextContents()).toEqual(["query 1 · key 1", `w1 → w1: ${weightText(weight(1, 1))}`]);
    expect(await control(page, "scrubber").inputValue()).toBe("0"); // the page's query did not move

    // A long token: cut in the tick labels and the Sentence View, whole in their tooltips and the readout.
    const firstTick = map.locator("[aria-label='y-axis tick label'] text").first();
    expect(await firstTick.evaluate((t) => t.firstChild?.textContent)).toMatch(/^<\|end.*…$/);
    expect(await firstTick.locator("title").textContent()).toBe(LONG);
    const keyRow = page.locator(`${READY} .key-tokens > g`).nth(CELL.k);
    expect(await keyRow.locator("text").textContent()).toMatch(/^<\|endo.*…$/);
    expect(await keyRow.locator("title").textContent()).toBe(LONG);
    const readout = page.locator(`${READY} .mixviz-token-readout`);
    await keyRow.scrollIntoViewIfNeeded();
    await keyRow.hover();
    await expect.poll(() => readout.textContent()).toBe(`key ${CELL.k}: ${LONG}`);
    // in sight, though the view is scrolled down to the row
    const [shown, frame] = [(await readout.boundingBox())!, (await page.locator("[data-view=sentence] .mixviz-scroll").boundingBox())!];
    expect(shown.y).toBeGreaterThanOrEqual(frame.y - 1);
    expect(shown.y + shown.height).toBeLessThanOrEqual(frame.y + frame.height);
    await page.mouse.move(0, 0);
    await page.locator(`${READY} .query-tokens > g`).first().focus();
    await expect.poll(() => readout.textContent()).toBe(`query 0: ${LONG}`);
    expect(await readout.isVisible()).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });
});

