// The browser harness must notice what it is there to catch: this fixture page makes a remote request,
// loads a missing script, logs a console error and a warning, and throws.
import type {Server} from "node:http";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, expect, test} from "vitest";
import {serve} from "../../scripts/serve.js";
import {launch, visit} from "./browser.js";

let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({server, url: base} = await serve("test/fixtures/bad-site"));
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

test("the harness reports remote requests, failed requests, console errors and warnings, and exceptions", async () => {
  const {problems, page} = await visit(browser, base, (p) => p.waitForTimeout(500));
  await page.close();
  const text = problems.join("\n");
  expect(text).toContain("non-local request: http://example.com/remote.png");
  expect(text).toContain("HTTP 404");
  expect(text).toContain("console error: deliberate console error");
  expect(text).toContain("console warning: deliberate console warning");
  expect(text).toContain("uncaught: deliberate uncaught");
});
