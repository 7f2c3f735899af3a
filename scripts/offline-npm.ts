// Answers Observable Framework's npm requests from the installed node_modules, so that the build and the
// preview server work on a machine that reaches no CDN.
//
// Framework resolves every `npm:` import (explicit, and the implicit ones behind Plot, d3, Inputs,
// DuckDBClient and `sql`) in two steps: it asks registry.npmjs.org which versions exist, then downloads
// `https://cdn.jsdelivr.net/npm/<name>@<version>/<path>` into its cache and self-hosts it under
// dist/_npm. This module replaces `globalThis.fetch` for those two hosts:
//   registry  → the versions installed anywhere under node_modules (the top-level one is "latest");
//   CDN +esm  → an ES module bundled by esbuild from the installed package, with its `import`s of other
//               packages left as `/npm/<dep>@<version>/+esm` (as the CDN does, so that one copy of each
//               package is shared), and CommonJS `require`s inlined;
//   CDN file  → the file itself (wasm, workers, css, package.json).
// Every other remote request fails with a message that names it.
import {existsSync, readFileSync, readdirSync} from "node:fs";
import {dirname, extname, join, relative, resolve} from "node:path";
import * as esbuild from "esbuild";

const REGISTRY = "https://registry.npmjs.org/";
const CDN = "https://cdn.jsdelivr.net/npm/";
/** The version the registry answer gives a library that is not installed. */
export const NOT_INSTALLED = "0.0.0-not-installed";
const STDIN = "cdn-entry.js";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".cjs": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8"
};

interface Installed {
  /** version → package directory */
  versions: Map<string, string>;
  /** the version a bare import from the project root resolves to */
  latest?: string;
}

/** Every package under node_modules (nested copies included), by name. */
export function indexPackages(root: string): Map<string, Installed> {
  const index = new Map<string, Installed>();
  const visit = (modules: string, topLevel: boolean): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith(".")) continue;
      const dirs = entry.startsWith("@")
        ? readdirSync(join(modules, entry)).map((sub) => join(modules, entry, sub))
        : [join(modules, entry)];
      for (const dir of dirs) {
        const manifest = join(dir, "package.json");
        if (!existsSync(manifest)) continue;
        const {name, version} = JSON.parse(readFileSync(manifest, "utf-8")) as {name?: string; version?: string};
        if (name && version) {
          const installed: Installed = index.get(name) ?? {versions: new Map()};
          if (!installed.versions.has(version)) installed.versions.set(version, dir);
          if (topLevel) installed.latest = version;
          index.set(name, installed);
        }
        visit(join(dir, "node_modules"), false);
      }
    }
  };
  visit(join(root, "node_modules"), true);
  return index;
}

/** Splits "@scope/name@1.2.3/some/path" into its parts. */
export function parseCdnPath(spec: string): {name: string; version: string; path: string} {
  const parts = spec.split("/");
  const head = spec.startsWith("@") ? `${parts.shift()}/${parts.shift()}` : parts.shift()!;
  const at = head.lastIndexOf("@");
  if (at <= 0) throw new Error(`offline npm: no version in CDN path ${spec}`);
  return {name: head.slice(0, at), version: head.slice(at + 1), path: parts.join("/")};
}

/** The package name of a bare specifier ("d3-array/src/x.js" → "d3-array"), or undefined for a path. */
function packageOf(specifier: string): {name: string; subpath: string} | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.includes(":")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  return {name, subpath: parts.slice(specifier.startsWith("@") ? 2 : 1).join("/")};
}

/** The version of `name` that Node's lookup finds from `fromDir`. */
function versionFrom(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf-8")) as {version: string}).version;
    if (dirname(dir) === dir) return undefined;
  }
}

/** esbuild's options for a package bundled as one minified browser ES module, as the CDN serves it. */
export const BROWSER_MODULE: esbuild.BuildOptions = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  mainFields: ["browser", "module", "main"],
  conditions: ["browser", "import", "module", "default"],
  define: {"process.env.NODE_ENV": '"production"'},
  minify: true,
  write: false,
  logLevel: "silent"
};

