// Seeded fuzzing of the upload reader: valid files of every format the page reads (real ones, written by
// test/fixtures/upload/make.py) are mutated — bytes flipped, truncated, lengths and offsets overwritten,
// huge sizes declared — and every case must either load with no error or give at least one error message;
// nothing may throw out of the reader. A reader stuck in a loop or an unbounded allocation fails the run
// by its time-out or by running out of memory. After all the bad files the untouched file must still
// load, so a decoder left broken by a bad file (a trapped wasm module) is caught too.
import {readFileSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {loadUpload, type UploadFile} from "../src/upload/load.js";
import {decodeParquet, random} from "./helpers/attentionFiles.js";

const DIR = new URL("./fixtures/upload/", import.meta.url);
const CASES = 2000;
const SEED = 20;
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

/** Sizes a corrupt header may declare: negative, zero, just past the file, and far past anything real. */
const HUGE = [-1, 0, 0x7fffffff, 0xffffffff, 2 ** 31, 2 ** 40, 2 ** 53 - 1];

/** Where each format keeps the lengths that say how much to read (overwritten with HUGE values). */
const formats: {name: string; file: string; sizeFields: (length: number) => number[]}[] = [
  {name: "Arrow IPC stream", file: "tidy-f16-batches.arrows", sizeFields: () => [4]}, // metadata length after the continuation
  {name: "Arrow IPC file", file: "dense-f32-batches.arrow", sizeFields: (n) => [8 + 4, n - 10]}, // first message length, footer length
  {name: "Feather, LZ4", file: "tidy-lz4.feather", sizeFields: (n) => [8 + 4, n - 10]},
  {name: "Arrow IPC stream, ZSTD", file: "tidy-f64-zstd.arrows", sizeFields: () => [4]},
  {name: "Parquet", file: "tidy-zstd.parquet", sizeFields: (n) => [n - 8]}, // footer length
  {name: "Parquet, dense float16", file: "dense-f16.parquet", sizeFields: (n) => [n - 8]},
  {name: "BertViz JSON", file: "bertviz-params.json", sizeFields: () => []},
  {name: "BertViz page", file: "bertviz-head-view.html", sizeFields: () => []}
];

type Mutation = (bytes: Uint8Array, next: () => number, sizeFields: number[]) => Uint8Array;
const pick = <T>(list: readonly T[], next: () => number): T => list[Math.floor(next() * list.length)];

const mutations: Record<string, Mutation> = {
  "flip bytes": (bytes, next) => {
    const out = bytes.slice();
    const flips = 1 + Math.floor(next() * 8);
    for (let i = 0; i < flips; i++) out[Math.floor(next() * out.length)] ^= 1 + Math.floor(next() * 255);
    return out;
  },
  truncate: (bytes, next) => bytes.slice(0, Math.floor(next() * bytes.length)),
  "overwrite a length or offset": (bytes, next) => {
    const out = bytes.slice();
    const at = Math.floor((next() * (out.length - 4)) / 4) * 4;
    new DataView(out.buffer).setInt32(at, pick([...HUGE.map((v) => v | 0), Math.floor(next() * 4096) - 8, Math.floor(next() * bytes.length)], next), true);
    return out;
  },
  "declare a huge 64-bit size": (bytes, next) => {
    const out = bytes.slice();
    const at = Math.floor((next() * (out.length - 8)) / 8) * 8;
    new DataView(out.buffer).setBigInt64(at, BigInt(pick(HUGE, next)), true);
    return out;
  },
  "declare a huge size in the header": (bytes, next, fields) => {
    if (!fields.length) return mutations["flip bytes"](bytes, next, fields);
    const out = bytes.slice();
    new DataView(out.buffer).setInt32(pick(fields, next), pick(HUGE, next) | 0, true);
    return out;
  }
};

describe("mutated files load or give a message, never throw", () => {
  test.each(formats)("$name: $file", ({file, sizeFields}) => {
    const good = read(file);
    const tokens: UploadFile[] = file.startsWith("bertviz") ? [] : [{name: "tokens.json", bytes: read("tokens.json")}];
    const load = (bytes: Uint8Array) => loadUpload([{name: file, bytes}, ...tokens], decodeParquet);
    const next = random(SEED);
    const names = Object.keys(mutations);
    const outcomes = {loaded: 0, refused: 0};
    for (let c = 0; c < CASES; c++) {
      const mutation = names[c % names.length];
      const bytes = mutations[mutation](good, next, sizeFields(good.length));
      let result;
      try {
        result = load(bytes);
      } catch (error) {
        throw new Error(`case ${c} (${mutation}) threw: ${(error as Error).stack ?? error}`);
      }
      const errors = result.issues.filter((i) => i.level === "error");
      if (result.data) expect(errors, `case ${c} (${mutation})`).toEqual([]);
      else expect(errors.length, `case ${c} (${mutation}): no data and no message`).toBeGreaterThan(0);
      for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
      outcomes[result.data ? "loaded" : "refused"]++;
    }
    // the decoders still work after every bad file
    expect(load(good).data).not.toBeNull();
    expect(outcomes.loaded + outcomes.refused).toBe(CASES);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
