// Removes build products.
//   tsx scripts/clean.ts loaders  Framework's cached loader outputs, so the next build re-runs every loader
//                                 (Framework alone would reuse stale ones; trained models stay cached in
//                                 .cache/models, keyed by what they depend on, so this costs seconds)
//   tsx scripts/clean.ts all      everything built: dist, Framework's cache, trained models
import {rmSync} from "node:fs";

const LOADER_OUTPUTS = ["src/.observablehq/cache/data"];
const EVERYTHING = ["dist", "src/.observablehq/cache", ".cache"];

const what = process.argv[2];
if (what !== "loaders" && what !== "all") {
  console.error("usage: tsx scripts/clean.ts loaders|all");
  process.exit(2);
}
for (const path of what === "all" ? EVERYTHING : LOADER_OUTPUTS) rmSync(path, {recursive: true, force: true});
