// What a browser test file shares: one Chromium for the whole file (launched before its tests, closed
// after them) and an opener for one page of the test site that waits until the page has settled.
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, inject} from "vitest";
import {launch, visit, type PageReport} from "./browser.js";

/** Registers the file's Chromium; the returned function gives it inside tests. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is used before beforeAll launched it");
    return browser;
  };
}

/**
 * An opener for `path` on the test site (`siteUrl` from test/e2e/site.ts): `open("?a=1")` visits it with
 * that query string and runs `settle` before returning the page and its problem list (filled as it runs);
 * `prepare` runs before the page loads (visit).
 */
export function pageOpener(browser: () => Browser, path: string, settle: (page: Page) => Promise<void>): (search?: string, prepare?: (page: Page) => Promise<unknown>) => Promise<PageReport> {
  const base = inject("siteUrl");
  return (search = "", prepare) => visit(browser(), new URL(`.${path}${search}`, base).href, settle, prepare);
}
