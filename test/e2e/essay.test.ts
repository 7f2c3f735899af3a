// The essay in Chromium, on the test build: every figure renders, every number bound to metrics.json shows
// that file's value, the deep links (the essay's own ?sample=&query= and each figure's explorer link)
// restore their state, the exercise answers open, the first figures appear before DuckDB's tables load, and
// printing to PDF gives pages with the chrome hidden. No console errors and no non-local requests anywhere.
import {execFileSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import {fmt} from "../../src/essay/prose.js";
import {STUDY, STUDY_URL} from "../../src/essay/study.js";
import {PRESETS} from "../../src/model/config.js";
import {ablationBySeed, ablationClaim, thesis} from "../../src/essay/claims.js";
import {MAP_KIND_FILE_NAMES, MAP_KIND_LABELS, MAP_KINDS, type Arch} from "../../src/model/vocabulary.js";
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

/** Holds back every Arrow and Parquet request of `page` until the returned function is called. */
async function holdTables(page: Page): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((done) => (release = done));
  await page.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== "127.0.0.1") return route.abort();
    if (/\.(arrow|parquet)$/.test(url.pathname)) await held;
    return route.continue();
  });
  return release;
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

  test("the triptych's grids are labelled with the entities, and no weight is drawn under its ring", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const panels = await page.locator("#fig-iha-readings .mixviz-triptych-panel").evaluateAll((svgs) =>
      svgs.map((svg) => {
        const labels = [...svg.querySelectorAll(".mixviz-entity")].map((t) => t.textContent);
        // every number inside a ring: its box must lie inside the ring's inner edge
        const clashes = [...svg.querySelectorAll("circle")].filter((ring) => {
          const number = ring.parentElement?.querySelector("text");
          if (!number) return true;
          const r = ring.getBoundingClientRect();
          const t = number.getBoundingClientRect();
          const inner = r.width / 2 - Number(ring.getAttribute("stroke-width"));
          const [cx, cy] = [r.x + r.width / 2, r.y + r.height / 2];
          const corners = [[t.left, t.top], [t.right, t.top], [t.left, t.bottom], [t.right, t.bottom]];
          return corners.some(([x, y]) => Math.hypot(x - cx, y - cy) > inner);
        }).length;
        return {labels, rings: svg.querySelectorAll("circle").length, clashes};
      }));
    expect(panels.length).toBe(3);
    for (const p of panels) {
      const m = p.labels.length / 2;
      expect(p.labels).toEqual([...Array.from({length: m}, (_, k) => [String.fromCharCode(65 + k), String.fromCharCode(65 + k)])].flat());
      expect(p.clashes, "numbers crossing their ring").toBe(0);
    }
    expect(panels.some((p) => p.rings > 0)).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("a heatmap tips the tokens and the weight of the cell under the pointer", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const figure = page.locator("#fig-th-maps .mixviz-heatmaps figure").first();
    const plot = figure.locator("svg[aria-label*='map of']");
    // the first row's first cell: the tip names the first token as query and as key
    const first = await plot.locator("[aria-label='y-axis tick label'] text").first().textContent();
    await figure.scrollIntoViewIfNeeded();
    const cells = (await figure.locator("canvas").boundingBox())!;
    await page.mouse.move(cells.x + 2, cells.y + 2);
    const tip = figure.locator("[aria-label='tip']");
    await expect.poll(() => tip.textContent()).toContain(`${first} → ${first}: `);
    expect((await tip.textContent())!.split(": ").pop()).toMatch(/^\d\.\d{3}$/);
    await page.close();
    expect(problems).toEqual([]);
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
    // a reading is named by its label ("naive renormalised"), never by its key in the data files
    const KEYS: Record<string, string> = Object.fromEntries(MAP_KINDS.map((k) => [MAP_KIND_LABELS[k], MAP_KIND_FILE_NAMES[k]]));
    let ours = 0;
    for (const row of rows) {
      const arch = NAMES[cell(row, "architecture")];
      const reading = cell(row, "reading");
      expect(arch, `row ${row.join(" | ")}`).toBeDefined();
      expect(reading === "the study's" || reading in KEYS, `reading "${reading}" is a label`).toBe(true);
      const key = KEYS[reading];
      const expected =
        reading === "the study's"
          ? {"best epoch": String(STUDY[arch].best_epoch), alignment: fmt(STUDY[arch].alignment), redundancy: fmt(STUDY[arch].redundancy), entropy: fmt(STUDY[arch].entropy)}
          : (() => {
              // ours: means over the seeds (one seed: its own values)
              const o = metrics.architectures[arch].over_seeds;
              const epoch = o.best_epoch.mean;
              return {
                "test F1": o.test_f1.mean.toFixed(4),
                "best epoch": Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(1),
                alignment: fmt(o.maps[key].alignment.mean),
                "best head": fmt(o.maps[key].best_head_alignment.mean),
                redundancy: fmt(o.maps[key].redundancy.mean),
                entropy: fmt(o.maps[key].entropy.mean)
              };
            })();
      if (reading !== "the study's") ours++;
      for (const [header, value] of Object.entries(expected)) expect(cell(row, header), `${arch} ${reading} ${header}`).toBe(value);
    }
    const kinds = Object.values(metrics.architectures as Record<string, {map_kinds: string[]}>).reduce((n, a) => n + a.map_kinds.length, 0);
    expect(ours).toBe(kinds);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("the first figures appear before any table (Arrow or Parquet) has loaded", async () => {
    const page = await browser.newPage();
    const release = await holdTables(page);
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

  // one explorer load per link (five or more), each as slow as a page load on a busy machine
  const LINKS_TIMEOUT_MS = 360_000;
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
  }, LINKS_TIMEOUT_MS);

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

/** The text of a PDF, page by page (poppler-utils' pdftotext, layout kept). */
function pdfPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), "mixviz-pdf-"));
  try {
    const file = join(dir, "essay.pdf");
    writeFileSync(file, pdf);
    return execFileSync("pdftotext", ["-layout", file, "-"], {encoding: "utf8"}).split("\f");
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

describe("the essay as a handout and on a phone", () => {
  test("the printed A4 PDF holds the results table, with page margins and no on-screen instructions", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const metrics = await (await fetch(await loadedFile(page, "metrics", "json"))).json();
    await page.emulateMedia({media: "print"});
    expect(await page.locator("#fig-results table").isVisible()).toBe(true);
    // every row of the table is printed, none scrolled out of a clipped box
    const clipped = await page.locator("#fig-results").evaluate((form) => {
      const box = form.getBoundingClientRect();
      return [...form.querySelectorAll("tbody tr")].filter((tr) => tr.getBoundingClientRect().bottom > box.bottom + 1).length;
    });
    expect(clipped).toBe(0);
    // the page box has margins (an @page rule with a non-zero margin)
    const margins = await page.evaluate(() =>
      [...document.styleSheets].flatMap((sheet) => {
        try {
          return [...sheet.cssRules].filter((r) => r instanceof CSSPageRule).map((r) => (r as CSSPageRule).style.getPropertyValue("margin"));
        } catch {
          return [];
        }
      })
    );
    expect(margins.some((m) => m !== "" && !/^0(px|mm)?$/.test(m.trim()))).toBe(true);
    const pages = pdfPages(await page.pdf({format: "A4", preferCSSPageSize: true}));
    const text = pages.join("\n");
    // the table's header and one row per architecture and reading, with its alignment
    expect(text).toMatch(/architecture\s+reading\s+test F1/);
    for (const arch of ["mha", "talking_heads", "iha"] as const) {
      const a = metrics.architectures[arch];
      for (const kind of a.map_kinds as string[]) expect(text, `${arch} ${kind}`).toContain(fmt(a.over_seeds.maps[kind].alignment.mean));
    }
    expect(text).toContain("the study's");
    // on-screen instructions and hidden links leave nothing behind
    expect(text).not.toContain("Click any cell");
    expect(text).not.toContain("Open this in the explorer");
    // a separator left where links were hidden follows a sentence's end or a link's arrow
    expect(text).not.toMatch(/[.→]\s+·(\s|$)/m);
    // no section heading is the last line of a page
    const headings = (await page.locator("#observablehq-main h2").allInnerTexts()).map((h) => h.trim());
    for (const [i, pageText] of pages.entries()) {
      const lines = pageText.split("\n").map((l) => l.trim()).filter(Boolean);
      if (lines.length === 0) continue;
      expect(headings, `last line of page ${i + 1}`).not.toContain(lines[lines.length - 1]);
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  test("at 390 px nothing is clipped or overflows the page", async () => {
    const page = await browser.newPage({viewport: {width: 390, height: 844}});
    await page.goto(ESSAY, {waitUntil: "load"});
    await settle(page);
    // the block diagram's labels and boxes lie inside its own drawing
    const outside = await page.locator(".mixviz-block-diagram").evaluate((svg) => {
      const view = (svg as SVGSVGElement).viewBox.baseVal;
      return [...svg.querySelectorAll("text, rect")]
        .map((el) => ({el, box: (el as SVGGraphicsElement).getBBox()}))
        .filter(({el, box}) => {
          const m = (el as SVGGraphicsElement).getCTM();
          const x = m ? m.e + box.x * m.a : box.x;
          return x < view.x - 0.5 || x + box.width > view.x + view.width + 0.5;
        })
        .map(({el}) => el.textContent || el.tagName);
    });
    expect(outside).toEqual([]);
    // no figure or paragraph of the essay sticks out past the right edge of the page
    const wide = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth + 1;
      const main = document.querySelector("#observablehq-main")!;
      const out: string[] = [];
      for (const el of main.querySelectorAll("p, h1, h2, h3, svg, canvas, .card, .mixviz-figure")) {
        if (el.getBoundingClientRect().right <= limit) continue;
        // inside a box that scrolls or clips sideways (a wide table), overflow is the box's business
        let scrolled = false;
        for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
          if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) scrolled = true;
        }
        if (!scrolled) out.push(`${el.tagName.toLowerCase()}.${el.getAttribute("class") ?? ""} in #${el.closest("[id]")?.id ?? ""}`);
      }
      return out;
    });
    expect(wide).toEqual([]);
    await page.close();
  });

  test("while the tables load, prose holds a still placeholder, never a spinning glyph", async () => {
    const page = await browser.newPage();
    const release = await holdTables(page);
    await page.goto(ESSAY, {waitUntil: "domcontentloaded"});
    await page.waitForSelector("[data-figure=task] .mixviz-relation-grid", {timeout: SETTLE_MS});
    const pending = await page.evaluate(() =>
      [...document.querySelectorAll("#observablehq-main :is(p, li, h2) observablehq-loading")].map((el) => ({
        glyph: getComputedStyle(el, "::before").content,
        animation: getComputedStyle(el).animationName
      }))
    );
    // the sentences bound to the tables are waiting, and none of them spins
    expect(pending.length).toBeGreaterThan(0);
    for (const p of pending) {
      expect(p.glyph).not.toContain("\u21bb");
      expect(p.animation).toBe("none");
    }
    release();
    await page.waitForSelector("#fig-ablation svg", {timeout: SETTLE_MS});
    await page.close();
  });
});

