// The upload checks of src/upload/: every malformed case gives its message and no data; good files in
// every format give the same weights back; rows that do not sum to 1 are a warning and renormalise.
import {describe, expect, test} from "vitest";
import {cellIndex, layerStack, renormalise} from "../src/upload/attentionSet.js";
import {IssueList} from "../src/upload/issues.js";
import {MAX_FILE_BYTES} from "../src/upload/limits.js";
import {loadUpload} from "../src/upload/load.js";
import {checkSize, detectKind} from "../src/upload/readers.js";
import {arrowFile, arrowStream, bertviz, decodeParquet, denseTable, parquet, syntheticWeights, tidyColumns, tidyTable, tokenList, tokensTable, utf8, type Shape} from "./helpers/attentionFiles.js";
import {malformedCases} from "./helpers/malformed.js";
import {Table, tableFromArrays} from "apache-arrow";
import {cutStack, followWindow, windowAround} from "../src/upload/window.js";

const SHAPE: Shape = {layers: 2, heads: 3, tokens: 5};
const WEIGHTS = syntheticWeights(SHAPE, 7);
const TOKENS = tokenList(SHAPE.tokens);
const CLOSE = 6; // decimal digits float32 keeps

describe("malformed uploads", () => {
  const cases = malformedCases();
  test("there are at least 20 of them", () => expect(cases.length).toBeGreaterThanOrEqual(20));
  test.each(cases.filter((c) => !c.sparse).map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const result = loadUpload(c.files, decodeParquet);
    expect(result.data).toBeNull();
    const issue = result.issues.find((i) => i.code === c.code);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue!.level).toBe("error");
    expect(issue!.message).toContain(c.text);
  });
  test("a file over the size limit is refused before it is read", () => {
    const issues = new IssueList();
    expect(checkSize("huge.arrow", MAX_FILE_BYTES + 1, issues)).toBe(false);
    expect(issues.list()[0].message).toContain("400 MB");
    expect(checkSize("ok.arrow", MAX_FILE_BYTES, new IssueList())).toBe(true);
  });
  test("a million bad values make one message that counts them", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    columns.pattern.fill(NaN);
    const result = loadUpload([{name: "all-nan.arrow", bytes: arrowStream(tableFromArrays(columns))}]);
    const nan = result.issues.filter((i) => i.code === "not_finite");
    expect(nan).toHaveLength(1);
    expect(nan[0].message).toContain(`(${(SHAPE.layers * SHAPE.heads * SHAPE.tokens ** 2).toLocaleString("en-US")} rows in all)`);
  });
});

