import {execFileSync} from "node:child_process";
// Loading a file on the Your data page, for the benchmarks that time it.
import type {Page} from "playwright-core";

const REPORT = ".mixviz-upload-report";

/**
 * Opens Your data on `siteUrl`, sets `path` on its file input and resolves once the page has read and
 * checked the file: the report's state ("ok", "warning", "error") and the Date.now() when the file was set.
 */
export async function uploadOnPage(page: Page, siteUrl: string, path: string, timeout: number, loaded?: () => void): Promise<{state: string | null; started: number}> {
  await page.goto(new URL("./your-data", siteUrl).href);
  await page.waitForSelector(".mixviz-sentence-view", {timeout});
  loaded?.(); // the page drawn, the file not yet picked
  const before = Number(await page.getAttribute(REPORT, "data-serial"));
  await startBlockTimer(page);
  const started = Date.now();
  await page.setInputFiles("input[data-upload=files]", path);
  await page.waitForFunction(
    ([selector, n]) => {
      const el = document.querySelector<HTMLElement>(selector as string);
      return el !== null && Number(el.dataset.serial) > (n as number) && el.dataset.state !== "loading";
    },
    [REPORT, before] as const,
    {timeout}
  );
  return {state: await page.getAttribute(REPORT, "data-state"), started};
}

/**
 * From now on, how long the page's main thread is blocked: the longest gap between the beats of a 10 ms timer (a
 * timer callback waits for whatever task holds the thread; Chromium's Long Tasks API missed some tasks here).
 */
export async function startBlockTimer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {longestTask: number; longestOneTask: number};
    w.longestTask = 0;
    w.longestOneTask = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.longestTask = Math.max(w.longestTask, now - last);
      last = now;
    }, 10);
    // Chromium's own account of each task over 50 ms (a timer waits behind several tasks in a row, input does not)
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longestOneTask = Math.max(w.longestOneTask, entry.duration);
    }).observe({type: "longtask"});
  });
}

/** The longest single task since startBlockTimer, as Chromium's long-task entries report it (ms; 0 when none took over 50). */
export const longestOneTask = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as {longestOneTask: number}).longestOneTask);

/** The longest the main thread was blocked since uploadOnPage picked the file (ms; about 10 when never). */
export const longestTask = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as {longestTask: number}).longestTask);

/** MB resident in the largest Chromium renderer process (the page, its workers and its wasm memory). */
export function rendererMB(): number {
  const rows = execFileSync("ps", ["-eo", "rss=,args="], {encoding: "utf8"}).split("\n").filter((row) => row.includes("--type=renderer"));
  return Math.max(0, ...rows.map((row) => Number(row.trim().split(/\s+/)[0]) / 1024));
}

/** Samples rendererMB every 100 ms from now on; `stop` ends it and gives the largest value seen. */
export function rendererPeak(): {stop(): number} {
  let peak = rendererMB();
  const timer = setInterval(() => (peak = Math.max(peak, rendererMB())), 100);
  return {stop: () => (clearInterval(timer), Math.max(peak, rendererMB()))};
}
