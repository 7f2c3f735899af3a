// The optional ablation table that comes with a reader's attention: read and checked against the attention
// file (heads, layers, models), and turned into the workbench's ablation rows in the file's metric.
import {tableFromArrays} from "apache-arrow";
import {from} from "arquero";
import {describe, expect, test} from "vitest";
import {loadUpload} from "../src/upload/load.js";
import {fileAblationRows, fileModels} from "../src/pages/workbench/state.js";
import {headAblations} from "../src/pages/workbench/detection.js";
import {arrowStream, bertviz, syntheticWeights, tokenList, utf8, type Shape} from "./helpers/attentionFiles.js";

const SHAPE: Shape = {layers: 2, heads: 3, tokens: 4};
const attention = () => ({name: "a.json", bytes: utf8(bertviz(SHAPE, syntheticWeights(SHAPE), tokenList(SHAPE.tokens)))});
const heads = Array.from({length: SHAPE.layers * SHAPE.heads}, (_, i) => i);

function ablation(columns: Record<string, unknown> = {}) {
  const table = tableFromArrays({
    layer: Int8Array.from(heads, (i) => Math.floor(i / SHAPE.heads)),
    head_index: Int8Array.from(heads, (i) => i % SHAPE.heads),
    base: Float64Array.from(heads, () => 0.9),
    ablated: Float64Array.from(heads, (i) => 0.9 - i / 100),
    ...columns
  } as Parameters<typeof tableFromArrays>[0]);
  return {name: "ablation.arrow", bytes: arrowStream(table)};
}

describe("an ablation table with the attention", () => {
  test("is read with its metric's name, and the workbench plots each head's change from it", () => {
    const result = loadUpload([attention(), ablation({metric: heads.map(() => "accuracy")})]);
    expect(result.issues.filter((i) => i.level === "error")).toEqual([]);
    const data = result.data!;
    expect(data.ablation?.metric).toBe("accuracy");
    const [model] = fileModels(data, "a.json");
    expect([model.metric, model.ablation]).toEqual(["accuracy", {base: "base", ablated: "ablated", source: "source"}]);
    const rows = headAblations(from(fileAblationRows(data)), model);
    expect(rows).toHaveLength(heads.length);
    expect(rows[4]).toEqual({layer: 1, head_index: 1, base: 0.9, ablated: 0.9 - 4 / 100, source: null});
  });

  test("without a metric name the plot says the file's metric; without the table there is no plot", () => {
    const [model] = fileModels(loadUpload([attention(), ablation()]).data!, "a.json");
    expect(model.metric).toBe("the file's metric");
    const [bare] = fileModels(loadUpload([attention()]).data!, "a.json");
    expect(bare.ablation).toBeNull();
    expect(headAblations(null, bare)).toEqual([]);
  });

  test("heads or layers the attention file lacks, a model it lacks, a head twice and two metric names are errors", () => {
    const errors = (extra: Record<string, unknown>) => loadUpload([attention(), ablation(extra)]).issues.filter((i) => i.level === "error").map((i) => i.message);
    expect(errors({})).toEqual([]);
    expect(errors({head_index: Int8Array.from(heads, (i) => (i % 3 === 2 ? 3 : i % 3))})).toEqual([expect.stringMatching(/"head_index" is not a head of the attention file \(0–2\)/)]);
    expect(errors({layer: Int8Array.from(heads, (i) => (i < 3 ? 0 : 2))})).toEqual([expect.stringMatching(/"layer" is not a layer of the attention file \(0–1\)/)]);
    expect(errors({model: heads.map(() => "gpt2")})).toEqual([expect.stringMatching(/"model" names no model of the attention file/)]);
    expect(errors({head_index: Int8Array.from(heads, () => 0)})).toEqual([expect.stringMatching(/a head appears on two rows/)]);
    expect(errors({metric: heads.map((i) => (i ? "loss" : "accuracy"))})).toEqual([expect.stringMatching(/names one metric for the whole table; it names 2/)]);
    expect(errors({ablated: Float64Array.from(heads, () => NaN)})).toEqual([expect.stringMatching(/"ablated" must be a finite number/)]);
  });
});
