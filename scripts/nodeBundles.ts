// Writes d3 and Observable Plot into Framework's module cache as one file each, before Framework runs.
//
// Framework bundles every package a page imports from node_modules on its own, leaving its imports of
// other packages as separate modules (src/.observablehq/cache/_node/<name>@<version>/index.js). d3's index
// only re-exports thirty d3-* packages, so `import * as d3 from "d3"` and Plot (which imports d3) cost a
// reader's browser about 33 module requests before the first figure; on HTTP/1.1's six connections that
// queue is most of a page's first second. Framework reuses a cached bundle when its file exists, so a
// bundle written here first is the one the site serves: d3 with every d3-* package inside, and Plot with
// its small dependencies inside and d3 left as the shared module above (one copy of d3, as before).
// Same code, same versions as node_modules; only the number of files changes.
import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import * as esbuild from "esbuild";
import {BROWSER_MODULE} from "./offline-npm.js";

/** The packages written as one module, each with the packages it leaves to their own module. */
export const SELF_CONTAINED: Record<string, string[]> = {d3: [], "@observablehq/plot": ["d3"]};

/** Framework's cache folder for node_modules bundles, under the site's root. */
export const nodeCache = (siteRoot: string) => join(siteRoot, ".observablehq", "cache", "_node");

/** The version a bare import from the project resolves to (its top-level node_modules copy). */
function installedVersion(projectRoot: string, name: string): string {
  return (JSON.parse(readFileSync(join(projectRoot, "node_modules", name, "package.json"), "utf-8")) as {version: string}).version;
}

/** The cache path Framework gives a package's main entry: <name>@<version>/index.js. */
const cachePath = (projectRoot: string, name: string) => `${name}@${installedVersion(projectRoot, name)}/index.js`;

/** `name` bundled as one browser ES module, the packages in `external` imported from their own cached modules. */
export async function bundleSelfContained(projectRoot: string, name: string, external: string[]): Promise<string> {
  const own = cachePath(projectRoot, name);
  const result = await esbuild.build({
    stdin: {contents: `export * from ${JSON.stringify(name)};`, resolveDir: projectRoot, sourcefile: "entry.js"},
    ...BROWSER_MODULE,
    plugins: [
      {
        name: "shared-packages",
        setup(build) {
          for (const dep of external) {
            const filter = new RegExp(`^${dep.replace(/[/\\^$.*+?()[\]{}|-]/g, "\\$&")}$`);
            const path = relative(dirname(own), cachePath(projectRoot, dep)).split("\\").join("/");
            build.onResolve({filter}, () => ({path: path.startsWith(".") ? path : `./${path}`, external: true}));
          }
        }
      }
    ]
  });
  return result.outputFiles![0].text;
}

/** Writes every SELF_CONTAINED package into Framework's cache; returns the files written. */
export async function writeNodeBundles(projectRoot: string, siteRoot: string): Promise<string[]> {
  const written: string[] = [];
  for (const [name, external] of Object.entries(SELF_CONTAINED)) {
    const file = join(nodeCache(siteRoot), cachePath(projectRoot, name));
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, await bundleSelfContained(projectRoot, name, external));
    written.push(file);
  }
  return written;
}
