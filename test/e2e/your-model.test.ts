// A reader's own model in the head workbench and the explorer, in Chromium: a file opened in Your data is kept
// in the browser (IndexedDB), the workbench opens it from there and its detection finds the heads planted in
// the file, the explorer draws the file's weights and tokens and its address round-trips, a reload keeps it,
// and Forget removes it from every page.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromArrays, Table, Utf8, vectorFromArray} from "apache-arrow";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {arrowStream, tidyTable, tokenList, tokensTable} from "../helpers/attentionFiles.js";
import {pageOpener, sharedBrowser} from "./session.js";

const TIMEOUT = 30_000;
const REPORT = ".mixviz-upload-report";
const LAYERS = 2;
const HEADS = 4;
const SEGMENT = 8;
const N = 1 + 2 * SEGMENT; // BOS and a segment twice
/** The planted heads: a previous-token head and an induction head; every other head spreads its weight evenly. */
const PREVIOUS = {layer: 0, head: 1};
const INDUCTION = {layer: 1, head: 2};
/** Two sequences, each BOS and a segment of distinct words repeated. */
const SEQUENCES = [0, 1].map((s) => {
  const segment = Array.from({length: SEGMENT}, (_, i) => `w${s}_${(i * 5 + s) % SEGMENT}`);
  return ["<|endoftext|>", ...segment, ...segment];
});

/** Weight of query q on key k in a head: causal rows, the planted patterns where they apply. */
function weight(layer: number, head: number, q: number, k: number): number {
  if (k > q) return 0;
  if (layer === PREVIOUS.layer && head === PREVIOUS.head) return k === Math.max(q - 1, 0) ? 1 : 0;
  if (layer === INDUCTION.layer && head === INDUCTION.head) {
    const target = q > SEGMENT ? q - SEGMENT + 1 : 0; // the key after the query's earlier copy; BOS before the repeat
    return k === target ? 1 : 0;
  }
  return 1 / (q + 1);
}

/** An ablation table for the file: knocking out the induction head costs most of the "loss" metric. */
function ablationFile(dir: string): string {
  const heads = Array.from({length: LAYERS * HEADS}, (_, i) => i);
  const table = tableFromArrays({
    layer: Int8Array.from(heads, (i) => Math.floor(i / HEADS)),
    head_index: Int8Array.from(heads, (i) => i % HEADS),
    base: Float32Array.from(heads, () => 1),
    ablated: Float32Array.from(heads, (i) => (i === INDUCTION.layer * HEADS + INDUCTION.head ? 3 : 1.01)),
    metric: heads.map(() => "loss")
  });
  const path = join(dir, "planted-ablation.arrow");
  writeFileSync(path, arrowStream(table));
  return path;
}

/** A Talking Heads mixing table for the file: P_l and P_w of every layer, each head keeping most of itself. */
function mixingFile(dir: string): string {
  const rows = Array.from({length: LAYERS * 2 * HEADS * HEADS}, (_, i) => i);
  const cell = (i: number) => ({layer: Math.floor(i / (2 * HEADS * HEADS)), matrix: Math.floor(i / (HEADS * HEADS)) % 2 ? "P_w" : "P_l", source: Math.floor(i / HEADS) % HEADS, target: i % HEADS});
  const table = tableFromArrays({
    arch: rows.map(() => "talking_heads"),
    layer: Int8Array.from(rows, (i) => cell(i).layer),
    matrix: rows.map((i) => cell(i).matrix),
    source_head: Int8Array.from(rows, (i) => cell(i).source),
    target_head: Int8Array.from(rows, (i) => cell(i).target),
    pseudo: Int8Array.from(rows, () => -1),
    value: Float32Array.from(rows, (i) => (cell(i).source === cell(i).target ? 0.9 : 0.1 / (HEADS - 1)))
  });
  const path = join(dir, "planted-mixing.arrow");
  writeFileSync(path, arrowStream(table));
  return path;
}