describe("the essay's words follow its numbers", () => {
  test("the thesis and the ablation title are the ones computed from this build's metrics and heads", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const metrics = await (await fetch(await loadedFile(page, "metrics", "json"))).json();
    expect(await page.locator("#thesis").innerText()).toContain(thesis(metrics).sentence);
    // the ablation title from every seed's numbers in metrics.json; the main seed's F1 lost is the one heads.arrow holds
    const byArch = ablationBySeed(metrics)!;
    const main = metrics.seeds.indexOf(metrics.main_seed);
    const heads = tableFromIPC(new Uint8Array(await (await fetch(await loadedFile(page, "heads", "arrow"))).arrayBuffer())).toArray();
    for (const row of heads) {
      if (row.map !== "raw" || row.layer !== 0) continue;
      expect(byArch[row.arch as Arch].seeds[main][row.head_index].drop).toBeCloseTo(row.test_f1 - row.ablated_f1, 6);
    }
    expect(Object.keys(byArch).sort()).toEqual(["iha", "mha", "talking_heads"]);
    expect((await page.locator("h2#ablation").innerText()).trim()).toBe(`Ablation: ${ablationClaim(byArch).title}`);
    // the contents sidebar names the section by its computed title too
    expect((await page.locator('#observablehq-toc a[href="#ablation"]').textContent())?.trim()).toBe(`Ablation: ${ablationClaim(byArch).title}`);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("terms are introduced where they first appear, and numbers are printed one way", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const metrics = await (await fetch(await loadedFile(page, "metrics", "json"))).json();
    const prose = await page.locator("#observablehq-main").innerText();
    // "the study" first appears beside its citation and link
    const cite = page.locator("a.mixviz-cite");
    expect(await cite.getAttribute("href")).toBe(STUDY_URL);
    const firstStudy = prose.indexOf("the study");
    expect(firstStudy).toBeGreaterThan(-1);
    expect(prose.slice(0, firstStudy)).toContain(await cite.innerText());
    // the crossed arrow, the naive renormalised reading and diagonal dominance are said on first use
    expect(prose.slice(prose.indexOf("↛"), prose.indexOf("↛") + 40)).toContain("crossed-out arrow");
    expect(prose.slice(prose.indexOf("naive renormalised"), prose.indexOf("naive renormalised") + 80)).toContain("divided by its own sum");
    const firstDominance = prose.indexOf("diagonal dominance");
    expect(prose.slice(firstDominance, firstDominance + 60)).toContain("tr|G| / Σ|G|");
    // the head-flow figure does not speak of N·P before N and P are introduced
    expect(await page.locator(".mixviz-head-flow").textContent()).not.toContain("N·P");
    // the two chance values are named apart, each with its own number: the query's gold cells over its
    // tokens, and the test set's uniform baseline
    const query = /puts its weight on the (\d+) gold cells\.\s+A map that spreads its weight evenly over all (\d+) tokens puts ([\d.]+) there: that is chance for\s+this query/.exec(prose);
    expect(query, "the sentence naming chance for this query").not.toBeNull();
    expect(query![3]).toBe(fmt(Number(query![1]) / Number(query![2])));
    expect(prose).toContain(`${fmt(metrics.architectures.mha.uniform_baseline.alignment)}, chance over the test set`);
    // the training curves' different lengths are explained with the preset's own stopping rule, and the
    // runs did stop at the limit, at the patience after their best epoch, or at a validation F1 of 1
    const {train} = PRESETS[metrics.preset as keyof typeof PRESETS];
    expect(prose).toMatch(new RegExp(`training stops early: a run stops once validation F1 has not\\s+reached a new best for ${train.patience} epochs in a row \\(or after ${train.max_epochs} epochs, or as soon as validation F1\\s+reaches 1, which no later epoch could beat\\)`));
    for (const a of Object.values(metrics.architectures) as {epochs_run: number; best_epoch: number; best_val_f1: number}[]) {
      expect(a.epochs_run === train.max_epochs || a.epochs_run - a.best_epoch === train.patience || (a.best_val_f1 === 1 && a.epochs_run === a.best_epoch)).toBe(true);
    }
    // the Talking Heads caption names its panel, whatever the layout
    expect(await page.locator("#fig-th-maps").innerText()).not.toContain("Right:");
    // test F1 has the table's four decimals wherever it is printed
    const f1s = await page.locator(".mixviz-f1").evaluateAll((nodes) => nodes.map((n) => ({key: (n as HTMLElement).dataset.metric ?? "", text: n.textContent ?? ""})));
    expect(f1s.length).toBeGreaterThanOrEqual(4);
    for (const {key, text} of f1s) expect(text, key).toBe((at(metrics, key) as number).toFixed(4));
    // "ours is about the same as it (a different direction)" is gone: a comparison names what it compares with
    expect(prose).not.toMatch(/as it \(/);
    await page.close();
    expect(problems).toEqual([]);
  });

  test("exercise 5 names whole tokens, and the pseudo-blocks show every row's strongest key", async () => {
    const {problems, page} = await visit(browser, ESSAY, settle);
    const answers = page.locator("details.mixviz-answer");
    await answers.nth(4).locator("summary").click();
    const five = await answers.nth(4).innerText();
    const m = /only tokens 0 … (\S+) appear/.exec(five);
    expect(m, five).not.toBeNull();
    expect(m![1]).toMatch(/^\d+$/);
    // per-row tint: at least one full-colour cell in every pseudo-query row of every block row
    const {strong, rows, cellPixels} = await page.locator("#fig-iha-blocks").evaluate((fig) => {
      const canvas = fig.querySelector("canvas")!;
      const ctx = canvas.getContext("2d")!;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let strong = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] >= 230) strong++;
      const row = fig.querySelector("rect.query-row") as SVGRectElement;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const cell = Number(row.getAttribute("height")) * scale;
      const blockRows = new Set([...fig.querySelectorAll("rect.query-row")].map((r) => r.getAttribute("data-block"))).size;
      const tokens = Number(row.getAttribute("width")) / Number(row.getAttribute("height"));
      return {strong, rows: blockRows * tokens, cellPixels: Math.floor(cell) ** 2};
    });
    expect(strong).toBeGreaterThanOrEqual(rows * cellPixels);
    await page.close();
    expect(problems).toEqual([]);
  });
});
