import {readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {installOfflineNpm, parseCdnPath} from "../scripts/offline-npm.js";

const installed = (name: string) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf-8")).version as string;
const realFetch = globalThis.fetch;

beforeAll(() => installOfflineNpm(process.cwd()));
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe("offline npm for Framework", () => {
  it("parses CDN paths, scoped or not", () => {
    expect(parseCdnPath("d3@7.9.2/+esm")).toEqual({name: "d3", version: "7.9.2", path: "+esm"});
    expect(parseCdnPath("@duckdb/duckdb-wasm@1.29.0/dist/duckdb-eh.wasm")).toEqual({
      name: "@duckdb/duckdb-wasm",
      version: "1.29.0",
      path: "dist/duckdb-eh.wasm"
    });
  });

  it("answers the registry with the installed versions", async () => {
    const latest = await (await fetch("https://registry.npmjs.org/d3/latest")).json();
    expect(latest.version).toBe(installed("d3"));
    const all = await (await fetch("https://registry.npmjs.org/htl")).json();
    expect(Object.keys(all.versions)).toContain(installed("htl"));
  });

  it("bundles a package as an ES module whose re-exports of other packages stay static", async () => {
    const response = await fetch(`https://cdn.jsdelivr.net/npm/d3@${installed("d3")}/+esm`);
    expect(response.headers.get("content-type")).toMatch(/^application\/javascript/);
    const source = await response.text();
    expect(source).toMatch(new RegExp(`export\\*from"/npm/d3-array@${installed("d3-array").replaceAll(".", "\\.")}/\\+esm"`));
  });

  it("answers Framework's `aq` (arquero) with the installed version, bundled with flechette", async () => {
    const latest = await (await fetch("https://registry.npmjs.org/arquero/latest")).json();
    expect(latest.version).toBe(installed("arquero"));
    const source = await (await fetch(`https://cdn.jsdelivr.net/npm/arquero@${latest.version}/+esm`)).text();
    expect(source).toContain(`/npm/@uwdata/flechette@${installed("@uwdata/flechette")}/+esm`);
  });

  it("serves files of a package as they are", async () => {
    const version = installed("@duckdb/duckdb-wasm");
    const bytes = new Uint8Array(await (await fetch(`https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@${version}/dist/duckdb-mvp.wasm`)).arrayBuffer());
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
  });

  it("says what is missing, and refuses every other remote host", async () => {
    const missing = await fetch("https://cdn.jsdelivr.net/npm/leaflet@0.0.0-not-installed/+esm");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/leaflet@0\.0\.0-not-installed is not installed/);
    await expect(fetch("https://fonts.googleapis.com/css2")).rejects.toThrow(/refusing a request to https:\/\/fonts\.googleapis\.com/);
  });
});
