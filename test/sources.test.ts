// The attention source over Parquet files written by the loaders' writer (src/data/parquet.ts), read by HTTP
// range requests from scripts/serve.ts (src/sources/parquetFile.ts, the pages' own reader): the slices it returns,
// what it fetches.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {parquetTable, rowGroupIndex} from "../src/data/parquet.js";
import {arrowTable, nullableFloat32} from "../src/data/arrow.js";
import * as Parquet from "parquet-wasm/node";
import {parquetSource, prefetchParquet} from "../src/sources/parquetSource.js";
import {once} from "../src/sources/source.js";
import {ablationByHead} from "../src/sources/runTables.js";
import {fromArrow} from "arquero";
import {parseRange, serve} from "../scripts/serve.js";

const ARCHS = ["mha", "iha"];
const S = 24; // samples (enough that one slice and the footer are a small part of the file)
const L = 2; // layers
const H = 3; // heads
const N = 16; // tokens
const P = 2; // pseudo slots
const MAP_ROWS = ARCHS.length * S * L * H * N * N;

/** A scrambled value for every map cell, so that a misplaced row shows and the file does not compress away. */
const weight = (a: number, s: number, l: number, h: number, q: number, k: number, kind: number) =>
  kind + (Math.imul((((a * S + s) * L + l) * H + h) * N * N + q * N + k, 2654435761) >>> 0) / 2 ** 32;

function attentionColumns() {
  const arch: string[] = [];
  const ints = {sample: new Int8Array(MAP_ROWS), layer: new Int8Array(MAP_ROWS), head_index: new Int8Array(MAP_ROWS), query_pos: new Int8Array(MAP_ROWS), key_pos: new Int8Array(MAP_ROWS)};
  const pattern = new Float32Array(MAP_ROWS);
  const effective = new Float32Array(MAP_ROWS);
  const naive = new Float32Array(MAP_ROWS).fill(NaN);
  let row = 0;
  ARCHS.forEach((name, a) => {
    for (let s = 0; s < S; s++) for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) for (let q = 0; q < N; q++) for (let k = 0; k < N; k++, row++) {
      arch.push(name);
      Object.entries({sample: s, layer: l, head_index: h, query_pos: q, key_pos: k}).forEach(([c, v]) => (ints[c as keyof typeof ints][row] = v));
      pattern[row] = weight(a, s, l, h, q, k, 1);
      effective[row] = weight(a, s, l, h, q, k, 2);
      if (name === "iha") naive[row] = weight(a, s, l, h, q, k, 3);
    }
  });
  return {arch, ...ints, pattern, effective, naive: nullableFloat32(naive)};
}

function blockColumns() {
  const rows = S * L * H * (N * P) ** 2;
  const c = {sample: new Int8Array(rows), layer: new Int8Array(rows), head_index: new Int8Array(rows), p: new Int8Array(rows), q: new Int8Array(rows), query_pos: new Int8Array(rows), key_pos: new Int8Array(rows), pattern: new Float32Array(rows)};
  let row = 0;
  for (let s = 0; s < S; s++) for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) for (let k = 0; k < N; k++) for (let q = 0; q < P; q++, row++) {
    Object.entries({sample: s, layer: l, head_index: h, query_pos: n, p, key_pos: k, q}).forEach(([name, v]) => ((c[name as keyof typeof c] as Int8Array)[row] = v));
    c.pattern[row] = s * 1000 + h * 100 + (n * P + p) + (k * P + q) / 100;
  }
  return c;
}

let dir = "";
let server: Server;
let base = "";
/** Bytes the server sent, per request, since the last reset. */
let sent: number[] = [];
/** Each request's path and Range header, since the last reset. */
let asked: string[] = [];
const sizes = {attention: 0, blocks: 0};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mixviz-sources-"));
  const attention = parquetTable(attentionColumns(), ["arch", "sample", "layer"]);
  const blocks = parquetTable(blockColumns(), ["sample", "layer", "head_index"]);
  sizes.attention = attention.length;
  sizes.blocks = blocks.length;
  writeFileSync(join(dir, "attention.parquet"), attention);
  writeFileSync(join(dir, "blocks.parquet"), blocks);
  ({server, url: base} = await serve(dir));
  // What each answer carries: the range asked for, or the whole file.
  server.on("request", (request) => {
    const size = request.url!.includes("blocks") ? sizes.blocks : sizes.attention;
    const range = parseRange(request.headers.range, size);
    sent.push(range && range !== "unsatisfiable" ? range.end - range.start + 1 : size);
    asked.push(`${request.url} ${request.headers.range ?? ""}`);
  });
});

