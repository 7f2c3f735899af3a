// docs/*.md served as pages: mentions of a doc become links to its page, every doc has a page in the
// sidebar, and the site's config is one Framework reads without a deprecation warning.
import {readdirSync} from "node:fs";
import {normalizeConfig} from "@observablehq/framework/dist/config.js";
import {describe, expect, it, vi} from "vitest";
import config from "../observablehq.config.js";
import {docPage} from "../src/data/docPage.js";

const DOCS = readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -".md".length));

describe("doc pages", () => {
  it("link a mention of another doc to its page, and leave other code spans alone", () => {
    const names = new Set(["model", "effective-maps"]);
    const page = docPage("See `docs/model.md`, \"Cache\", and `src/model/model.ts`; not `docs/gone.md`.", names);
    expect(page).toBe("See [`docs/model.md`](./model), \"Cache\", and `src/model/model.ts`; not `docs/gone.md`.");
  });

  it("exist for every doc, in the sidebar's Documentation section", () => {
    const section = config.pages.find((p) => p.name === "Documentation") as {pages: {path: string}[]} | undefined;
    expect(section?.pages.map((p) => p.path).sort()).toEqual(DOCS.map((d) => `/docs/${d}`).sort());
  });
});

describe("the site's config", () => {
  it("uses no option Framework warns about", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await normalizeConfig(config, "src");
      expect(warn.mock.calls.map((c) => c.join(" "))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
