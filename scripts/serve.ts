// A static file server for the built site on 127.0.0.1 (what `dist/` needs: correct MIME types, index.html
// for folders, no caching surprises). Used by `npm start`, the browser tests and the benchmarks.
// Usage: tsx scripts/serve.ts [dir=dist] [port=3000]
import {createReadStream, existsSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {extname, join, normalize, resolve, sep} from "node:path";
import {fileURLToPath} from "node:url";

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
  ".safetensors": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8"
};

export const HOST = "127.0.0.1";

/** Starts serving `dir`; resolves once listening. Port 0 picks a free port. */
export function serve(dir: string, port = 0): Promise<{server: Server; url: string}> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", `http://${HOST}`).pathname);
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
    response.writeHead(200, {"content-type": MIME[extname(file)] ?? "application/octet-stream"});
    createReadStream(file).pipe(response);
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
