// The real-browser check: build the site on the tiny training profile, serve dist on 127.0.0.1, open every
// page in Chromium and fail on any console error, failed request, non-local request or cell error.
import {execFileSync} from "node:child_process";
import {rmSync} from "node:fs";
import type {Server} from "node:http";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import config from "../../observablehq.config.js";
import {serve} from "../../scripts/serve.js";
import {launch, visit} from "./browser.js";

const OUTPUT = ".cache/e2e-dist";

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

let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  rmSync(OUTPUT, {recursive: true, force: true});
  execFileSync("npm", ["run", "build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {...process.env, MIXVIZ_PROFILE: "tiny", MIXVIZ_OUTPUT: OUTPUT}
  });
  ({server, url: base} = await serve(OUTPUT));
  browser = await launch();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe("every page, in Chromium, offline", () => {
  test.each(pagePaths())("%s loads with no errors and no remote requests", async (path) => {
    const {problems, page} = await visit(browser, new URL(`.${path === "/" ? "/index" : path}`, base).href, async (p) => {
      await p.waitForSelector("figure svg, svg[role=img], .mixviz-figure svg", {timeout: 30_000});
    });
    await page.close();
    expect(problems).toEqual([]);
  });
});
