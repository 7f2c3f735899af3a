// The real-browser check: every page of the config, opened in Chromium on the test build (built and served
// once by site.ts), fails on any console error or warning, failed request, non-local request or cell error,
// a missing icon, or a link to a page of the site that is not there.
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, inject, test} from "vitest";
import config from "../../observablehq.config.js";
import {launch, visit} from "./browser.js";
import {READY} from "./ready.js";

function pagePaths(): string[] {
  const paths: string[] = [];
  const walk = (items: readonly {path?: string; pages?: readonly unknown[]}[]) => {
    for (const item of items) {
      if (item.path) paths.push(item.path);
      if (item.pages) walk(item.pages as {path?: string}[]);
    }
  };
  walk(config.pages);
  return paths;
}


const base = inject("siteUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe("every page, in Chromium, offline", () => {
  test.each(pagePaths())("%s loads with no errors and no remote requests", async (path) => {
    expect(READY[path], `no READY entry for ${path}`).toBeDefined();
    const {problems, page} = await visit(browser, new URL(`.${path === "/" ? "/index" : path}`, base).href, async (p) => {
      for (const selector of READY[path]) await p.waitForSelector(selector, {timeout: 30_000});
    });
    // its icon is served (without one the browser asks for /favicon.ico, a 404 on every page load)
    const icon = await page.$eval("link[rel=icon]", (link) => (link as HTMLLinkElement).href).catch(() => null);
    expect(icon, "the page names an icon").not.toBeNull();
    expect((await page.request.get(icon!)).status()).toBe(200);
    // every link to a page of this site reaches one (docs included, so they work from dist/ offline)
    const links = await page.$$eval("#observablehq-main a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of new Set(links.filter((h) => h.startsWith(base) && !h.includes("#")))) {
      expect((await page.request.get(href)).status(), href).toBe(200);
    }
    await page.close();
    expect(problems).toEqual([]);
  });
});
