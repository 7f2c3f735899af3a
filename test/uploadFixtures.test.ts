// Real files from pyarrow, pandas, PyTorch and NumPy (written by test/fixtures/upload/make.py, committed),
// each holding one known tensor: every dtype and layout is read back value by value, or refused with a
// message naming what the file is.
import {readFileSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {loadUpload, type UploadFile} from "../src/upload/load.js";
import {decodeParquet} from "./helpers/attentionFiles.js";
import {HALF, HEADS, knownWeights, LAYERS, N, SINGLE, TOKENS} from "./helpers/knownAttention.js";

const DIR = new URL("./fixtures/upload/", import.meta.url);
const TOKEN_IDS = ["50256", "464", "3797", "3332", "319", "340"];
const KNOWN = knownWeights();

const file = (name: string): UploadFile => ({name, bytes: new Uint8Array(readFileSync(new URL(name, DIR)))});


const cases: [string, string | null, number][] = [
  ["tidy-f16.arrows", "tokens.json", HALF],
  ["tidy-f32.arrows", "tokens.json", SINGLE],
  ["tidy-f64.arrows", "tokens.json", SINGLE],
  ["tidy-index-i8.arrow", null, SINGLE],
  ["tidy-index-u16.arrow", null, SINGLE],
  ["tidy-index-i64.arrow", null, SINGLE],
  ["tidy-index-u64.arrow", null, SINGLE],
  ["tidy-f16-batches.arrows", "tokens-large.parquet", HALF],
  ["dense-f32-batches.arrow", "tokens-dict.arrows", SINGLE],
  ["dense-f16.arrows", "tokens.json", HALF],
  ["dense-f64.arrows", "tokens.json", SINGLE],
  ["dense-large-list.arrows", "tokens.json", SINGLE],
  ["dense-fixed-list.arrows", "tokens.json", SINGLE],
  ["tidy-lz4.feather", "tokens.json", SINGLE],
  ["dense-f16-zstd.feather", "tokens.json", HALF],
  ["tidy-f16-plain.feather", "tokens.json", HALF],
  ["tidy-f64-zstd.arrows", "tokens.json", SINGLE],
  ["dense-lz4.arrows", "tokens.json", SINGLE],
  ["pandas-categorical.feather", "tokens.json", SINGLE],
  ["pandas-categorical.parquet", "tokens.json", SINGLE],
  ["tidy-large-string.arrows", "tokens.json", SINGLE],
  ["tidy-none.parquet", "tokens.json", SINGLE],
  ["tidy-snappy.parquet", "tokens.json", SINGLE],
  ["tidy-gzip.parquet", "tokens.json", SINGLE],
  ["tidy-zstd.parquet", "tokens.json", SINGLE],
  ["tidy-lz4.parquet", "tokens.json", SINGLE],
  ["tidy-brotli.parquet", "tokens.json", SINGLE],
  ["tidy-f16.parquet", "tokens.json", HALF],
  ["dense-f16.parquet", "tokens.json", HALF],
  ["dense-large-list.parquet", "tokens-ids.arrows", SINGLE],
  ["bertviz-params.json", null, SINGLE],
  ["bertviz-head-view.html", null, SINGLE]
];

describe("every dtype and layout is read as values", () => {
  test.each(cases)("%s (tokens: %s)", (attention, tokens, tolerance) => {
    const result = loadUpload([file(attention), ...(tokens ? [file(tokens)] : [])], decodeParquet);
    expect(result.issues.filter((i) => i.level === "error")).toEqual([]);
    const data = result.data!;
    expect([data.layers, data.heads, data.n, data.groups.length]).toEqual([LAYERS, HEADS, N, 1]);
    const values = data.values[0];
    let worst = 0;
    for (let i = 0; i < KNOWN.length; i++) worst = Math.max(worst, Math.abs(values[i] - KNOWN[i]));
    expect(worst).toBeLessThanOrEqual(tolerance);
    const expected = tokens === "tokens-ids.arrows" ? TOKEN_IDS : tokens || attention.startsWith("bertviz") ? TOKENS : TOKENS.map((_, i) => String(i));
    expect(data.groups[0].tokens).toEqual(expected);
    // read correctly, the rows sum to 1 within float16's rounding: nothing to renormalise
    expect(result.offRows).toBe(0);
  });

  test("pandas' categorical and string columns name the sequence", () => {
    for (const name of ["pandas-categorical.feather", "pandas-categorical.parquet"]) {
      const result = loadUpload([file(name), file("tokens.json")], decodeParquet);
      expect(result.data!.groups[0].label).toBe("gpt2 · sample s0");
    }
  });
});

describe("files that hold no attention table are refused with what they are", () => {
  test.each([
    ["attention.npy", "NumPy"],
    ["attention.pt", "zip"],
    ["tidy-v1.feather", "Feather version 1"]
  ])("%s", (name, words) => {
    const result = loadUpload([file(name)], decodeParquet);
    expect(result.data).toBeNull();
    const error = result.issues.find((i) => i.level === "error");
    expect(error?.code).toBe("unknown_format");
    expect(error!.message).toContain(words);
  });
});

describe("the export recipe of docs/export-attention.md, run as written on a real GPT-2 (fixtures/upload/hf_export.py)", () => {
  const HF = new URL("./fixtures/upload/hf/", import.meta.url);
  const hf = (name: string): UploadFile => ({name, bytes: new Uint8Array(readFileSync(new URL(name, HF)))});
  const reference = new Float32Array(new Uint8Array(readFileSync(new URL("attention-f32.bin", HF))).buffer);
  const WORDS = ["<|endoftext|>", "The", " cat", " sat", " on", " the", " mat", " because", " it", " was", " tired", "."];

  test.each([["attention-tidy.arrow", "tokens.arrow"], ["attention-tidy.parquet", "tokens.arrow"], ["attention-dense.arrow", "tokens.arrow"], ["attention.json", null]])(
    "%s (tokens: %s) holds the model's attention exactly, with its tokens",
    (attention, tokens) => {
      const result = loadUpload([hf(attention), ...(tokens ? [hf(tokens)] : [])], decodeParquet);
      expect(result.issues).toEqual([]);
      const data = result.data!;
      expect([data.layers, data.heads, data.n, data.groups.length]).toEqual([2, 4, WORDS.length, 1]);
      expect(data.groups[0].tokens).toEqual(WORDS);
      expect(data.values[0]).toEqual(reference); // float32 written, float32 read (JSON's decimals round-trip)
    }
  );
});
