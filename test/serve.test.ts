// scripts/serve.ts as a static host: byte ranges (what Parquet range reads need), HEAD, and compression.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {request as httpRequest, type Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {brotliDecompressSync, gunzipSync} from "node:zlib";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseRange, serve} from "../scripts/serve.js";

const BYTES = Uint8Array.from({length: 1000}, (_, i) => (i * 7) % 251);
const SCRIPT = "export const x = 1;\n".repeat(200);
let dir = "";
let server: Server;
let base = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mixviz-serve-"));
  writeFileSync(join(dir, "t.parquet"), BYTES);
  writeFileSync(join(dir, "a.js"), SCRIPT);
  ({server, url: base} = await serve(dir));
});

afterAll(() => {
  server?.close();
  rmSync(dir, {recursive: true, force: true});
});

const get = (path: string, headers: Record<string, string> = {}, method = "GET") => fetch(new URL(path, base), {headers, method});

describe("parseRange", () => {
  it("reads first-last, open-ended and suffix ranges, clamped to the file", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({start: 0, end: 9});
    expect(parseRange("bytes=90-", 100)).toEqual({start: 90, end: 99});
    expect(parseRange("bytes=90-200", 100)).toEqual({start: 90, end: 99});
    expect(parseRange("bytes=-8", 100)).toEqual({start: 92, end: 99});
    expect(parseRange("bytes=-500", 100)).toEqual({start: 0, end: 99});
    expect(parseRange(undefined, 100)).toBeNull();
  });

  it("calls past-the-end, reversed, empty and malformed ranges unsatisfiable", () => {
    for (const header of ["bytes=100-", "bytes=9-3", "bytes=-0", "bytes=-", "items=0-1", "bytes=0-1,4-5"]) {
      expect(parseRange(header, 100), header).toBe("unsatisfiable");
    }
  });
});

describe("serve", () => {
  it("answers a range with 206, Content-Range and exactly those bytes", async () => {
    const response = await get("t.parquet", {range: "bytes=10-19"});
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 10-19/${BYTES.length}`);
    expect(response.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BYTES.subarray(10, 20));
  });

  it("answers a suffix range with the file's last bytes (how a Parquet footer is read)", async () => {
    const response = await get("t.parquet", {range: "bytes=-8"});
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BYTES.subarray(BYTES.length - 8));
  });

  it("answers an unsatisfiable range with 416 and the file's size", async () => {
    const response = await get("t.parquet", {range: `bytes=${BYTES.length}-`});
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${BYTES.length}`);
  });

  it("says it accepts ranges, and answers HEAD with the length and no body", async () => {
    const response = await get("t.parquet", {}, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-length")).toBe(String(BYTES.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it("does not compress Parquet", async () => {
    const response = await get("t.parquet", {"accept-encoding": "br, gzip"});
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BYTES);
  });

  it("sends scripts brotli- or gzip-compressed as the client accepts, smaller and unchanged", async () => {
    // Node's fetch decodes what it receives, so read the wire bytes with a raw request through http.
    const {request} = await import("node:http");
    const raw = (encoding: string) =>
      new Promise<{headers: Record<string, unknown>; body: Buffer}>((done, fail) => {
        request(new URL("a.js", base), {headers: {"accept-encoding": encoding}}, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (c) => chunks.push(c)).on("end", () => done({headers: response.headers, body: Buffer.concat(chunks)}));
        }).on("error", fail).end();
      });
    const br = await raw("gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const gzip = await raw("gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);
    const plain = await raw("identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
  });

  it("sends a range of a compressible file uncompressed", async () => {
    const response = await get("a.js", {range: "bytes=0-5", "accept-encoding": "br"});
    expect(response.status).toBe(206);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await response.text()).toBe(SCRIPT.slice(0, 6));
  });

  it("answers a request path that is no URL path with 400, and keeps serving", async () => {
    // Sent as raw request lines: fetch would normalise them first. A crash here stopped `npm start`.
    const raw = (path: string) =>
      new Promise<number>((done, fail) => {
        const {hostname, port} = new URL(base);
        httpRequest({hostname, port, path}, (response) => {
          response.resume();
          done(response.statusCode ?? 0);
        }).on("error", fail).end();
      });
    expect(await raw("//")).toBe(400);
    expect(await raw("/%E0%A4%A")).toBe(400);
    expect(await raw("/a.js")).toBe(200);
  });
});
