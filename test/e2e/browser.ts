// Opens pages of a served site in Debian's Chromium (driven by playwright-core) and records everything a
// reader's browser would complain about: console errors and warnings, uncaught exceptions, failed requests, requests
// to any host other than 127.0.0.1, and Framework cells that rendered an error.
import {existsSync} from "node:fs";
import {chromium, type Browser, type Page} from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Flags that keep Chromium from calling home on a machine without a network.
const QUIET_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
];

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({executablePath: CHROMIUM, args: QUIET_FLAGS});
}

export interface PageReport {
  problems: string[];
  page: Page;
}

/**
 * Opens `url`, waits until the page settles, and lists every problem seen on the way. `prepare` runs on the
 * new page before it loads (an init script, a route of its own).
 */
export async function visit(browser: Browser, url: string, settle: (page: Page) => Promise<void>, prepare?: (page: Page) => Promise<unknown>): Promise<PageReport> {
  const problems: string[] = [];
  const page = await browser.newPage();
  await page.route("**/*", (route) => {
    const {hostname, protocol} = new URL(route.request().url());
    if (protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1") return route.continue();
    problems.push(`non-local request: ${route.request().url()}`);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    if (message.type() === "warning") problems.push(`console warning: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A request the browser cancels because the page navigated or closed while it was in flight (a read-ahead
    // of the next sample's maps, started when the page went idle) is not a failure a reader sees.
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    if (!problems.some((p) => p.includes(request.url()))) {
      problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await prepare?.(page);
  await page.goto(url, {waitUntil: "load"});
  await settle(page);
  await page.waitForLoadState("networkidle");
  for (const error of await page.locator(".observablehq--error").allTextContents()) {
    problems.push(`cell error: ${error}`);
  }
  return {problems, page};
}
