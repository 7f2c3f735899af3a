// Removes build products.
//   tsx scripts/clean.ts loaders  Framework's cached loader outputs, so the next build re-runs every loader
//                                 (Framework alone would reuse stale ones; trained models and their
//                                 evaluations stay cached in .cache/models and .cache/evaluations, keyed by
//                                 what they depend on, so this costs little), and
//                                 the placeholder versions offline-npm.ts gave libraries that were not
//                                 installed then (Framework would keep resolving to them once they are)
//   tsx scripts/clean.ts all      everything built: dist, Framework's cache, trained models and evaluations
import {existsSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {NOT_INSTALLED} from "./offline-npm.js";

const FRAMEWORK_CACHE = "src/.observablehq/cache";
const LOADER_OUTPUTS = join(FRAMEWORK_CACHE, "data");
const NPM_CACHE = join(FRAMEWORK_CACHE, "_npm");
const EVERYTHING = ["dist", FRAMEWORK_CACHE, ".cache"];

/** Cached npm folders named `<name>@<NOT_INSTALLED>`, scoped packages included. */
function placeholderPackages(): string[] {
  if (!existsSync(NPM_CACHE)) return [];
  return readdirSync(NPM_CACHE)
    .flatMap((entry) => (entry.startsWith("@") ? readdirSync(join(NPM_CACHE, entry)).map((sub) => join(entry, sub)) : [entry]))
    .filter((entry) => entry.endsWith(`@${NOT_INSTALLED}`))
    .map((entry) => join(NPM_CACHE, entry));
}

const what = process.argv[2];
if (what !== "loaders" && what !== "all") {
  console.error("usage: tsx scripts/clean.ts loaders|all");
  process.exit(2);
}
const paths = what === "all" ? EVERYTHING : [LOADER_OUTPUTS, ...placeholderPackages()];
for (const path of paths) rmSync(path, {recursive: true, force: true});
