// A static file server for the built site on 127.0.0.1 (what `dist/` needs: correct MIME types, index.html
// for folders, no caching surprises). It behaves as a static host does where bytes matter: single byte
// ranges (206, or 416 when unsatisfiable; Parquet row groups are read this way), HEAD, and brotli or gzip for
// compressible files when the client accepts it and asks for no range. Used by `npm start`, the browser tests
// and the benchmarks.
// Usage: tsx scripts/serve.ts [dir=dist] [port=3000]
import {createReadStream, existsSync, readFileSync, statSync} from "node:fs";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import {extname, join, normalize, resolve, sep} from "node:path";
import {fileURLToPath} from "node:url";
import {brotliCompressSync, constants, gzipSync} from "node:zlib";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.file",
  ".parquet": "application/vnd.apache.parquet",
  ".safetensors": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8"
};

/** Files a static host compresses on the way out (Parquet and safetensors are sent as they are). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg", ".wasm", ".arrow", ".txt"]);
/** Brotli quality: a static host precompresses at 11; 5 is within a few percent and fast enough to do per file. */
const BROTLI_QUALITY = 5;

export const HOST = "127.0.0.1";

/** A single byte range of a file of `size` bytes: [start, end] inclusive, "unsatisfiable", or null to send it all. */
export function parseRange(header: string | undefined, size: number): {start: number; end: number} | "unsatisfiable" | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match) return header ? "unsatisfiable" : null;
  const [, from, to] = match;
  if (from === "" && to === "") return "unsatisfiable";
  if (from === "") {
    const length = Number(to); // a suffix: the last `length` bytes
    return length === 0 || size === 0 ? "unsatisfiable" : {start: Math.max(0, size - length), end: size - 1};
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return start >= size || end < start ? "unsatisfiable" : {start, end};
}

/** The encoding to send a compressible file in, from the client's Accept-Encoding. */
function encodingFor(accept: string | string[] | undefined): "br" | "gzip" | null {
  const offered = String(accept ?? "").split(",").map((part) => part.split(";")[0].trim());
  if (offered.includes("br")) return "br";
  if (offered.includes("gzip")) return "gzip";
  return null;
}

/** Compressed bodies, made once per file version. */
const compressed = new Map<string, Buffer>();
function compressedBody(file: string, encoding: "br" | "gzip"): Buffer {
  const key = `${encoding}|${file}|${statSync(file).mtimeMs}`;
  let body = compressed.get(key);
  if (!body) {
    const raw = readFileSync(file);
    body = encoding === "br" ? brotliCompressSync(raw, {params: {[constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY}}) : gzipSync(raw);
    compressed.set(key, body);
  }
  return body;
}

function sendFile(file: string, request: IncomingMessage, response: ServerResponse): void {
  const size = statSync(file).size;
  const type = MIME[extname(file)] ?? "application/octet-stream";
  const head = request.method === "HEAD";
  const headers = {"content-type": type, "accept-ranges": "bytes", vary: "accept-encoding"};
  const range = parseRange(request.headers.range, size);
  if (range === "unsatisfiable") {
    response.writeHead(416, {...headers, "content-range": `bytes */${size}`}).end();
    return;
  }
  if (range) {
    const {start, end} = range;
    response.writeHead(206, {...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": end - start + 1});
    if (head) response.end();
    else createReadStream(file, {start, end}).pipe(response);
    return;
  }
  const encoding = COMPRESSIBLE.has(extname(file)) ? encodingFor(request.headers["accept-encoding"]) : null;
  if (encoding) {
    const body = compressedBody(file, encoding);
    response.writeHead(200, {...headers, "content-encoding": encoding, "content-length": body.length});
    response.end(head ? undefined : body);
    return;
  }
  response.writeHead(200, {...headers, "content-length": size});
  if (head) response.end();
  else createReadStream(file).pipe(response);
}

/** The decoded path of a request's URL, or null where it is not one (a "//" start, a malformed escape). */
export function requestPath(url: string | undefined): string | null {
  try {
    return decodeURIComponent(new URL(url ?? "/", `http://${HOST}`).pathname);
  } catch {
    return null;
  }
}

/** Starts serving `dir`; resolves once listening. Port 0 picks a free port. */
export function serve(dir: string, port = 0): Promise<{server: Server; url: string}> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const pathname = requestPath(request.url);
    if (pathname === null) {
      response.writeHead(400, {"content-type": MIME[".txt"]}).end(`bad request path: ${request.url}`);
      return;
    }
    let file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) {
      response.writeHead(404, {"content-type": MIME[".txt"]}).end(`not found: ${pathname}`);
      return;
    }
    sendFile(file, request, response);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, HOST, () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      done({server, url: `http://${HOST}:${actual}/`});
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = "dist", port = "3000"] = process.argv.slice(2);
  if (!existsSync(join(dir, "index.html"))) {
    console.error(`serve: ${dir}/index.html is missing; run \`npm run build\` first`);
    process.exit(1);
  }
  const {url} = await serve(dir, Number(port));
  console.log(`MixViz is served at ${url} (Ctrl-C to stop)`);
}