/** Bundles `name[/subpath]` from `dir` as a browser ES module, other packages' imports left external. */
export async function bundle(name: string, dir: string, subpath: string): Promise<string> {
  const target = subpath ? `${name}/${subpath}` : name;
  const externals: esbuild.Plugin = {
    name: "cdn-externals",
    setup(build) {
      build.onResolve({filter: /^[^./]/}, (args) => {
        const spec = packageOf(args.path);
        if (!spec || args.kind === "entry-point" || args.kind === "require-call") return undefined;
        if (spec.name === name) return undefined;
        const version = versionFrom(spec.name, args.resolveDir);
        if (!version) return undefined; // not installed: let esbuild report it
        const path = `/npm/${spec.name}@${version}/${spec.subpath ? `${spec.subpath}/` : ""}+esm`;
        return {path, external: true};
      });
    }
  };
  const options: esbuild.BuildOptions = {...BROWSER_MODULE, metafile: true, plugins: [externals]};
  // First find the file `target` resolves to from the folder whose node_modules holds this copy…
  const probe = await esbuild.build({
    ...options,
    stdin: {
      contents: `import ${JSON.stringify(target)};`,
      resolveDir: resolve(dir, name.split("/").map(() => "..").join("/"), ".."),
      sourcefile: STDIN
    }
  });
  const entry = probe.metafile!.inputs[STDIN]?.imports.find((i) => !i.external)?.path;
  if (!entry) throw new Error(`offline npm: cannot resolve ${target} in ${dir}`);
  // …then bundle from that file itself, so its `export *` of other packages stay static re-exports and
  // its default export (CommonJS: module.exports) stays the default, as the CDN serves them.
  const result = await esbuild.build({...options, entryPoints: [entry]});
  return result.outputFiles![0].text;
}

function response(body: string | Buffer, contentType: string, status = 200): Response {
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {status, headers: {"content-type": contentType}});
}

/** Replaces globalThis.fetch so that registry and CDN requests are answered from `root`/node_modules. */
export function installOfflineNpm(root: string): void {
  const index = indexPackages(root);
  const remoteFetch = globalThis.fetch;
  const missing = (what: string) =>
    response(`offline npm: ${what} is not installed; add it to package.json dependencies`, "text/plain", 404);

  async function answer(url: string): Promise<Response> {
    if (url.startsWith(REGISTRY)) {
      const rest = decodeURIComponent(url.slice(REGISTRY.length));
      const parts = rest.split("/");
      const name = rest.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
      const tag = parts[rest.startsWith("@") ? 2 : 1];
      // Framework's client names libraries that no page of ours may use (lodash, leaflet…); it only needs
      // a version to write into its lazy imports. Those get a placeholder that the CDN answers with 404.
      const installed = index.get(name);
      const latest = installed ? (installed.latest ?? [...installed.versions.keys()].pop()!) : NOT_INSTALLED;
      if (!installed) return response(JSON.stringify({name, "dist-tags": {latest}, versions: {[latest]: {}}, version: latest}), CONTENT_TYPES[".json"]);
      if (tag) return response(JSON.stringify({name, version: latest}), CONTENT_TYPES[".json"]);
      const versions = Object.fromEntries([...installed.versions.keys()].map((v) => [v, {name, version: v}]));
      return response(JSON.stringify({name, "dist-tags": {latest}, versions}), CONTENT_TYPES[".json"]);
    }
    const {name, version, path} = parseCdnPath(url.slice(CDN.length));
    const dir = index.get(name)?.versions.get(version);
    if (!dir) return missing(`${name}@${version}`);
    if (path === "+esm" || path.endsWith("/+esm")) {
      const subpath = path === "+esm" ? "" : path.slice(0, -"/+esm".length);
      return response(await bundle(name, dir, subpath), CONTENT_TYPES[".js"]);
    }
    const file = resolve(dir, path);
    if (relative(dir, file).startsWith("..") || !existsSync(file)) return missing(`${name}@${version}/${path}`);
    return response(readFileSync(file), CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
  }

  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(REGISTRY) || url.startsWith(CDN)) return answer(url);
    const {hostname} = new URL(url);
    if (hostname === "127.0.0.1" || hostname === "localhost") return remoteFetch(input, init);
    throw new Error(`offline build: refusing a request to ${url} (MixViz builds without remote hosts)`);
  };
}
