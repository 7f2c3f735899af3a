// scripts/nodeBundles.ts: d3 and Plot written into Framework's module cache as one module each, exporting
// what the packages export, with Plot importing the one shared d3 module.
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, relative} from "node:path";
import {pathToFileURL} from "node:url";
import {afterAll, describe, expect, it} from "vitest";
import {nodeCache, writeNodeBundles} from "../scripts/nodeBundles.js";

const siteRoot = mkdtempSync(join(tmpdir(), "mixviz-node-bundles-"));
afterAll(() => rmSync(siteRoot, {recursive: true, force: true}));
const version = (name: string) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf-8")).version as string;
/** The specifiers a minified module imports from (static imports and re-exports). */
const importsOf = (source: string) => [...source.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]*?from\s*)?"([^"]+)"/g)].map((m) => m[1]);

describe("d3 and Plot as one module each", async () => {
  const files = await writeNodeBundles(process.cwd(), siteRoot);
  const cached = files.map((file) => relative(nodeCache(siteRoot), file));

  it("writes them where Framework looks for its bundles of d3 and Plot", () => {
    expect(cached).toEqual([`d3@${version("d3")}/index.js`, `@observablehq/plot@${version("@observablehq/plot")}/index.js`]);
  });

  it("gives d3 no import of another module and every export of the package", async () => {
    expect(importsOf(readFileSync(files[0], "utf-8"))).toEqual([]);
    const bundled = await import(pathToFileURL(files[0]).href);
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(await import("d3")).sort());
    expect(bundled.scaleLinear().domain([0, 2]).range([0, 10])(1)).toBe(5);
  });

  it("has Plot import d3 from that one module only, and export what Plot exports", async () => {
    expect(new Set(importsOf(readFileSync(files[1], "utf-8")))).toEqual(new Set([`../../d3@${version("d3")}/index.js`]));
    const bundled = await import(pathToFileURL(files[1]).href);
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(await import("@observablehq/plot")).sort());
  });
});