afterAll(() => {
  server?.close();
  rmSync(dir, {recursive: true, force: true});
});

const source = () => parquetSource({attention: `${base}attention.parquet`, blocks: `${base}blocks.parquet`}, {heads: H, tokens: N});

describe("once", () => {
  it("runs its load once and shares the promise, and runs it again after a failure", async () => {
    let runs = 0;
    const load = once(async () => {
      runs++;
      if (runs === 1) throw new Error("first try fails");
      return runs;
    });
    await expect(load()).rejects.toThrow("first try fails");
    const [a, b] = await Promise.all([load(), load()]);
    expect([a, b, runs]).toEqual([2, 2, 2]);
    expect(await load()).toBe(2);
  });
});

describe("rowGroupIndex", () => {
  it("lists one key per run and rejects unsorted or unequal runs", () => {
    expect(rowGroupIndex({a: ["x", "x", "y", "y"], b: Int8Array.of(0, 0, 1, 1)}, ["a", "b"])).toEqual({index: {columns: ["a", "b"], keys: [["x", 0], ["y", 1]]}, rows: 2});
    expect(() => rowGroupIndex({a: ["x", "y", "x", "y"]}, ["a"])).toThrow(/not sorted/);
    expect(() => rowGroupIndex({a: ["x", "x", "x", "y"]}, ["a"])).toThrow(/differ in length/);
  });
});