/** The tidy table of both sequences (column `sample`), and the tokens table to go with it. */
function files(dir: string): string[] {
  const rows = SEQUENCES.length * LAYERS * HEADS * N * N;
  const columns = {sample: new Int8Array(rows), layer: new Int8Array(rows), head_index: new Int8Array(rows), query_pos: new Int8Array(rows), key_pos: new Int8Array(rows), pattern: new Float32Array(rows)};
  let i = 0;
  for (let s = 0; s < SEQUENCES.length; s++) for (let l = 0; l < LAYERS; l++) for (let h = 0; h < HEADS; h++) for (let q = 0; q < N; q++) for (let k = 0; k < N; k++, i++) {
    columns.sample[i] = s;
    columns.layer[i] = l;
    columns.head_index[i] = h;
    columns.query_pos[i] = q;
    columns.key_pos[i] = k;
    columns.pattern[i] = weight(l, h, q, k);
  }
  const tokens = new Table({
    sample: vectorFromArray(Int8Array.from(SEQUENCES.flatMap((seq, s) => seq.map(() => s)))),
    position: vectorFromArray(Int32Array.from(SEQUENCES.flatMap((seq) => seq.map((_, p) => p)))),
    token: vectorFromArray(SEQUENCES.flat(), new Utf8())
  });
  const attention = join(dir, "planted.arrow");
  const tokenFile = join(dir, "planted-tokens.arrow");
  writeFileSync(attention, arrowStream(tableFromArrays(columns)));
  writeFileSync(tokenFile, arrowStream(tokens));
  return [attention, tokenFile];
}

const browser = sharedBrowser();
const openYourData = pageOpener(browser, "/your-data", async (p) => {
  await p.waitForSelector(`${REPORT}[data-state=ok]`, {timeout: TIMEOUT});
});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mixviz-your-model-"));
});

afterAll(() => {
  if (dir) rmSync(dir, {recursive: true, force: true});
});

/** The raw labels' tags of one head in the workbench's head-type grid ("raw prev first" → ["prev", "first"]). */
const rawTags = async (page: Page, label: string) => ((await page.locator(`.mixviz-head-types td[data-head=${label}] .mixviz-type-raw`).textContent()) ?? "").split(" ").slice(1);

async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector(".mixviz-head-types td", {timeout: TIMEOUT});
  await page.waitForSelector(".mixviz-head-grid canvas", {timeout: TIMEOUT});
}

const SENTENCE = ".mixviz-sentence-view";

/** Opens Your data and loads `paths` into it; returns once its report is done. */
async function openFile(paths: string[]): Promise<Awaited<ReturnType<typeof openYourData>>> {
  const opened = await openYourData();
  const {page} = opened;
  const serial = Number(await page.getAttribute(REPORT, "data-serial"));
  await page.setInputFiles("input[data-upload=files]", paths);
  await page.waitForFunction(([s, n]) => {
    const el = document.querySelector(s) as HTMLElement | null;
    return el !== null && Number(el.dataset.serial) > n && el.dataset.state !== "loading";
  }, [REPORT, serial] as const, {timeout: TIMEOUT});
  expect(await page.getAttribute(REPORT, "data-state")).toBe("ok");
  return opened;
}

/** Waits until the page has no request in flight, so that leaving it aborts none (the favicon's among them). */
const quiet = (page: Page) => page.waitForLoadState("networkidle");

/** The Sentence View's weights, line by line (key by key for a query), as the page holds them. */
const lineWeights = (page: Page) => page.$$eval(`${SENTENCE} .lines line`, (lines) => lines.map((l) => Number(l.getAttribute("data-weight"))));

/** Waits until the explorer's address bar holds every `params` value. */
async function addressHas(page: Page, params: Record<string, string>): Promise<void> {
  await page.waitForFunction((want) => Object.entries(want).every(([k, v]) => new URL(location.href).searchParams.get(k) === v), params, {timeout: TIMEOUT});
}

