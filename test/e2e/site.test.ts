// The real-browser check: every page of the config, opened in Chromium on the test build (built and served
// once by site.ts), fails on any console error, failed request, non-local request or cell error.
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
    await page.close();
    expect(problems).toEqual([]);
  });
});