describe("parquetSource", () => {
  it("returns every head's map of the slice asked for, each cell in its place", async () => {
    const maps = await source().maps({arch: "iha", sample: 3, layer: 1}, ["raw", "effective", "naive"]);
    const a = ARCHS.indexOf("iha");
    for (const [kind, offset] of [["raw", 1], ["effective", 2], ["naive", 3]] as const) {
      const stack = maps[kind]!;
      expect(stack).toHaveLength(H);
      for (let h = 0; h < H; h++) for (let q = 0; q < N; q++) for (let k = 0; k < N; k++) {
        expect(stack[h][q][k]).toBeCloseTo(weight(a, 3, 1, h, q, k, offset), 6);
      }
    }
  });

  it("gives null for a kind the model lacks (naive outside IHA) and throws for a slice the file does not hold", async () => {
    const maps = await source().maps({arch: "mha", sample: 0, layer: 0}, ["raw", "naive"]);
    expect(maps.raw).toHaveLength(H);
    expect(maps.naive).toBeNull();
    await expect(source().maps({arch: "mha", sample: S, layer: 0}, ["raw"])).rejects.toThrow(/no rows/);
  });

  it("fetches a small part of the file for one slice, and nothing more for the same slice again", async () => {
    const src = source();
    sent = [];
    await src.maps({arch: "mha", sample: 1, layer: 0}, ["raw", "effective"]);
    const first = sent.reduce((a, b) => a + b, 0);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(sizes.attention / 4);
    sent = [];
    await src.maps({arch: "mha", sample: 1, layer: 0}, ["raw"]);
    expect(sent).toEqual([]);
    await src.maps({arch: "mha", sample: 2, layer: 0}, ["raw"]);
    expect(sent.length).toBeGreaterThan(0);
    console.info(`one slice of ${sizes.attention} B: ${first} B fetched`);
  });

  it("reads the same slice of the samples on either side ahead when asked to, and nothing past the file", async () => {
    const src = parquetSource({attention: `${base}attention.parquet`}, {heads: H, tokens: N}, {readAhead: 1});
    await src.maps({arch: "iha", sample: 5, layer: 1}, ["raw"]);
    sent = [];
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0)); // samples 4 and 6, at idle
    await new Promise((done) => setTimeout(done, 100));
    sent = [];
    const [ahead, behind] = await Promise.all([src.maps({arch: "iha", sample: 6, layer: 1}, ["raw"]), src.maps({arch: "iha", sample: 4, layer: 1}, ["raw"])]);
    expect(sent).toEqual([]); // both were read ahead
    expect(ahead.raw![2][3][4]).toBeCloseTo(weight(ARCHS.indexOf("iha"), 6, 1, 2, 3, 4, 1), 6);
    expect(behind.raw![0][1][2]).toBeCloseTo(weight(ARCHS.indexOf("iha"), 4, 1, 0, 1, 2, 1), 6);
    await new Promise((done) => setTimeout(done, 100));
    sent = [];
    await src.maps({arch: "iha", sample: 6, layer: 0}, ["effective"]); // another layer and kind: read now
    expect(sent.length).toBeGreaterThan(0);
    await expect(src.maps({arch: "iha", sample: S - 1, layer: 0}, ["raw"])).resolves.toBeDefined(); // sample S is past the file: read ahead quietly
    await new Promise((done) => setTimeout(done, 200)); // sample S - 2's read ahead ends within this test
  });

  it("reads ahead, with each neighbouring slice's maps, the pseudo blocks of the head a page picks from them, and nothing further", async () => {
    const picked: string[] = [];
    const src = parquetSource({attention: `${base}attention.parquet`, blocks: `${base}blocks.parquet`}, {heads: H, tokens: N}, {
      readAhead: 1,
      blocksAhead: (slice, maps) => {
        picked.push(`${slice.arch}|${slice.sample}|${slice.layer}`);
        return slice.arch === "iha" ? Math.round(maps.raw![0][0][0] * 1000) % H : null; // a head that follows the maps read
      }
    });
    const headOf = (sample: number) => Math.round(weight(ARCHS.indexOf("iha"), sample, 1, 0, 0, 0, 1) * 1000) % H;
    await src.maps({arch: "iha", sample: 9, layer: 1}, ["raw"]);
    await vi.waitFor(() => expect(picked.sort()).toEqual(["iha|10|1", "iha|8|1"]));
    await new Promise((done) => setTimeout(done, 200)); // the blocks' reads end
    asked = [];
    for (const sample of [8, 10]) expect((await src.blocks({sample, layer: 1, head: headOf(sample)}))!.pattern[0]).toBeCloseTo(sample * 1000 + headOf(sample) * 100, 3);
    expect(asked).toEqual([]); // both read ahead
    await src.blocks({sample: 10, layer: 1, head: (headOf(10) + 1) % H});
    expect(asked.length).toBeGreaterThan(0); // another head: read now
    asked = [];
    await src.maps({arch: "iha", sample: 7, layer: 1}, ["raw"]);
    expect(asked.length).toBeGreaterThan(0); // a read ahead reads no further ahead
    await src.maps({arch: "mha", sample: 9, layer: 1}, ["raw"]);
    await vi.waitFor(() => expect(picked).toContain("mha|10|1"));
    await new Promise((done) => setTimeout(done, 200));
  });

  it("opens a file once for every source over it; a prefetch opens it before the first read", async () => {
    writeFileSync(join(dir, "again.parquet"), readFileSync(join(dir, "attention.parquet")));
    asked = [];
    const footer = "/again.parquet bytes=-65536";
    prefetchParquet(`${base}again.parquet`);
    await vi.waitFor(() => expect(asked).toEqual([footer])); // the footer, with no read asked for
    await parquetSource({attention: `${base}again.parquet`}, {heads: H, tokens: N}).maps({arch: "mha", sample: 1, layer: 0}, ["raw"]);
    await parquetSource({attention: `${base}again.parquet`}, {heads: H, tokens: N}).maps({arch: "mha", sample: 2, layer: 0}, ["raw"]);
    expect(asked.filter((a) => a === footer)).toHaveLength(1);
    expect(asked.length).toBeGreaterThan(2); // each slice's column chunks
    prefetchParquet(`${base}missing.parquet`); // fails quietly; the read says why
    await expect(parquetSource({attention: `${base}missing.parquet`}, {heads: H, tokens: N}).maps({sample: 0, layer: 0}, ["raw"])).rejects.toThrow(/HTTP 404/);
  });

  it("returns one head's pseudo blocks, and empty columns for a sample the file does not cover", async () => {
    const blocks = (await source().blocks({sample: 2, layer: 1, head: 1}))!;
    expect(blocks.pattern).toHaveLength((N * P) ** 2);
    for (let i = 0; i < blocks.pattern.length; i++) {
      const expected = 2 * 1000 + 1 * 100 + (blocks.query_pos[i] * P + blocks.p[i]) + (blocks.key_pos[i] * P + blocks.q[i]) / 100;
      expect(blocks.pattern[i]).toBeCloseTo(expected, 3);
    }
    expect((await source().blocks({sample: S, layer: 0, head: 0}))!.pattern).toHaveLength(0);
  });

  it("has no blocks when given no blocks file", async () => {
    const src = parquetSource({attention: `${base}attention.parquet`}, {heads: H, tokens: N});
    expect(await src.blocks({sample: 0, layer: 0, head: 0})).toBeNull();
  });

  it("reads the same slice from a host that ignores ranges (the whole file, once)", async () => {
    const whole = readFileSync(join(dir, "attention.parquet"));
    let requests = 0;
    const plain = createServer((_, response) => {
      requests++;
      response.writeHead(200, {"content-type": "application/octet-stream"}).end(whole);
    });
    await new Promise<void>((done) => plain.listen(0, "127.0.0.1", done));
    try {
      const {port} = plain.address() as {port: number};
      const src = parquetSource({attention: `http://127.0.0.1:${port}/attention.parquet`}, {heads: H, tokens: N});
      const [ranged, unranged] = await Promise.all([source().maps({arch: "iha", sample: 7, layer: 1}, ["raw", "naive"]), src.maps({arch: "iha", sample: 7, layer: 1}, ["raw", "naive"])]);
      expect(unranged).toEqual(ranged);
      await src.maps({arch: "mha", sample: 8, layer: 0}, ["raw"]);
      expect(requests).toBe(1);
    } finally {
      plain.close();
    }
  });

  it("names a file that lacks the row-group index", async () => {
    writeFileSync(join(dir, "plain.parquet"), Parquet.writeParquet(Parquet.Table.fromIPCStream(arrowTable({sample: Int8Array.of(0, 0, 1), pattern: Float32Array.of(1, 2, 3)}))));
    await expect(parquetSource({attention: `${base}plain.parquet`}, {heads: H, tokens: N}).maps({sample: 0, layer: 0}, ["raw"])).rejects.toThrow(/plain\.parquet has no mixviz\.row_groups metadata/);
  });
});

