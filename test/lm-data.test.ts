// The LM loaders on the tiny profile, each run as Framework runs it (its own process, the file on stdout),
// read back and checked against docs/data-formats.md ("Language model").
import type {Table} from "apache-arrow";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {beforeAll, describe, expect, it, onTestFinished} from "vitest";
import {LoaderOutputs, runLoaders, schemaOf, STR} from "./helpers/loaders.js";
import {LM_ARCHS, LM_TINY} from "../src/model/lm/config.js";
import {lmTokenLabels} from "../src/model/lm/task.js";
import {predictLm} from "../src/model/lm/train.js";
import {paramSpecs, type Weights} from "../src/model/params.js";
import {decodeSafetensors} from "../src/model/safetensors.js";
import {LM_SHOWCASE, lmShowcaseSamples} from "../src/data/showcase.js";
import {ensureRuns} from "../src/data/runs.js";
import {LM} from "../src/model/family.js";
import {parquetSource} from "../src/sources/parquetSource.js";
import {ROW_GROUPS_KEY, type RowGroupIndex} from "../src/sources/rowGroups.js";
import {parquetMetadata} from "hyparquet";
import {serve} from "../scripts/serve.js";

const PRESET = LM_TINY;
const ENV = {...process.env, MIXVIZ_PROFILE: PRESET.name};
const {n_layers: L, n_heads: H} = PRESET.model;
const N = PRESET.task.n_ctx;
const LOADERS = ["lm-samples.json", "lm-attention.parquet", "lm-heads.arrow", ...LM_ARCHS.flatMap((a) => [`weights/lm_${a}.safetensors`, `weights/lm_${a}.json`])];

let outputs = new LoaderOutputs();
const arrow = (name: string): Table => outputs.arrow(name);
const json = (name: string) => outputs.json(name);

beforeAll(async () => {
  outputs = await runLoaders(LOADERS, ENV);
}, 300_000);

