// The playground in Chromium: the models running in the page give the build's predictions for every showcase
// sample (all three architectures), clicking a cell changes the input and redraws predictions and maps,
// the predictions' canvas draws what its cells say in either theme, a mixing edit or a knockout changes them
// (and the mixing card, redrawn in place, its per-pseudo-token detail included) and reset restores the
// trained model exactly, bad input gets a message and leaves the page usable, and a
// garbage address falls back to the defaults — all without a console error or a request leaving 127.0.0.1.
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {pageOpener, sharedBrowser} from "./session.js";
import {OUTPUT} from "./site.js";

const STATUS = "#mixviz-playground-status";
const TIMEOUT = 60_000;
const ARCHS = ["mha", "talking_heads", "iha"] as const;
/** samples.json keeps 7 significant digits of each logit; the page's float32 logits agree to this. */
const LOGIT_TOLERANCE = 1e-3;

interface SamplesJson {
  samples: {sample: number; relation: number[]; labels: number[]; predictions: Record<string, number[]>; logits: Record<string, number[]>}[];
}

/** The build's samples.json, read from the served site (Framework names it with a content hash). */
function builtSamples(): SamplesJson {
  const dir = join(OUTPUT, "_file", "data");
  const file = readdirSync(dir).find((f) => /^samples\.[0-9a-f]+\.json$/.test(f));
  if (!file) throw new Error(`no samples.json in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), "utf8"));
}

const browser = sharedBrowser();

const open = pageOpener(browser, "/playground", async (p) => {
  await p.waitForSelector(".mixviz-predictions", {timeout: TIMEOUT});
  await p.waitForSelector(".mixviz-mixing svg, [data-slot=mixing] p", {timeout: TIMEOUT});
  await p.waitForSelector(`${STATUS}[data-saved]`, {timeout: TIMEOUT});
});

const version = (page: Page) => page.$eval(STATUS, (el) => Number((el as HTMLElement).dataset.version));
const cells = (page: Page) =>
  page.$$eval(".mixviz-predictions [data-cell]", (cells) => cells.map((c) => ({prediction: Number((c as SVGElement).dataset.prediction), logit: Number((c as SVGElement).dataset.logit)})));
const logits = async (page: Page) => (await cells(page)).map((c) => c.logit);
const lines = (page: Page, view: string) =>
  page.$$eval(`[data-view=${view}] .mixviz-sentence-view .lines line`, (ls) => ls.map((l) => l.getAttribute("stroke-opacity")).join(","));
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
const control = (page: Page, name: string) => page.locator(`[data-control=${name}]`);

/**
 * Runs `action` and waits until the page has redrawn (its status version moved past the one before) and,
 * unless `saved` is false, has written that state to the address bar (data-saved).
 */
async function redraw(page: Page, action: () => Promise<unknown>, saved = true): Promise<void> {
  const before = await version(page);
  await action();
  await page.waitForFunction(([sel, v, needSaved]) => {
    const data = document.querySelector<HTMLElement>(sel)?.dataset ?? {};
    return Number(data.version) > v && (!needSaved || data.saved === data.version);
  }, [STATUS, before, saved] as const, {timeout: TIMEOUT});
}

const FIELDS = "[data-view^=field] .mixviz-field";

/** Waits until every Attention Field has drawn the last cloud it asked for (in the worker or on the page). */
const fieldsDrawn = (page: Page) =>
  page.waitForFunction((sel) => {
    const fields = [...document.querySelectorAll<HTMLElement>(sel)];
    return fields.length === 2 && fields.every((f) => f.dataset.pending && f.dataset.drawn === f.dataset.pending);
  }, FIELDS, {timeout: TIMEOUT});

/** Who draws each field's cloud: "worker" once its canvas was handed to the worker, else "page". */
const cloudDrawers = (page: Page) =>
  page.$$eval(`${FIELDS} > canvas:first-child`, (canvases) => canvases.map((c) => {
    try {
      return (c as HTMLCanvasElement).getContext("2d") ? "page" : "none";
    } catch {
      return "worker"; // a canvas whose control went to an OffscreenCanvas gives no context here
    }
  }));

/** The two fields as the reader sees them (cloud, query dots and labels), after the compositor's next frames. */
async function fieldPixels(page: Page): Promise<Buffer[]> {
  await fieldsDrawn(page);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return Promise.all([0, 1].map((i) => page.locator(FIELDS).nth(i).screenshot()));
}

/** Whether two pages show the same two fields, pixel for pixel (PNG bytes compared, not diffed). */
const samePixels = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((png, i) => png.equals(b[i]));

/** A page whose browser cannot hand a canvas to a worker: the fields draw their clouds themselves. */
const withoutOffscreen = (page: Page) => page.addInitScript("delete HTMLCanvasElement.prototype.transferControlToOffscreen;");

async function chooseArch(page: Page, arch: string): Promise<void> {
  await redraw(page, () => control(page, "arch").selectOption(arch));
  await page.waitForFunction(([sel, a]) => document.querySelector<HTMLElement>(sel)?.dataset.arch === a, [STATUS, arch] as const, {timeout: TIMEOUT});
}

/** The predictions' canvas pixels of each cell, as RGBA, with the cell's data-* attributes and aria-label. Runs in the page. */
function canvasCells() {
  const root = document.querySelector(".mixviz-predictions")!;
  const canvas = root.querySelector("canvas")!;
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  // read from a copy made for reading, so the page's own canvas is not read back again and again
  const copy = Object.assign(document.createElement("canvas"), {width: canvas.width, height: canvas.height});
  const reader = copy.getContext("2d", {willReadFrequently: true})!;
  reader.drawImage(canvas, 0, 0);
  const image = reader.getImageData(0, 0, canvas.width, canvas.height);
  return [...root.querySelectorAll<SVGGElement>("[data-cell]")].map((g) => {
    const rect = g.querySelector("rect")!;
    const [x0, y0, w] = ["x", "y", "width"].map((a) => Math.round(Number(rect.getAttribute(a)) * ratio));
    const pixels: number[][] = [];
    for (let y = y0 + 2; y < y0 + w - 2; y++) for (let x = x0 + 2; x < x0 + w - 2; x++) pixels.push([...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)]);
    return {prediction: Number(g.dataset.prediction), label: Number(g.dataset.label), logit: Number(g.dataset.logit), aria: g.getAttribute("aria-label") ?? "", pixels};
  });
}

/** WRONG_COLOR (#D55E00) and what antialiasing makes of it. */
const isOrange = ([r, g, b, a]: number[]) => a > 100 && r > 150 && g > 50 && g < 140 && b < 70;

/** Each cell as drawn: whether it has orange ink (the ✗ and its mark), with its attributes. */
async function inked(page: Page) {
  const cells = await page.evaluate(canvasCells);
  return cells.map(({pixels, ...c}) => ({...c, orange: pixels.some(isOrange)}));
}

/** The mean of the cells' opaque ink, orange aside: the colour the marks are drawn in. */
function inkColour(cells: {pixels: number[][]}[]): number[] {
  const ink = cells.flatMap((c) => c.pixels).filter((p) => p[3] > 220 && !isOrange(p));
  return [0, 1, 2].map((c) => ink.reduce((sum, p) => sum + p[c], 0) / ink.length);
}

/** The canvas's text colour (inherited from the page) as [r, g, b]. */
const textColour = (page: Page) =>
  page.$eval(".mixviz-predictions canvas", (c) => getComputedStyle(c).color.match(/[\d.]+/g)!.slice(0, 3).map(Number));

describe("the playground", () => {
  test("the in-browser models predict what the build predicted, for every showcase sample and architecture", async () => {
    const {samples} = builtSamples();
    const {page, problems} = await open();
    let compared = 0;
    for (const arch of ARCHS) {
      await chooseArch(page, arch);
      for (const [i, sample] of samples.entries()) {
        // the typed relation is written with the address, once the edits pause: waited for on the first sample
        await redraw(page, () => control(page, "sample").selectOption(String(sample.sample)), i === 0);
        if (i === 0) expect((await control(page, "relation-text").inputValue()).replace(/\s+/g, "")).toBe(sample.relation.join(""));
        const got = await cells(page);
        expect(got.map((c) => c.prediction), `${arch} sample ${sample.sample}`).toEqual(sample.predictions[arch]);
        got.forEach((c, n) => expect(Math.abs(c.logit - sample.logits[arch][n]), `${arch} sample ${sample.sample} cell ${n}`).toBeLessThan(LOGIT_TOLERANCE));
        compared++;
      }
    }
    expect(compared).toBe(ARCHS.length * samples.length);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("clicking a cell flips the fact and redraws the predictions and the maps; clicking a prediction moves the query", async () => {
    const {page, problems} = await open("?arch=iha&query=8&head=2");
    const relation = param(page, "relation")!.replaceAll("/", "");
    const beforeLogits = await logits(page);
    const beforeRaw = await lines(page, "sentence-raw");
    const beforeEffective = await lines(page, "sentence-effective");
    const cell = 1; // A→B: in the query A→C's row, so its attention changes
    await redraw(page, () => page.locator(".mixviz-relation-grid > g > g").nth(cell).click());
    const after = param(page, "relation")!.replaceAll("/", "");
    expect(after[cell]).toBe(relation[cell] === "1" ? "0" : "1");
    expect([...after].filter((c, i) => c !== relation[i])).toHaveLength(1);
    expect(await logits(page)).not.toEqual(beforeLogits);
    expect(await lines(page, "sentence-raw")).not.toEqual(beforeRaw);
    expect(await lines(page, "sentence-effective")).not.toEqual(beforeEffective);
    await redraw(page, () => page.locator(".mixviz-predictions [data-cell='20']").click());
    expect(param(page, "query")).toBe("20");
    expect(await page.getAttribute("[data-view=sentence-raw] .mixviz-sentence-view", "data-focus")).toBe("query:20");
    expect(await page.getAttribute("[data-view=field-effective] .mixviz-field", "data-query")).toBe("20");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the predictions' canvas shows what each cell says: ✗ in orange exactly on the wrong cells, in the theme's text colour light and dark", async () => {
    const {page, problems} = await open("?arch=mha");
    await redraw(page, () => control(page, "knock").click()); // a knocked-out head: some cells wrong, some right
    const drawn = await inked(page);
    const wrong = drawn.filter((c) => c.prediction !== c.label).length;
    expect(wrong, "the test needs right and wrong cells").toBeGreaterThan(0);
    expect(wrong).toBeLessThan(drawn.length);
    drawn.forEach((c, n) => {
      expect(c.orange, `cell ${n}: orange ink iff wrong`).toBe(c.prediction !== c.label);
      expect(c.aria, `cell ${n}: its aria-label`).toContain(`logit ${c.logit.toFixed(3)}`);
    });
    const colours: number[][] = [];
    for (const scheme of ["dark", "light"] as const) {
      await page.emulateMedia({colorScheme: scheme});
      const want = await textColour(page);
      // the canvas redraws on the scheme's change event: its ink becomes the page's new text colour
      await expect.poll(async () => inkColour(await page.evaluate(canvasCells)).every((v, c) => Math.abs(v - want[c]) < 40), {timeout: TIMEOUT}).toBe(true);
      colours.push(want);
    }
    expect(colours[0], "the dark and light themes' text colours").not.toEqual(colours[1]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("IHA: a mixing edit and a source-head knockout change the model, and reset restores it exactly", async () => {
    const {page, problems} = await open("?arch=iha&query=8&head=0");
    const trained = await logits(page);
    const trainedEffective = await lines(page, "sentence-effective");
    // the mixing card's per-pseudo-token detail, opened: α^Q[L0H0 → L0H0] for p = 0 in its cell's tooltip
    await page.locator("[data-slot=mixing] .mixviz-pseudo-detail summary").click();
    await page.waitForSelector("[data-slot=mixing] .mixviz-pseudo-detail svg.mixviz-matrix[aria-label='α^Q, p = 0']", {timeout: TIMEOUT}); // drawn on the toggle event
    const detailEntry = () => page.evaluate(() => {
      const grid = [...document.querySelectorAll("[data-slot=mixing] .mixviz-pseudo-detail svg.mixviz-matrix")].find((g) => g.getAttribute("aria-label") === "α^Q, p = 0");
      return [...(grid?.querySelectorAll("title") ?? [])].map((t) => t.textContent ?? "").find((t) => t.startsWith("L0H0 → L0H0: "));
    });
    const trainedDetail = await detailEntry();
    expect(trainedDetail).toMatch(/^L0H0 → L0H0: -?\d+\.\d{4}$/);
    const detailReads = (want: string) => page.waitForFunction((w) => {
      const grid = [...document.querySelectorAll("[data-slot=mixing] .mixviz-pseudo-detail svg.mixviz-matrix")].find((g) => g.getAttribute("aria-label") === "α^Q, p = 0");
      return [...(grid?.querySelectorAll("title") ?? [])].some((t) => t.textContent === w);
    }, want, {timeout: TIMEOUT});
    // α^Q[L0H0 → L0H0, p 0] set far from its trained value; the open detail follows it
    await control(page, "matrix").selectOption("alpha_Q");
    await control(page, "value").fill("8");
    await redraw(page, () => control(page, "set").click());
    expect(await page.getAttribute(".mixviz-edits", "data-edits")).toBe("1");
    await detailReads("L0H0 → L0H0: 8.0000");
    await expect(page.locator(".mixviz-edits li").textContent()).resolves.toContain("α^Q[L0H0 → L0H0, p 0] = 8.000");
    // the value box keeps what was typed; another entry shows that entry's value
    expect(await control(page, "value").inputValue()).toBe("8");
    await control(page, "target").selectOption("1");
    expect(await control(page, "value").inputValue()).toMatch(/^-?\d+\.\d{3}$/);
    await control(page, "target").selectOption("0");
    expect(await control(page, "value").inputValue()).toBe("8.000");
    expect(await logits(page)).not.toEqual(trained);
    await page.locator("[data-view=heatmap] summary").click();
    await page.waitForSelector("[data-view=heatmap] .mixviz-heatmaps svg", {timeout: TIMEOUT});
    const heatmap = await page.locator("[data-view=heatmap] .mixviz-heatmaps").innerHTML();
    await redraw(page, () => control(page, "knock-source").click());
    expect(await page.locator("[data-view=heatmap] .mixviz-heatmaps").innerHTML()).not.toEqual(heatmap);
    expect(await page.getAttribute(".mixviz-edits", "data-edits")).toBe("2");
    const knocked = await logits(page);
    expect(knocked).not.toEqual(trained);
    expect(await lines(page, "sentence-effective")).not.toEqual(trainedEffective);
    await redraw(page, () => control(page, "reset").click());
    expect(await page.getAttribute(".mixviz-edits", "data-edits")).toBe("0");
    expect(await logits(page)).toEqual(trained);
    expect(await lines(page, "sentence-effective")).toEqual(trainedEffective);
    await detailReads(trainedDetail!);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("Talking Heads: zeroing a P_w entry leaves the raw maps alone and changes the effective map; knocking out a head changes the logits", async () => {
    const {page, problems} = await open("?arch=talking_heads&query=8&head=3");
    const trained = await logits(page);
    const raw = await lines(page, "sentence-raw");
    const effective = await lines(page, "sentence-effective");
    await control(page, "matrix").selectOption("P_w");
    await control(page, "source").selectOption("3");
    await control(page, "target").selectOption("3");
    // P_w[L0H3 → L0H3] as the card shows it, in the tooltip of its cell; the card is marked to tell a redraw
    // in place from a new card
    const entry = () => page.evaluate(() => {
      const pw = document.querySelectorAll("[data-slot=mixing] svg.mixviz-matrix")[1];
      return [...(pw?.querySelectorAll("title") ?? [])].map((t) => t.textContent ?? "").find((t) => t.startsWith("L0H3 → L0H3: "));
    });
    const trainedEntry = await entry();
    expect(trainedEntry).toMatch(/^L0H3 → L0H3: -?\d+\.\d{4}$/);
    expect(trainedEntry).not.toBe("L0H3 → L0H3: 0.0000");
    await page.evaluate(() => (document.querySelector<HTMLElement>("[data-slot=mixing] .mixviz-mixing")!.dataset.probe = "kept"));
    await redraw(page, () => control(page, "zero").click());
    expect(await lines(page, "sentence-raw")).toEqual(raw);
    expect(await lines(page, "sentence-effective")).not.toEqual(effective);
    // the mixing card follows the edit, after the frame that shows the maps, and in place: P_w[L0H3 → L0H3] now reads 0
    await page.waitForFunction(() => {
      const pw = document.querySelectorAll("[data-slot=mixing] svg.mixviz-matrix")[1];
      return [...(pw?.querySelectorAll("title") ?? [])].some((t) => t.textContent === "L0H3 → L0H3: 0.0000");
    }, null, {timeout: TIMEOUT});
    expect(await page.getAttribute("[data-slot=mixing] .mixviz-mixing", "data-probe")).toBe("kept");
    await redraw(page, () => control(page, "reset").click());
    expect(await logits(page)).toEqual(trained);
    await page.waitForFunction((want) => {
      const pw = document.querySelectorAll("[data-slot=mixing] svg.mixviz-matrix")[1];
      return [...(pw?.querySelectorAll("title") ?? [])].some((t) => t.textContent === want);
    }, trainedEntry, {timeout: TIMEOUT});
    await control(page, "knock-head").selectOption("3");
    await redraw(page, () => control(page, "knock").click());
    expect(await logits(page)).not.toEqual(trained);
    expect(await lines(page, "sentence-raw")).toEqual(raw);
    await redraw(page, () => control(page, "reset").click());
    expect(await logits(page)).toEqual(trained);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the edit list names every edit, and undoing one leaves the model as if only the others had been made", async () => {
    const {page, problems} = await open("?arch=talking_heads&query=8&head=3");
    const items = () => page.locator(".mixviz-edits li").allTextContents();
    const knock = async (head: string) => {
      await control(page, "knock-head").selectOption(head);
      await redraw(page, () => control(page, "knock").click());
    };
    await knock("3");
    await control(page, "matrix").selectOption("P_w");
    await redraw(page, () => control(page, "zero").click());
    await knock("5");
    expect(await page.getAttribute(".mixviz-edits", "data-edits")).toBe("3");
    const listed = await items();
    expect(listed).toHaveLength(3);
    expect(listed[0]).toContain("L0H3 knocked out");
    expect(listed[1]).toContain("P_w[L0H0 → L0H0] = 0.000");
    expect(listed[2]).toContain("L0H5 knocked out");
    await redraw(page, () => page.locator(".mixviz-edits li").nth(1).locator("[data-control=undo]").click());
    expect(await page.getAttribute(".mixviz-edits", "data-edits")).toBe("2");
    expect(await items()).toEqual([listed[0], listed[2]]);
    const undone = await logits(page);
    // the same two edits made afresh
    await redraw(page, () => control(page, "reset").click());
    expect(await items()).toEqual([]);
    await expect(page.locator(".mixviz-edits p").textContent()).resolves.toContain("unedited");
    await knock("3");
    await knock("5");
    expect(await logits(page)).toEqual(undone);
    // the undo buttons of the rebuilt list act on the edits now listed
    await redraw(page, () => page.locator(".mixviz-edits li").nth(0).locator("[data-control=undo]").click());
    expect((await items())[0]).toContain("L0H5 knocked out");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the Attention Fields' clouds are drawn in a worker, pixel for pixel as the page draws them itself, before and after an edit", async () => {
    const search = "?arch=mha&query=8&head=2";
    const inWorker = await open(search);
    const onPage = await open(search, withoutOffscreen);
    expect(await cloudDrawers(inWorker.page)).toEqual(["worker", "worker"]);
    expect(await cloudDrawers(onPage.page)).toEqual(["page", "page"]);
    const before = await fieldPixels(inWorker.page);
    expect(samePixels(await fieldPixels(onPage.page), before), "worker and page draw the same fields").toBe(true);
    for (const {page} of [inWorker, onPage]) await redraw(page, () => page.locator(".mixviz-relation-grid > g > g").nth(1).click());
    const after = await fieldPixels(inWorker.page);
    expect(samePixels(await fieldPixels(onPage.page), after), "worker and page draw the same fields after the edit").toBe(true);
    for (const i of [0, 1]) expect(after[i].equals(before[i]), `field ${i} changed with the edit`).toBe(false);
    expect(inWorker.problems).toEqual([]);
    expect(onPage.problems).toEqual([]);
    await inWorker.page.close();
    await onPage.page.close();
  });

  test("if the worker cannot start, the fields draw on the page and the playground works on", async () => {
    const reference = await open("?arch=iha&query=8&head=0", withoutOffscreen);
    const {page, problems} = await open("?arch=iha&query=8&head=0", (p) => p.route(/fieldWorker\.[0-9a-f]+\.js$/, (route) => route.fulfill({status: 404, body: ""})));
    await fieldsDrawn(page);
    expect(await cloudDrawers(page)).toEqual(["page", "page"]);
    expect(samePixels(await fieldPixels(page), await fieldPixels(reference.page)), "fallback fields as drawn on the page").toBe(true);
    await redraw(page, () => control(page, "knock").click());
    await redraw(reference.page, () => control(reference.page, "knock").click());
    expect(await logits(page)).toEqual(await logits(reference.page));
    expect(samePixels(await fieldPixels(page), await fieldPixels(reference.page)), "fallback fields after a knockout").toBe(true);
    // the only problems are the worker's missing script, reported as such, and the page's warning that it
    // draws the fields itself
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/fieldWorker|the Attention Field worker did not run/);
    expect(reference.problems).toEqual([]);
    await page.close();
    await reference.page.close();
  });

  test("a bad typed relation or seed gets a message naming the problem, and the page stays usable", async () => {
    const {page, problems} = await open("?arch=mha");
    const relation = param(page, "relation");
    const v = await version(page);
    const message = page.locator(".mixviz-playground-top .mixviz-message");
    await control(page, "relation-text").fill("000000\n011x00\n000000\n000000\n000000\n000000");
    await control(page, "apply").click();
    await expect(message.textContent()).resolves.toContain('Row 2, position 4: "x" is not 0 or 1.');
    await control(page, "relation-text").fill("010101\n101010");
    await control(page, "apply").click();
    await expect(message.textContent()).resolves.toContain("2 rows: the relation needs exactly 6 rows of 6 digits.");
    await control(page, "relation-text").fill("<img src=x onerror=alert(1)>");
    await control(page, "apply").click();
    await expect(message.textContent()).resolves.toContain(`Position 1: "<" is not 0 or 1.`);
    expect(await page.locator(".mixviz-message img").count()).toBe(0);
    await control(page, "seed").fill("-3");
    await control(page, "draw").click();
    await expect(message.textContent()).resolves.toContain('Seed "-3" is not a whole number');
    expect(await version(page)).toBe(v);
    expect(param(page, "relation")).toBe(relation);
    // still usable: a good relation and a seed both draw
    await redraw(page, async () => {
      await control(page, "relation-text").fill("110000 011000 001100 000110 000011 100001");
      await control(page, "apply").click();
    });
    expect(param(page, "relation")).toBe("110000/011000/001100/000110/000011/100001");
    expect(await message.textContent()).toBe("");
    await redraw(page, async () => {
      await control(page, "seed").fill("7");
      await control(page, "draw").click();
    });
    expect(param(page, "relation")).not.toBe("110000/011000/001100/000110/000011/100001");
    // a value that is not a number is said next to its field, in the editor, not in the card at the top
    await control(page, "arch").selectOption("iha");
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute("data-arch") === "iha", STATUS, {timeout: TIMEOUT});
    await control(page, "value").fill("abc");
    await control(page, "set").click();
    const editMessage = page.locator("[data-view=editor] .mixviz-message");
    await expect(editMessage.textContent()).resolves.toBe('Value "abc" is not a number.');
    expect(await message.textContent()).toBe("");
    const [field, said] = await Promise.all([control(page, "value").boundingBox(), editMessage.boundingBox()]);
    expect(said!.y - (field!.y + field!.height), "the message's distance below the field").toBeLessThan(60);
    expect(said!.y).toBeGreaterThan(field!.y);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a garbage address falls back to the defaults", async () => {
    const {samples} = builtSamples();
    const {page, problems} = await open("?arch=gpt&relation=11%3Cb%3E&query=999&head=-1");
    expect(param(page, "arch")).toBe("iha");
    expect(param(page, "relation")?.replaceAll("/", "")).toBe(samples[0].relation.join(""));
    expect(param(page, "query")).toBe(String(samples[0].labels.indexOf(1)));
    expect(param(page, "head")).toBe("0");
    expect(problems).toEqual([]);
    await page.close();
  });
});