describe("the workbench's small tables (runTables)", () => {
  const heads = () => fromArrow(arrowTable({
    arch: ["iha", "iha", "iha", "mha", "iha"],
    layer: Int8Array.of(1, 0, 0, 0, 0),
    head_index: Int8Array.of(0, 1, 0, 0, 1),
    map: ["raw", "raw", "raw", "raw", "effective"],
    test_f1: Float32Array.of(0.5, 0.5, 0.5, 0.75, 0.5),
    ablated_f1: Float32Array.of(0.25, 0.375, 0.125, 0.5, 0.375),
    source_ablated_f1: nullableFloat32(Float32Array.of(0.0625, 0.25, 0.125, NaN, 0.25))
  }));

  it("ablationByHead keeps one architecture's raw rows by layer and head, its metric columns renamed", () => {
    const columns = {base: "test_f1", ablated: "ablated_f1", source: "source_ablated_f1"};
    expect(ablationByHead(heads(), "iha", columns)).toEqual([
      {layer: 0, head_index: 0, base: 0.5, ablated: 0.125, source: 0.125},
      {layer: 0, head_index: 1, base: 0.5, ablated: 0.375, source: 0.25},
      {layer: 1, head_index: 0, base: 0.5, ablated: 0.25, source: 0.0625}
    ]);
    expect(ablationByHead(heads(), "mha", columns)).toEqual([{layer: 0, head_index: 0, base: 0.75, ablated: 0.5, source: null}]);
  });
});
