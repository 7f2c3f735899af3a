// One build and one server for every browser test: vitest's globalSetup builds the site on the tiny training
// profile into its own folder, serves it on 127.0.0.1, and hands the address to the test files
// (`inject("siteUrl")`). The harness self-test does not need the site but shares the run.
import {execFileSync} from "node:child_process";
import {rmSync} from "node:fs";
import type {TestProject} from "vitest/node";
import {serve} from "../../scripts/serve.js";

/** Where the browser tests build, so they never overwrite the real site or a developer's build. */
export const OUTPUT = ".cache/e2e-dist";

declare module "vitest" {
  export interface ProvidedContext {
    /** the served test build, with a trailing slash */
    siteUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  rmSync(OUTPUT, {recursive: true, force: true});
  execFileSync("npm", ["run", "build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {...process.env, MIXVIZ_PROFILE: "tiny", MIXVIZ_OUTPUT: OUTPUT}
  });
  const {server, url} = await serve(OUTPUT);
  project.provide("siteUrl", url);
  return () => new Promise((done) => server.close(() => done()));
}
