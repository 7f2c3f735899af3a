// At least one malformed upload per check of src/upload/: each case is the files a reader would pick,
// the issue code the page must show and a piece of its message. Used by the unit tests (in memory) and
// the browser tests (written to a temp folder and set on the page's file input).
import {mkdirSync, truncateSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {Field, Float32, List, Table, tableFromArrays, vectorFromArray, Utf8} from "apache-arrow";
import {MAX_FILE_BYTES} from "../../src/upload/limits.js";
import {arrowFile, arrowStream, bertviz, parquet, syntheticWeights, tidyColumns, tidyTable, tokenList, tokensTable, utf8, type Shape} from "./attentionFiles.js";

export interface Case {
  /** short id, also the folder name */
  id: string;
  files: {name: string; bytes: Uint8Array}[];
  /** a file of this size made of zeros (sparse on disk): for the size limit, never built in memory */
  sparse?: {name: string; size: number};
  code: string;
  /** part of the message the reader sees */
  text: string;
}

export const SMALL: Shape = {layers: 1, heads: 2, tokens: 4};
const WEIGHTS = syntheticWeights(SMALL);
const TOKENS = tokenList(SMALL.tokens);
const ROWS = SMALL.layers * SMALL.heads * SMALL.tokens * SMALL.tokens;
const BAD_ROW = 5; // row 5 = layer 0, head 0, query 1, key 1
const HALF = 0.5;

/** The tidy columns of the small shape with one change. */
function tidy(change: (columns: Record<string, unknown>) => void): Uint8Array {
  const columns: Record<string, unknown> = {...tidyColumns(SMALL, WEIGHTS)};
  change(columns);
  return arrowStream(tableFromArrays(columns as Record<string, Int8Array>));
}

function withPattern(value: number): Uint8Array {
  const pattern = Float32Array.from(WEIGHTS);
  pattern[BAD_ROW] = value;
  return tidy((c) => (c.pattern = pattern));
}

const good = arrowStream(tidyTable(SMALL, WEIGHTS));
const cut = (bytes: Uint8Array) => bytes.slice(0, Math.floor(bytes.length * HALF));
const file = (name: string, bytes: Uint8Array) => ({name, bytes});
const json = (value: unknown) => utf8(JSON.stringify(value));
const bertvizValue = () => JSON.parse(bertviz(SMALL, WEIGHTS, TOKENS));

export function malformedCases(): Case[] {
  const columns = tidyColumns(SMALL, WEIGHTS);
  return [
    {id: "empty", files: [file("empty.arrow", new Uint8Array(0))], code: "empty", text: "is empty"},
    {id: "too-large", files: [], sparse: {name: "huge.arrow", size: MAX_FILE_BYTES + 1}, code: "too_large", text: "over the 400 MB limit"},
    {id: "not-a-format", files: [file("notes.arrow", utf8("layer,head_index\n0,0\n"))], code: "unknown_format", text: "is comma- or tab-separated text (CSV), which this page does not read"},
    {id: "not-a-format-binary", files: [file("noise.arrow", Uint8Array.of(1, 2, 3, 250, 0, 7))], code: "unknown_format", text: "is not Arrow IPC, Feather, Parquet, JSON or a BertViz page"},
    {id: "truncated-stream", files: [file("cut.arrows", cut(good))], code: "corrupt", text: "truncated or corrupt"},
    {id: "truncated-file", files: [file("cut.arrow", cut(arrowFile(tidyTable(SMALL, WEIGHTS))))], code: "corrupt", text: "footer is missing"},
    {id: "truncated-parquet", files: [file("cut.parquet", cut(parquet(tidyTable(SMALL, WEIGHTS))))], code: "corrupt", text: "truncated Parquet"},
    {id: "corrupt-parquet", files: [file("garbled.parquet", (() => {
      const bytes = parquet(tidyTable(SMALL, WEIGHTS));
      bytes.fill(0x7f, 8, bytes.length - 8);
      return bytes;
    })())], code: "corrupt", text: "truncated or corrupt"},
    {id: "json-nan", files: [file("python.json", utf8(`{"tokens": ["a", "b"], "attention": [[[[NaN, 1.0], [0.5, 0.5]]]]}`))], code: "corrupt", text: "NaN or Infinity"},
    {id: "json-truncated", files: [file("cut.json", cut(utf8(bertviz(SMALL, WEIGHTS, TOKENS))))], code: "corrupt", text: "not valid JSON"},
    {id: "missing-column", files: [file("no-key.arrow", tidy((c) => delete c.key_pos))], code: "missing_column", text: `no column "key_pos"`},
    {id: "misnamed-column", files: [file("head.arrow", tidy((c) => {
      c.head = c.head_index;
      delete c.head_index;
    }))], code: "missing_column", text: `there is a column "head": rename it to "head_index"`},
    {id: "pattern-strings", files: [file("strings.arrow", arrowStream(new Table({
      layer: vectorFromArray(columns.layer), head_index: vectorFromArray(columns.head_index), query_pos: vectorFromArray(columns.query_pos), key_pos: vectorFromArray(columns.key_pos),
      pattern: vectorFromArray(Array.from(WEIGHTS, String), new Utf8())
    })))], code: "wrong_type", text: `column "pattern" has type Utf8`},
    {id: "layer-float", files: [file("float-layer.arrow", tidy((c) => (c.layer = Float32Array.from(columns.layer))))], code: "wrong_type", text: `column "layer" has type Float32`},
    {id: "nan", files: [file("nan.arrow", withPattern(NaN))], code: "not_finite", text: "row 5 (layer 0, head 0, query 1, key 1) is NaN"},
    {id: "infinity", files: [file("inf.arrow", withPattern(Infinity))], code: "not_finite", text: "is Infinity"},
    {id: "negative", files: [file("negative.arrow", withPattern(-0.25))], code: "negative", text: "row 5 (layer 0, head 0, query 1, key 1) is -0.25"},
    {id: "null", files: [file("null.arrow", arrowStream(new Table({
      layer: vectorFromArray(columns.layer), head_index: vectorFromArray(columns.head_index), query_pos: vectorFromArray(columns.query_pos), key_pos: vectorFromArray(columns.key_pos),
      pattern: vectorFromArray(Array.from(WEIGHTS, (w, i) => (i === BAD_ROW ? null : w)), new Float32())
    })))], code: "null_value", text: `column "pattern" is empty (null): row 5`},
    {id: "position-out-of-range", files: [file("attention.arrow", good), file("tokens.json", json(TOKENS.slice(0, SMALL.tokens - 1)))], code: "out_of_range", text: `"query_pos" is past the last token`},
    {id: "token-count", files: [file("attention.arrow", good), file("tokens.json", json([...TOKENS, "extra"]))], code: "token_mismatch", text: "the tokens list has 5 tokens but the positions only go up to 3"},
    {id: "negative-position", files: [file("neg-pos.arrow", tidy((c) => ((c.key_pos as Int8Array)[BAD_ROW] = -1)))], code: "out_of_range", text: `"key_pos" is negative`},
    {id: "duplicate", files: [file("dup.arrow", tidy((c) => ((c.key_pos as Int8Array)[BAD_ROW] = 0)))], code: "duplicate", text: "repeats row 4"},
    {id: "no-rows", files: [file("no-rows.arrow", arrowStream(tidyTable(SMALL, WEIGHTS).slice(0, 0)))], code: "no_rows", text: "no rows"},
    {id: "bertviz-ragged", files: [file("ragged.json", json((() => {
      const v = bertvizValue();
      v.attention[0][1][2].pop();
      return v;
    })()))], code: "token_mismatch", text: "attention[0][1][2] has 3 entries, expected 4 keys"},
    {id: "bertviz-tokens", files: [file("tokens-off.json", json({...bertvizValue(), tokens: TOKENS.slice(0, 3)}))], code: "token_mismatch", text: `"tokens" has 3`},
    {id: "bertviz-string", files: [file("string-weight.json", json((() => {
      const v = bertvizValue();
      v.attention[0][0][1][2] = "0.5";
      return v;
    })()))], code: "wrong_type", text: `attention[0][0][1][2] (layer 0, head 0, query 1, key 2) is "0.5"`},
    {id: "bertviz-no-tokens", files: [file("no-tokens.json", json({attention: bertvizValue().attention}))], code: "missing_column", text: `needs a "tokens" list`},
    {id: "tokens-only", files: [file("tokens.arrow", arrowStream(tokensTable(TOKENS)))], code: "no_attention", text: "no attention file"},
    {id: "too-many-weights", files: [file("sparse-huge.arrow", arrowStream(tableFromArrays({
      layer: Int8Array.of(0), head_index: Int8Array.of(0), query_pos: Int16Array.of(9_999), key_pos: Int16Array.of(0), pattern: Float32Array.of(1)
    })))], code: "too_many_weights", text: "more than this page keeps in memory"},
    {id: "dense-short-row", files: [file("dense-short.arrow", arrowStream(new Table({
      layer: vectorFromArray(new Int8Array(SMALL.tokens)), head_index: vectorFromArray(new Int8Array(SMALL.tokens)), query_pos: vectorFromArray(Int8Array.from(TOKENS, (_, q) => q)),
      pattern: vectorFromArray(TOKENS.map((_, q) => Array.from(WEIGHTS.subarray(q * SMALL.tokens, (q + 1) * SMALL.tokens - (q === 2 ? 1 : 0)))), new List(new Field("item", new Float32(), true)))
    })))], code: "shape", text: "row 2 (layer 0, head 0, query 2) has 3"},
    {id: "token-not-string", files: [file("attention.arrow", good), file("tokens.json", json(["a", "b", 3, "d"]))], code: "wrong_type", text: "tokens[2] is number"},
    {id: "mixing-head", files: [file("attention.arrow", good), file("mixing.arrow", arrowStream(tableFromArrays({
      matrix: ["P_l"], source_head: Int8Array.of(5), target_head: Int8Array.of(0), value: Float32Array.of(0.5)
    } as unknown as Record<string, Int8Array>)))], code: "out_of_range", text: `"source_head" is not a head of the attention file (0–1)`}
  ];
}

/** Writes every case into its own folder under `dir`; returns the cases with their file paths. */
export function writeMalformed(dir: string): (Case & {paths: string[]})[] {
  return malformedCases().map((c) => {
    const folder = join(dir, c.id);
    mkdirSync(folder, {recursive: true});
    const paths = c.files.map((f) => {
      const path = join(folder, f.name);
      writeFileSync(path, f.bytes);
      return path;
    });
    if (c.sparse) {
      const path = join(folder, c.sparse.name);
      writeFileSync(path, new Uint8Array(0));
      truncateSync(path, c.sparse.size);
      paths.push(path);
    }
    return {...c, paths};
  });
}