describe("LM loaders", () => {
  it("exit 0 and write a file", () => {
    for (const name of LOADERS) {
      const {code, stdout, stderr} = outputs.get(name)!;
      expect(code, `${name}: ${stderr}`).toBe(0);
      expect(stdout.length, name).toBeGreaterThan(0);
    }
  });

  it("lm-samples.json has the documented layout and the runs' predictions", async () => {
    const data = json("lm-samples.json");
    expect(Object.keys(data)).toEqual(["preset", "d_vocab", "n_ctx", "token_labels", "archs", "samples", "architectures"]);
    expect(data.preset).toBe("tiny");
    expect(data.token_labels).toEqual(lmTokenLabels(PRESET.task.d_vocab));
    expect(data.archs).toEqual(["mha", "iha"]);
    expect(data.samples).toHaveLength(LM_SHOWCASE);
    const showcase = lmShowcaseSamples(PRESET);
    const runs = await ensureRuns(LM, PRESET);
    for (const arch of LM_ARCHS) {
      const {weights, record} = runs.get(`${arch}/0`)!;
      const {pred} = predictLm(weights, record.config, showcase);
      data.samples.forEach((s: {sample: number; tokens: number[]; repeat: object; predictions: Record<string, number[]>}, i: number) => {
        expect(s.sample).toBe(i);
        expect(s.tokens).toEqual([...showcase[i].tokens]);
        expect(s.repeat).toEqual(showcase[i].repeat);
        expect(s.predictions[arch]).toEqual([...pred.subarray(i * N, (i + 1) * N)]);
      });
      const a = data.architectures[arch];
      expect(Object.keys(a).sort()).toEqual(
        ["config", "first_copy_accuracy", "history", "induction_accuracy", "loss", "seconds", "seed", "steps_or_epochs"].sort()
      );
      expect(a.config.arch).toBe(arch);
      expect(a.steps_or_epochs).toEqual({steps: 30, epochs: 3, steps_per_epoch: 10});
      expect(a.history).toHaveLength(PRESET.train.epochs);
      expect(Object.keys(a.history[0])).toEqual(expect.arrayContaining(["epoch", "loss", "induction_accuracy"]));
      expect(a.induction_accuracy).toBe(a.history.at(-1).induction_accuracy);
    }
  });

  it("lm-attention.parquet: causal rows only, in order, raw and effective rows summing to 1", () => {
    const table = outputs.parquet("lm-attention.parquet");
    expect(schemaOf(table)).toEqual({
      arch: STR, sample: "Int8", layer: "Int8", head_index: "Int8", query_pos: "Int16", key_pos: "Int16", pattern: "Float32", effective: "Float32"
    });
    const perMap = (N * (N + 1)) / 2;
    expect(table.numRows).toBe(LM_ARCHS.length * LM_SHOWCASE * L * H * perMap);
    const q = table.getChild("query_pos")!.toArray() as Int16Array;
    const k = table.getChild("key_pos")!.toArray() as Int16Array;
    const head = table.getChild("head_index")!.toArray() as Int8Array;
    const archs = table.getChild("arch")!.toArray() as string[];
    for (const column of ["pattern", "effective"]) {
      const values = table.getChild(column)!.toArray() as Float32Array;
      let sum = 0;
      for (let r = 0; r < table.numRows; r++) {
        expect(k[r] <= q[r]).toBe(true);
        sum += values[r];
        if (k[r] === q[r]) {
          expect(Math.abs(sum - 1), `${column} row ${r}`).toBeLessThan(1e-4);
          sum = 0;
        }
      }
    }
    expect([q[perMap - 1], k[perMap - 1], head[perMap]]).toEqual([N - 1, N - 1, 1]);
    expect([archs[0], archs[table.numRows - 1]]).toEqual(["mha", "iha"]);
  });

  it("lm-attention.parquet: one row group per (arch, sample, layer), read through the attention source as causal maps", async () => {
    const bytes = new Uint8Array(outputs.get("lm-attention.parquet")!.stdout);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const index = JSON.parse(metadata.key_value_metadata!.find((e) => e.key === ROW_GROUPS_KEY)!.value!) as RowGroupIndex;
    expect(index.columns).toEqual(["arch", "sample", "layer"]);
    expect(index.keys).toEqual(LM_ARCHS.flatMap((arch) => Array.from({length: LM_SHOWCASE * L}, (_, i) => [arch, Math.floor(i / L), i % L])));
    const dir = mkdtempSync(join(tmpdir(), "mixviz-lm-attention-"));
    writeFileSync(join(dir, "lm-attention.parquet"), bytes);
    const {server, url} = await serve(dir);
    onTestFinished(() => {
      server.close();
      rmSync(dir, {recursive: true, force: true});
    });
    const source = parquetSource({attention: `${url}lm-attention.parquet`}, {heads: H, tokens: N});
    const maps = await source.maps({arch: "iha", sample: 3, layer: L - 1}, ["raw", "effective"]);
    const table = outputs.parquet("lm-attention.parquet");
    const perMap = (N * (N + 1)) / 2;
    const first = ((LM_ARCHS.indexOf("iha") * LM_SHOWCASE + 3) * L + (L - 1)) * H * perMap; // the slice's first row
    const pattern = table.getChild("pattern")!.toArray() as Float32Array;
    for (const [kind, stack] of Object.entries(maps)) {
      expect(stack, kind).toHaveLength(H);
      for (const map of stack!) for (let q = 0; q < N; q++) {
        expect(map[q].reduce((a, b) => a + b, 0), `${kind} row ${q}`).toBeCloseTo(1, 4);
        for (let k = q + 1; k < N; k++) expect(map[q][k]).toBe(0);
      }
    }
    // head 1, query 2, key 1: the row after head 0's map and the query's first two keys before it
    expect(maps.raw![1][2][1]).toBe(pattern[first + perMap + 3 + 1]);
  });

  it("lm-heads.arrow: one row per (arch, layer, head, map), scores in [0, 1], null source ablation for MHA", () => {
    const table = arrow("lm-heads.arrow");
    const F = "Float32";
    expect(schemaOf(table)).toEqual({
      arch: STR, layer: "Int8", head_index: "Int8", head: STR, map: STR,
      previous_token: F, first_token: F, current_token: F, duplicate_token: F, induction: F,
      induction_accuracy: F, ablated_induction_accuracy: F, source_ablated_induction_accuracy: F
    });
    expect(table.numRows).toBe(LM_ARCHS.length * L * H * 2);
    const rows = table.toArray().map((r) => r.toJSON());
    expect(new Set(rows.map((r) => `${r.arch}/${r.layer}/${r.head_index}/${r.map}`)).size).toBe(rows.length);
    for (const r of rows) {
      for (const c of ["previous_token", "first_token", "current_token", "duplicate_token", "induction"]) {
        expect(r[c]).toBeGreaterThanOrEqual(0);
        expect(r[c]).toBeLessThanOrEqual(1 + 1e-6);
      }
      expect(r.head).toBe(`L${r.layer}H${r.head_index}`);
      expect(r.source_ablated_induction_accuracy === null).toBe(r.arch === "mha");
    }
  });

  it("weights decode to every parameter of the config in the JSON beside them", () => {
    for (const arch of LM_ARCHS) {
      const meta = json(`weights/lm_${arch}.json`);
      expect(meta.config.model).toBe("lm");
      expect(meta.token_labels).toHaveLength(meta.config.d_vocab);
      const {tensors} = decodeSafetensors(new Uint8Array(outputs.get(`weights/lm_${arch}.safetensors`)!.stdout));
      const weights: Weights = Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.data]));
      const specs = paramSpecs(meta.config);
      expect(Object.keys(weights)).toEqual(specs.map((s) => s.name));
      expect(meta.parameters).toEqual(specs.map(({name, shape}) => ({name, shape})));
      for (const s of specs) expect(tensors[s.name].shape).toEqual(s.shape);
    }
  });
});