describe("your model in the head workbench", () => {
  test("a file opened in Your data is analysed in the workbench: the planted heads are found, and a reload keeps it", async () => {
    const {page, problems} = await openYourData();
    const serial = Number(await page.getAttribute(REPORT, "data-serial"));
    await page.setInputFiles("input[data-upload=files]", files(dir));
    await page.waitForFunction(([s, n]) => {
      const el = document.querySelector(s) as HTMLElement | null;
      return el !== null && Number(el.dataset.serial) > n && el.dataset.state !== "loading";
    }, [REPORT, serial] as const, {timeout: TIMEOUT});
    expect(await page.getAttribute(REPORT, "data-state")).toBe("ok");
    const link = page.locator(".mixviz-kept a[data-page=heads]");
    expect(await link.getAttribute("href")).toBe("./heads?model=file");

    await link.click();
    await waitForWorkbench(page);
    expect(new URL(page.url()).searchParams.get("model")).toBe("file");
    expect(await page.locator("#mixviz-workbench-controls select").first().inputValue()).toBe("file");
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain("planted.arrow, planted-tokens.arrow");
    // The planted heads get their labels, and only they do.
    const previous = `L${PREVIOUS.layer}H${PREVIOUS.head}`;
    const induction = `L${INDUCTION.layer}H${INDUCTION.head}`;
    expect(await rawTags(page, previous)).toContain("prev");
    expect(await rawTags(page, induction)).toEqual(expect.arrayContaining(["ind", "ind·pos"]));
    for (let l = 0; l < LAYERS; l++) for (let h = 0; h < HEADS; h++) {
      const label = `L${l}H${h}`;
      if (label === previous || label === induction) continue;
      const tags = await rawTags(page, label);
      expect(tags.filter((t) => ["prev", "ind", "ind·pos"].includes(t)), label).toEqual([]);
    }
    // The head grid names the same types under the planted heads' thumbnails, once detection is done.
    const note = (label: string) => page.locator(`.mixviz-head-thumb[data-head=${label}] .mixviz-head-thumb-note`);
    await note(previous).waitFor({timeout: TIMEOUT});
    expect(await note(previous).textContent()).toMatch(/previous/i);
    expect(await note(induction).textContent()).toMatch(/induction/i);
    // The file has no effective maps: the map choice offers raw only, and the page says so.
    expect(await page.locator("#mixviz-workbench-controls option[value=effective]").isDisabled()).toBe(true);
    expect(await page.locator(".mixviz-type-summary").textContent()).toContain("no effective maps");
    // The file carries no ablations: the page says so instead of drawing an empty plot and its axis choice.
    expect(await page.getByText("Your file carries no ablation table").count()).toBe(1);
    expect(await page.getByText("Pattern on the x axis").count()).toBe(0);
    // The file's tokens are text in the token bar, whole.
    expect(await page.locator(".mixviz-token-bar").textContent()).toContain("<|endoftext|>");

    await page.reload();
    await waitForWorkbench(page);
    expect(await rawTags(page, induction)).toContain("ind·pos");
    await page.close();
    expect(problems).toEqual([]);
  });

  test("an ablation table that comes with the file is plotted against the head scores, in the file's metric", async () => {
    const {page, problems} = await openYourData();
    const serial = Number(await page.getAttribute(REPORT, "data-serial"));
    await page.setInputFiles("input[data-upload=files]", [...files(dir), ablationFile(dir)]);
    await page.waitForFunction(([s, n]) => Number((document.querySelector(s) as HTMLElement | null)?.dataset.serial) > n, [REPORT, serial] as const, {timeout: TIMEOUT});
    expect(await page.getAttribute(REPORT, "data-state")).toBe("ok");
    await page.locator(".mixviz-kept a[data-page=heads]").click();
    await waitForWorkbench(page);
    const plot = page.locator("svg[aria-label^='Change in loss when each head is knocked out']");
    await plot.waitFor({timeout: TIMEOUT});
    expect(await page.getByText("Pattern on the x axis").count()).toBe(1);
    expect(await page.getByText("from your file's ablation table").count()).toBe(1);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("Your data reopens the kept file after a reload, and Forget removes it from the workbench too", async () => {
    const {page, problems} = await openYourData();
    const serial = Number(await page.getAttribute(REPORT, "data-serial"));
    await page.setInputFiles("input[data-upload=files]", files(dir));
    await page.waitForFunction(([s, n]) => Number((document.querySelector(s) as HTMLElement | null)?.dataset.serial) > n, [REPORT, serial] as const, {timeout: TIMEOUT});
    await page.waitForSelector(".mixviz-kept a", {timeout: TIMEOUT});

    await page.reload();
    await page.waitForSelector(".mixviz-kept a", {timeout: TIMEOUT});
    expect(await page.locator(REPORT).textContent()).toContain("planted.arrow");
    await page.locator(".mixviz-kept button").click();
    await page.waitForFunction(() => document.querySelector(".mixviz-kept a") === null, undefined, {timeout: TIMEOUT});
    expect(await page.locator(REPORT).textContent()).not.toContain("planted.arrow");

    await page.goto(new URL("./heads?model=file", page.url()).href);
    await page.waitForSelector(".mixviz-head-types td", {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain("No file is kept in this browser");
    expect(new URL(page.url()).searchParams.get("model")).not.toBe("file");

    // The explorer opens the built-in models instead, and says why.
    await quiet(page);
    await page.goto(new URL("./explorer?model=file&head=1", page.url()).href);
    await page.waitForSelector(SENTENCE, {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain("No file is kept in this browser");
    expect(await page.locator("[data-control=arch]").inputValue()).toBe("iha");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("arch") === "iha", undefined, {timeout: TIMEOUT});
    expect(new URL(page.url()).searchParams.get("model")).toBeNull();
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("your model in the explorer", () => {
  const previous = `L${PREVIOUS.layer}H${PREVIOUS.head}`;
  const QUERY = 5;

  test("a file opened in Your data is drawn in the explorer: the file's weights and tokens, no relation task, an address that round-trips", async () => {
    const {page, problems} = await openFile(files(dir));
    const link = page.locator(".mixviz-kept a[data-page=explorer]");
    expect(await link.getAttribute("href")).toBe("./explorer?model=file");
    await quiet(page);
    await link.click();
    await page.waitForSelector(SENTENCE, {timeout: TIMEOUT});
    expect(await page.locator("[data-control=arch]").inputValue()).toBe("file");
    expect(await page.locator("[data-control=arch] option").allTextContents()).toEqual(["MHA", "Talking Heads", "IHA", "Your file · planted.arrow, planted-tokens.arrow"]);
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain("planted.arrow, planted-tokens.arrow");
    // The file's sizes: its sequences, heads and tokens; its tokens as text, whole.
    expect(await page.locator("[data-control=sample] option").count()).toBe(SEQUENCES.length);
    expect(await page.locator("[data-control=head] option").count()).toBe(HEADS);
    expect(await page.locator("[data-control=query] option").allTextContents()).toEqual(SEQUENCES[0].map((t, i) => `${i}: ${t}`));

    // The planted previous-token head at a query: the Sentence View holds the file's weights, key by key.
    await page.locator("[data-control=head]").selectOption(String(PREVIOUS.head));
    await page.locator("[data-control=scrubber]").fill(String(QUERY));
    await page.waitForFunction(([s, q]) => document.querySelector(s)?.getAttribute("data-focus") === `query:${q}`, [SENTENCE, QUERY] as const, {timeout: TIMEOUT});
    const expected = SEQUENCES[0].map((_, k) => weight(PREVIOUS.layer, PREVIOUS.head, QUERY, k));
    expect(await lineWeights(page)).toEqual(expected);
    const live = await page.locator(".mixviz-live").textContent();
    expect(live).toContain(`Query ${SEQUENCES[0][QUERY]}, Your file · planted.arrow, planted-tokens.arrow ${previous}, raw.`);
    expect(live).toContain(`Top keys: ${SEQUENCES[0][QUERY - 1]} 1.00`);
    // A head that spreads its weight: every key up to the query holds 1/(q+1), as in the file.
    await page.locator("[data-control=head]").selectOption("0");
    await page.waitForFunction(([s, w]) => Number(document.querySelector(`${s} .lines line`)?.getAttribute("data-weight")) === w, [SENTENCE, Math.fround(1 / (QUERY + 1))] as const, {timeout: TIMEOUT});
    (await lineWeights(page)).forEach((w, k) => expect(w).toBeCloseTo(weight(0, 0, QUERY, k), 6));

    // No relation task: no grid, no gold rings, no triptych, pseudo-blocks or training replay; the map is raw only.
    expect(await page.locator("[data-view=grid]").count()).toBe(0);
    expect(await page.getByText("Your file has no reasoning paths, so no gold rings.").count()).toBe(1);
    expect(await page.locator("button[data-tab=triptych]").isHidden()).toBe(true);
    expect(await page.locator("button[data-tab=pseudo]").isHidden()).toBe(true);
    expect(await page.locator("[data-control=kind] option").allTextContents()).toHaveLength(1);
    // The heatmap: the pattern alone, and why; the mixing tab: the file has no table, and says so.
    await page.waitForSelector(".mixviz-panel[data-panel=heatmap] .mixviz-heatmaps canvas", {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-panel").textContent()).toContain("Your file has no effective column");
    await page.locator("button[data-tab=mixing]").click();
    await page.waitForSelector(".mixviz-panel[data-panel=mixing][aria-busy=false]", {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-panel").textContent()).toContain("Your file carries no mixing table");
    expect(await page.locator(".mixviz-epochs").isHidden()).toBe(true);

    // The address holds the whole view of the file's model; a reload opens exactly it.
    await page.locator("button[data-tab=heatmap]").click();
    await page.locator("[data-control=head]").selectOption(String(PREVIOUS.head));
    await addressHas(page, {model: "file", head: String(PREVIOUS.head), query: String(QUERY), tab: "heatmap"});
    expect(new URL(page.url()).searchParams.get("arch")).toBeNull();
    const address = page.url();
    await quiet(page);
    await page.reload();
    await page.waitForSelector(SENTENCE, {timeout: TIMEOUT});
    expect(await page.locator("[data-control=arch]").inputValue()).toBe("file");
    expect(await page.locator("[data-control=head]").inputValue()).toBe(String(PREVIOUS.head));
    expect(await page.locator("[data-control=scrubber]").inputValue()).toBe(String(QUERY));
    expect(await lineWeights(page)).toEqual(expected);
    await addressHas(page, Object.fromEntries(new URL(address).searchParams));

    // Back to a built-in architecture: its relation grid returns.
    await page.locator("[data-control=arch]").selectOption("mha");
    await page.waitForSelector("[data-view=grid] .mixviz-relation-grid", {timeout: TIMEOUT});
    await addressHas(page, {arch: "mha"});

    // A link to a built-in model does not wait for the file: the file's model joins the menu once it is read.
    await quiet(page);
    await page.goto(new URL("./explorer?arch=talking_heads&head=3", page.url()).href);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-control=arch] option")].some((o) => o.textContent?.startsWith("Your file")), undefined, {timeout: TIMEOUT});
    await page.waitForSelector(SENTENCE, {timeout: TIMEOUT});
    expect(await page.locator("[data-control=arch]").inputValue()).toBe("talking_heads");
    expect(await page.locator("[data-control=head]").inputValue()).toBe("3");
    expect(await page.locator(".mixviz-kept-note").textContent()).toContain("planted.arrow, planted-tokens.arrow");
    await quiet(page);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("a long file's Attention Field shows a window of tokens around the query, and says which", async () => {
    const shape = {layers: 1, heads: 2, tokens: 100};
    const attention = join(dir, "long.arrow");
    const tokenFile = join(dir, "long-tokens.arrow");
    writeFileSync(attention, arrowStream(tidyTable(shape)));
    writeFileSync(tokenFile, arrowStream(tokensTable(tokenList(shape.tokens, (i) => (i === 0 ? "<b>bold</b>" : `tok${i}`)))));
    const {page, problems} = await openFile([attention, tokenFile]);
    await quiet(page);
    await page.goto(new URL("./explorer?model=file&query=90", page.url()).href);
    await page.waitForSelector(".mixviz-field[data-window]", {timeout: TIMEOUT});
    expect(await page.getAttribute(".mixviz-field", "data-window")).toBe("36-99");
    expect(await page.getAttribute(".mixviz-field", "data-query")).toBe("90");
    expect(await page.locator(".mixviz-field-window").textContent()).toContain("Tokens 36–99 of 100");
    // A token that looks like markup is text: in the menu whole, and no element made of it anywhere.
    expect(await page.locator("[data-control=query] option").first().textContent()).toBe("0: <b>bold</b>");
    // a query outside the window moves it; the heatmap draws every token
    await page.locator("[data-control=scrubber]").fill("3");
    await page.waitForFunction(() => document.querySelector(".mixviz-field")?.getAttribute("data-window") === "0-63", undefined, {timeout: TIMEOUT});
    await page.waitForSelector(".mixviz-panel[data-panel=heatmap] .mixviz-heatmaps canvas", {timeout: TIMEOUT});
    expect(await page.locator("b", {hasText: "bold"}).count()).toBe(0);
    await quiet(page);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("a mixing table that comes with the file is drawn in the explorer's mixing tab", async () => {
    const {page, problems} = await openFile([...files(dir), mixingFile(dir)]);
    await quiet(page);
    await page.goto(new URL("./explorer?model=file&layer=1&tab=mixing", page.url()).href);
    await page.waitForSelector(".mixviz-panel[data-panel=mixing] .mixviz-mixing svg", {timeout: TIMEOUT});
    expect(await page.locator(".mixviz-panel").textContent()).not.toContain("Your file carries no mixing table");
    await page.close();
    expect(problems).toEqual([]);
  });
});