describe("good uploads", () => {
  const expectSame = (values: Float32Array) => {
    expect(values.length).toBe(WEIGHTS.length);
    for (let i = 0; i < WEIGHTS.length; i++) expect(values[i]).toBeCloseTo(WEIGHTS[i], CLOSE);
  };
  const formats: [string, {name: string; bytes: Uint8Array}[]][] = [
    ["tidy Arrow stream + tokens table", [{name: "a.arrow", bytes: arrowStream(tidyTable(SHAPE, WEIGHTS))}, {name: "t.arrow", bytes: arrowStream(tokensTable(TOKENS))}]],
    ["tidy Arrow file + tokens JSON", [{name: "a.arrow", bytes: arrowFile(tidyTable(SHAPE, WEIGHTS))}, {name: "t.json", bytes: utf8(JSON.stringify(TOKENS))}]],
    ["tidy Parquet + tokens Parquet", [{name: "a.parquet", bytes: parquet(tidyTable(SHAPE, WEIGHTS))}, {name: "t.parquet", bytes: parquet(tokensTable(TOKENS))}]],
    ["dense Arrow + tokens", [{name: "d.arrow", bytes: arrowStream(denseTable(SHAPE, WEIGHTS))}, {name: "t.json", bytes: utf8(JSON.stringify({tokens: TOKENS}))}]],
    ["BertViz JSON", [{name: "b.json", bytes: utf8(bertviz(SHAPE, WEIGHTS, TOKENS))}]]
  ];
  test.each(formats)("%s", (_name, files) => {
    const result = loadUpload(files, decodeParquet);
    expect(result.issues.filter((i) => i.level === "error")).toEqual([]);
    const data = result.data!;
    expect([data.layers, data.heads, data.n]).toEqual([SHAPE.layers, SHAPE.heads, SHAPE.tokens]);
    expect(data.groups.map((g) => g.tokens)).toEqual([TOKENS]);
    expectSame(data.values[0]);
    expect(result.offRows).toBe(0);
    const stack = layerStack(data, 0, 1);
    expect(stack[2][3][4]).toBe(data.values[0][cellIndex(data, 1, 2, 3, 4)]);
  });

  test("sniffing goes by content, not by name", () => {
    expect(detectKind(arrowStream(tidyTable(SHAPE, WEIGHTS)))).toBe("arrow-stream");
    expect(detectKind(arrowFile(tidyTable(SHAPE, WEIGHTS)))).toBe("arrow-file");
    expect(detectKind(parquet(tidyTable(SHAPE, WEIGHTS)))).toBe("parquet");
    expect(detectKind(utf8("\uFEFF  {\"a\": 1}"))).toBe("json");
  });

  test("without a tokens file, positions are numbered and a warning says so", () => {
    const result = loadUpload([{name: "a.arrow", bytes: arrowStream(tidyTable(SHAPE, WEIGHTS))}]);
    expect(result.data!.groups[0].tokens).toEqual(["0", "1", "2", "3", "4"]);
    expect(result.issues.map((i) => i.code)).toEqual(["no_tokens"]);
  });

  test("model and sample columns make one sequence each", () => {
    const one = tidyColumns(SHAPE, WEIGHTS);
    const rows = one.layer.length;
    const columns = Object.fromEntries(Object.entries(one).map(([k, v]) => {
      const both = new (v.constructor as Int8ArrayConstructor)(rows * 2);
      both.set(v as Int8Array);
      both.set(v as Int8Array, rows);
      return [k, both];
    }));
    const table = tableFromArrays({...columns, sample: Int8Array.from({length: rows * 2}, (_, i) => (i < rows ? 0 : 1))});
    const result = loadUpload([{name: "two.arrow", bytes: arrowStream(table)}]);
    expect(result.data!.groups.map((g) => g.label)).toEqual(["sample 0", "sample 1"]);
  });

  test("rows that do not sum to 1 are a warning, and renormalising fixes them", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    for (let i = 0; i < columns.pattern.length; i++) columns.pattern[i] *= 0.5;
    const result = loadUpload([{name: "half.arrow", bytes: arrowStream(tableFromArrays(columns))}, {name: "t.json", bytes: utf8(JSON.stringify(TOKENS))}]);
    const rowSum = result.issues.find((i) => i.code === "row_sum")!;
    expect(rowSum.level).toBe("warning");
    expect(rowSum.message).toContain("you can renormalise them");
    expect(rowSum.message).toContain("layer 0, head 0, query 0 sums to 0.5000");
    expect(result.offRows).toBe(SHAPE.layers * SHAPE.heads * SHAPE.tokens);
    expectSame(renormalise(result.data!).values[0]);
  });

  test("weights above 1 are not probabilities: a warning, and renormalising is not offered", () => {
    const columns = tidyColumns(SHAPE, WEIGHTS);
    columns.pattern[7] = 15328; // what float16 0.984 reads as when its bits are taken for the number
    const result = loadUpload([{name: "bits.arrow", bytes: arrowStream(tableFromArrays(columns))}, {name: "t.json", bytes: utf8(JSON.stringify(TOKENS))}]);
    expect(result.data).not.toBeNull();
    const above = result.issues.find((i) => i.code === "not_probability")!;
    expect(above.level).toBe("warning");
    expect(above.message).toContain("layer 0, head 0, query 1, key 2 is 1.533e+4");
    expect(result.issues.find((i) => i.code === "row_sum")!.message).not.toContain("renormalise them");
    expect(result.offRows).toBe(0);
  });

  test("missing cells are a warning and drawn as 0", () => {
    const table = tidyTable(SHAPE, WEIGHTS);
    const result = loadUpload([{name: "partial.arrow", bytes: arrowStream(table.slice(0, table.numRows - 1))}]);
    expect(result.data).not.toBeNull();
    const missing = result.issues.find((i) => i.code === "missing_cells")!;
    expect(missing.message).toContain("1 of 150 weights have no row");
    expect(missing.message).toContain("layer 1, head 2, query 4, key 4");
  });

  test("token strings are kept exactly, markup and all", () => {
    const evil = ["<img src=x onerror=alert(1)>", "a", "b", "c", "d"];
    const result = loadUpload([{name: "b.json", bytes: utf8(bertviz(SHAPE, WEIGHTS, evil))}]);
    expect(result.data!.groups[0].tokens[0]).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("token windows for long sequences", () => {
  test("the window holds the query, centred where the sequence allows", () => {
    expect(windowAround(3, 10, 20)).toEqual({start: 0, size: 10});
    expect(windowAround(300, 512, 128)).toEqual({start: 236, size: 128});
    expect(windowAround(5, 512, 128)).toEqual({start: 0, size: 128});
    expect(windowAround(510, 512, 128)).toEqual({start: 384, size: 128});
  });
  test("a window stays while the query is more than the edge inside it, and is centred on the query again past that", () => {
    const first = followWindow(null, 300, 512, 64, 8);
    expect(first).toEqual({start: 268, size: 64});
    expect(followWindow(first, 301, 512, 64, 8)).toBe(first);
    expect(followWindow(first, 276, 512, 64, 8)).toBe(first); // 8 tokens in: still inside
    expect(followWindow(first, 275, 512, 64, 8)).toEqual({start: 243, size: 64});
    expect(followWindow(first, 324, 512, 64, 8)).toEqual({start: 292, size: 64});
    // at an end of the sequence the window reaches, the query may come up to the end
    const start = followWindow(null, 0, 512, 64, 8);
    expect(followWindow(start, 1, 512, 64, 8)).toBe(start);
    const end = followWindow(null, 511, 512, 64, 8);
    expect(followWindow(end, 510, 512, 64, 8)).toBe(end);
    const whole = followWindow(null, 3, 10, 64, 8);
    expect(followWindow(whole, 9, 10, 64, 8)).toBe(whole);
  });
  test("a cut keeps the weights among the window's tokens", () => {
    const result = loadUpload([{name: "b.json", bytes: utf8(bertviz(SHAPE, WEIGHTS, TOKENS))}]);
    const stack = layerStack(result.data!, 0, 1);
    const cut = cutStack(stack, {start: 1, size: 3});
    expect(cut).toHaveLength(SHAPE.heads);
    expect(cut[2]).toHaveLength(3);
    expect(cut[2][0][0]).toBe(stack[2][1][1]);
    expect(cut[2][2][2]).toBe(stack[2][3][3]);
  });
});

describe("tables in several record batches", () => {
  test("a dense table cut into sliced batches reads back the same weights", () => {
    const whole = denseTable(SHAPE, WEIGHTS);
    const cut = 7; // not a multiple of anything: the second batch starts mid-head
    const parts = [whole.slice(0, cut), whole.slice(cut)];
    const table = new Table(parts.flatMap((p) => p.batches));
    expect(table.batches.length).toBe(2);
    for (const bytes of [arrowStream(table), arrowFile(table)]) {
      const result = loadUpload([{name: "batches.arrow", bytes}, {name: "t.json", bytes: utf8(JSON.stringify(TOKENS))}]);
      expect(result.issues).toEqual([]);
      const values = result.data!.values[0];
      for (let i = 0; i < WEIGHTS.length; i++) expect(values[i]).toBeCloseTo(WEIGHTS[i], CLOSE);
    }
  });
  test("a tidy table in several batches reads back the same weights", () => {
    const whole = tidyTable(SHAPE, WEIGHTS);
    const table = new Table([whole.slice(0, 40), whole.slice(40, 100), whole.slice(100)].flatMap((p) => p.batches));
    const result = loadUpload([{name: "batches.arrow", bytes: arrowStream(table)}, {name: "t.json", bytes: utf8(JSON.stringify(TOKENS))}]);
    expect(result.issues).toEqual([]);
    expect(Array.from(result.data!.values[0])).toEqual(Array.from(WEIGHTS));
  });
});
