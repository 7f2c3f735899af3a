// The data loaders on the tiny profile: each is run as Framework runs it (its own process, the file on
// stdout), then every output is read back and checked against its contract (docs/data-formats.md).
import {tableFromIPC, type Table} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";
import {beforeAll, describe, expect, it} from "vitest";
import {LoaderOutputs, runLoader, runLoaders, schemaOf, STR} from "./helpers/loaders.js";
import {TINY, type ModelConfig} from "../src/model/config.js";
import {LM_TINY} from "../src/model/lm/config.js";
import {paramSpecs, type Weights} from "../src/model/params.js";
import {decodeSafetensors} from "../src/model/safetensors.js";
import {predict, testF1} from "../src/model/train.js";
import {ablateHead} from "../src/model/ablation.js";
import {buildMetrics, evaluateRun, KEY_EFFECT_SAMPLES, NAIVE_MASS_THRESHOLD} from "../src/data/evaluation.js";
import {ensureEvaluations, ensureRuns} from "../src/data/runs.js";
import {RELATION} from "../src/model/family.js";
import {ROW_GROUPS_KEY, type RowGroupIndex} from "../src/sources/rowGroups.js";
import {pseudoBlockSamples, SHOWCASE, showcaseSamples} from "../src/data/showcase.js";
import {pearson} from "../src/model/metrics.js";
import {ARCHS} from "../src/model/vocabulary.js";

const PRESET = TINY;
const ENV = {...process.env, MIXVIZ_PROFILE: PRESET.name, MIXVIZ_SEEDS: "1"};
const {n_layers: L, n_heads: H, n_pseudo: P} = PRESET.model;
const N = PRESET.task.m * PRESET.task.m;
const SUM_TOL = 1e-4;
const LOGIT_TOL = 1e-4;
const CONCURRENCY = 2;

const LOADERS = [
  "history.arrow",
  "mixing.arrow",
  "mixing-best.arrow",
  "samples.json",
  "metrics.json",
  "attention.parquet",
  "pseudo-blocks.parquet",
  "heads.arrow",
  "knockout.arrow",
  ...ARCHS.flatMap((arch) => [`weights/${arch}.safetensors`, `weights/${arch}.json`])
];

let outputs = new LoaderOutputs();
const arrow = (name: string): Table => outputs.arrow(name);
const parquet = (name: string): Table => outputs.parquet(name);
const json = (name: string) => outputs.json(name);

/** Per-group sums of `values`, grouped by consecutive runs of `size` rows. */
function groupSums(values: ArrayLike<number>, size: number): number[] {
  const sums: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    let s = 0;
    for (let i = start; i < start + size; i++) s += values[i];
    sums.push(s);
  }
  return sums;
}

/** Checks that the index columns of every `stride`-th row spell out the row's position in nested order. */
function expectRowOrder(table: Table, columns: [string, number][], stride: number): void {
  const values = columns.map(([name]) => table.getChild(name)!.toArray() as ArrayLike<number>);
  for (let row = 0; row < table.numRows; row += stride) {
    let rest = row;
    for (let c = columns.length - 1; c >= 0; c--) {
      expect(values[c][row], `${columns[c][0]} of row ${row}`).toBe(rest % columns[c][1]);
      rest = Math.floor(rest / columns[c][1]);
    }
  }
}

function weightsOf(bytes: Buffer): Weights {
  const {tensors} = decodeSafetensors(new Uint8Array(bytes));
  return Object.fromEntries(Object.entries(tensors).map(([name, {data}]) => [name, data]));
}

beforeAll(async () => {
  outputs = await runLoaders(LOADERS, ENV, CONCURRENCY);
}, 300_000);

describe("every loader", () => {
  it("exits 0 and writes a file to stdout", () => {
    for (const name of LOADERS) {
      const {code, stdout, stderr} = outputs.get(name)!;
      expect(code, `${name}: ${stderr}`).toBe(0);
      expect(stdout.length, name).toBeGreaterThan(0);
    }
  });

  it("fails with a message and an empty stdout when the profile is unknown", async () => {
    const {code, stdout, stderr} = await runLoader("metrics.json", {...ENV, MIXVIZ_PROFILE: "no-such-profile"});
    expect(code).not.toBe(0);
    expect(stdout.length).toBe(0);
    expect(stderr).toMatch(/metrics\.json\.ts failed: .*MIXVIZ_PROFILE/);
  });
});

describe("history.arrow and mixing.arrow", () => {
  it("history has one row per run and epoch, one best epoch per run", async () => {
    const table = arrow("history.arrow");
    expect(schemaOf(table)).toEqual({
      arch: STR, seed: "Int32", epoch: "Int32", train_loss: "Float32", val_loss: "Float32", val_f1: "Float32", seconds: "Float32", is_best: "Int8"
    });
    const runs = [...(await ensureRuns(RELATION, PRESET, [0])).values()].map((r) => r.record);
    expect(table.numRows).toBe(runs.reduce((s, r) => s + r.epochs_run, 0));
    const best = table.toArray().filter((row) => row.is_best === 1);
    expect(best.map((row) => `${row.arch}/${row.epoch}`).sort()).toEqual(runs.map((r) => `${r.arch}/${r.best_epoch}`).sort());
  });

  it("mixing has every entry of every epoch, and the best epoch's values are the saved weights", async () => {
    const table = arrow("mixing.arrow");
    expect(schemaOf(table)).toEqual({
      arch: STR, seed: "Int16", epoch: "Int16", is_best: "Int8", layer: "Int8", matrix: STR,
      source_head: "Int8", target_head: "Int8", pseudo: "Int8", value: "Float32"
    });
    const runs = await ensureRuns(RELATION, PRESET, [0]);
    const perEpoch = {mha: 0, talking_heads: 2 * H * H * L, iha: 4 * H * H * P * L};
    const expected = [...runs.values()].reduce((s, {record}) => s + (record.epochs_run + 1) * perEpoch[record.arch], 0);
    expect(table.numRows).toBe(expected);
    const iha = runs.get("iha/0")!;
    const alphaV = iha.weights["blocks.0.attn.alpha_V"]; // [H(m), H(h), P]
    const best = table.toArray().filter((r) => r.arch === "iha" && r.is_best === 1 && r.matrix === "alpha_V" && r.layer === 0);
    expect(best).toHaveLength(H * H * P);
    expect(new Set(best.map((r) => r.epoch))).toEqual(new Set([iha.record.best_epoch]));
    for (const r of best) expect(r.value).toBe(alphaV[(r.source_head * H + r.target_head) * P + r.pseudo]);
    // the explorer reads the replay's last and kept epochs from the run records (metrics.json): they must agree
    for (const {record} of runs.values()) {
      if (record.arch === "mha") continue;
      const rows = table.toArray().filter((r) => r.arch === record.arch);
      expect(Math.max(...rows.map((r) => r.epoch)), record.arch).toBe(record.epochs_run);
      expect(new Set(rows.filter((r) => r.is_best === 1).map((r) => r.epoch)), record.arch).toEqual(new Set([record.best_epoch]));
    }
  });

  it("mixing-best holds exactly mixing's rows of each run's kept epoch, in the same columns", () => {
    const all = arrow("mixing.arrow");
    const best = arrow("mixing-best.arrow");
    expect(schemaOf(best)).toEqual(schemaOf(all));
    const kept = all.toArray().filter((r) => r.is_best === 1).map((r) => JSON.stringify(r));
    expect(best.toArray().map((r) => JSON.stringify(r))).toEqual(kept);
    expect(best.numRows).toBeGreaterThan(0);
    expect(best.numRows).toBeLessThan(all.numRows);
  });
});

describe("attention.parquet and pseudo-blocks.parquet", () => {
  it("attention has the tidy schema and one row per (arch, sample, layer, head, query, key)", () => {
    const table = parquet("attention.parquet");
    expect(schemaOf(table)).toEqual({
      arch: STR, sample: "Int8", layer: "Int8", head_index: "Int8", query_pos: "Int8", key_pos: "Int8",
      pattern: "Float32", effective: "Float32", naive: "Float32"
    });
    expect(table.numRows).toBe(ARCHS.length * SHOWCASE * L * H * N * N);
    const order: [string, number][] = [["sample", SHOWCASE], ["layer", L], ["head_index", H], ["query_pos", N], ["key_pos", N]];
    expectRowOrder(table, order, 13);
    console.info(`attention.parquet: ${table.numRows} rows, ${outputs.get("attention.parquet")!.stdout.length} bytes`);
  });

  it("raw and effective rows sum to 1 per query; naive is null except for IHA, where its rows sum to < 1", () => {
    const table = parquet("attention.parquet");
    const archs = table.getChild("arch")!.toArray() as string[];
    const pattern = table.getChild("pattern")!.toArray() as Float32Array;
    const effective = table.getChild("effective")!.toArray() as Float32Array;
    const naive = table.getChild("naive")!;
    for (const sum of groupSums(pattern, N)) expect(Math.abs(sum - 1)).toBeLessThan(SUM_TOL);
    for (const sum of groupSums(effective, N)) expect(Math.abs(sum - 1)).toBeLessThan(SUM_TOL);
    const perArch = SHOWCASE * L * H * N * N;
    ARCHS.forEach((arch, a) => {
      expect(archs[a * perArch]).toBe(arch);
      expect(archs[(a + 1) * perArch - 1]).toBe(arch);
      const isNull = [0, perArch - 1].map((i) => naive.get(a * perArch + i) === null);
      expect(isNull).toEqual(arch === "iha" ? [false, false] : [true, true]);
    });
    expect(naive.nullCount).toBe(2 * perArch);
    const ihaStart = ARCHS.indexOf("iha") * perArch;
    const ihaNaive = Float32Array.from({length: perArch}, (_, i) => naive.get(ihaStart + i) as number);
    for (const sum of groupSums(ihaNaive, N)) expect(sum).toBeLessThan(1 + SUM_TOL);
  });

  it("pseudo blocks are softmax rows over all N·P keys, and their token reduction is IHA's raw pattern", () => {
    const table = parquet("pseudo-blocks.parquet");
    expect(schemaOf(table)).toEqual({
      sample: "Int8", layer: "Int8", head_index: "Int8", p: "Int8", q: "Int8", query_pos: "Int8", key_pos: "Int8", pattern: "Float32"
    });
    const S = pseudoBlockSamples(L, H, P, N);
    const NP = N * P;
    expect(table.numRows).toBe(S * L * H * NP * NP);
    const order: [string, number][] = [["sample", S], ["layer", L], ["head_index", H], ["query_pos", N], ["p", P], ["key_pos", N], ["q", P]];
    expectRowOrder(table, order, 97);
    const pseudo = table.getChild("pattern")!.toArray() as Float32Array;
    for (const sum of groupSums(pseudo, NP)) expect(Math.abs(sum - 1)).toBeLessThan(SUM_TOL);
    // T_h[n, n'] = (1/P) Σ_p Σ_q Ā_h[(n,p),(n',q)] against attention.parquet's IHA pattern, sample 0, head 1
    const attention = parquet("attention.parquet");
    const raw = attention.getChild("pattern")!.toArray() as Float32Array;
    const ihaStart = ARCHS.indexOf("iha") * SHOWCASE * L * H * N * N;
    const head = 1;
    const sample = 0;
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < N; k++) {
        let t = 0;
        for (let p = 0; p < P; p++) {
          for (let q = 0; q < P; q++) t += pseudo[((sample * L * H + head) * NP + n * P + p) * NP + k * P + q];
        }
        expect(t / P).toBeCloseTo(raw[ihaStart + ((sample * L * H + head) * N + n) * N + k], 5);
      }
    }
  });
});

describe("the row-group index of the Parquet files", () => {
  /** Every row of every row group holds the key the index gives that group. */
  async function expectIndexed(name: string, columns: string[]) {
    const bytes = outputs.get(name)!.stdout;
    const file = await Parquet.ParquetFile.fromFile(new Blob([new Uint8Array(bytes)]));
    const index = JSON.parse(file.metadata().fileMetadata().keyValueMetadata().get(ROW_GROUPS_KEY)) as RowGroupIndex;
    expect(index.columns).toEqual(columns);
    index.keys.forEach((key, g) => {
      const group = tableFromIPC(Parquet.readParquet(bytes, {rowGroups: [g], columns}).intoIPCStream());
      expect(group.numRows, `${name} row group ${g}`).toBeGreaterThan(0);
      columns.forEach((column, c) => {
        const values = new Set(Array.from(group.getChild(column)!.toArray() as ArrayLike<unknown>, String));
        expect([...values], `${name} row group ${g}, ${column}`).toEqual([String(key[c])]);
      });
    });
    return index;
  }

  it("attention.parquet: one row group per (arch, sample, layer), in row order", async () => {
    const index = await expectIndexed("attention.parquet", ["arch", "sample", "layer"]);
    expect(index.keys).toHaveLength(ARCHS.length * SHOWCASE * L);
  });

  it("pseudo-blocks.parquet: one row group per (sample, layer, head)", async () => {
    const index = await expectIndexed("pseudo-blocks.parquet", ["sample", "layer", "head_index"]);
    expect(index.keys).toHaveLength(pseudoBlockSamples(L, H, P, N) * L * H);
  });
});

describe("heads.arrow", () => {
  it("has one row per (arch, head, map kind), pattern scores in [0, 1] and ablation F1 per head", () => {
    const table = arrow("heads.arrow");
    expect(schemaOf(table)).toEqual({
      arch: STR, layer: "Int8", head_index: "Int8", head: STR, map: STR, previous_token: "Float32", first_token: "Float32",
      current_token: "Float32", same_row: "Float32", same_column: "Float32", test_f1: "Float32", ablated_f1: "Float32",
      source_ablated_f1: "Float32"
    });
    const kinds = {mha: ["raw", "effective"], talking_heads: ["raw", "effective"], iha: ["raw", "naive", "naive_renormalised", "effective"]};
    expect(table.numRows).toBe(L * H * (2 + 2 + 4));
    const metrics = json("metrics.json");
    for (const row of table.toArray()) {
      expect(kinds[row.arch as keyof typeof kinds]).toContain(row.map);
      for (const c of ["previous_token", "first_token", "current_token", "same_row", "same_column"]) {
        expect(row[c]).toBeGreaterThanOrEqual(0);
        expect(row[c]).toBeLessThanOrEqual(1 + SUM_TOL);
      }
      expect(row.ablated_f1).toBeGreaterThanOrEqual(0);
      expect(row.ablated_f1).toBeLessThanOrEqual(1);
      expect(row.source_ablated_f1 === null).toBe(row.arch !== "iha");
      expect(row.test_f1).toBeCloseTo(metrics.architectures[row.arch].test_f1, 6);
    }
  });
});

describe("knockout.arrow", () => {
  it("has one row per (model, layer, source head, output head, map kind) and changes in [0, 1]", () => {
    const table = arrow("knockout.arrow");
    expect(schemaOf(table)).toEqual({model: STR, layer: "Int8", source_head: "Int8", output_head: "Int8", map: STR, change: "Float32"});
    const layers = {"relation-iha": L, "lm-iha": LM_TINY.model.n_layers};
    const heads = {"relation-iha": H, "lm-iha": LM_TINY.model.n_heads};
    const rows = table.toArray();
    for (const model of Object.keys(layers) as (keyof typeof layers)[]) {
      expect(rows.filter((r) => r.model === model)).toHaveLength(layers[model] * heads[model] * heads[model] * 2);
    }
    expect(rows).toHaveLength(Object.keys(layers).reduce((n, m) => n + layers[m as keyof typeof layers] * heads[m as keyof typeof heads] ** 2 * 2, 0));
    for (const row of rows) {
      expect(["raw", "effective"]).toContain(row.map);
      expect(row.change).toBeGreaterThanOrEqual(0);
      expect(row.change).toBeLessThanOrEqual(1 + SUM_TOL);
    }
  });
});

describe("metrics.json", () => {
  it("has the documented keys, per-head values and the uniform baseline", () => {
    const metrics = json("metrics.json");
    expect(Object.keys(metrics).sort()).toEqual(
      ["P", "architectures", "evaluation", "head_labels", "main_seed", "model", "preset", "seeds", "task"].sort()
    );
    expect(metrics.preset).toBe(PRESET.name);
    expect(metrics.P).toBe(P);
    expect(metrics.seeds).toEqual([0]);
    expect(metrics.evaluation.samples).toBe(PRESET.train.test_samples);
    expect(Object.keys(metrics.architectures)).toEqual([...ARCHS]);
    for (const arch of ARCHS) {
      const a = metrics.architectures[arch];
      for (const key of ["test_f1", "best_val_f1", "best_epoch", "epochs_run", "seconds", "cells"]) expect(typeof a[key]).toBe("number");
      const kinds = arch === "iha" ? ["raw", "effective", "naive", "naive_renormalised"] : ["raw", "effective"];
      expect(Object.keys(a.maps).sort()).toEqual(kinds.sort());
      for (const m of [...Object.values(a.maps), a.uniform_baseline] as {alignment: number; per_head: Record<string, number[]>}[]) {
        expect(Object.keys(m).sort()).toEqual(["align_hit", "alignment", "best_head_alignment", "entropy", "per_head", "redundancy"]);
        expect(m.alignment).toBeGreaterThan(0);
        expect(m.alignment).toBeLessThanOrEqual(1);
        for (const values of Object.values(m.per_head)) expect(values).toHaveLength(L * H);
      }
      expect(a.per_seed).toHaveLength(1);
      expect(a.over_seeds.n).toBe(1);
      expect(a.over_seeds.test_f1).toEqual({mean: a.test_f1, std: null, min: a.test_f1, max: a.test_f1});
      expect(a.over_seeds.maps.raw.alignment.mean).toBe(a.maps.raw.alignment);
      expect(a.over_seeds.gap.redundancy.mean).toBeCloseTo(a.maps.effective.redundancy - a.maps.raw.redundancy, 12);
      expect(a.over_seeds.faithfulness_tv_median.mean).toBe(a.faithfulness.tv.median);
      expect(a.over_seeds.key_effect.logit_effective.mean).toBe(a.key_effect.logit.effective);
    }
    // a uniform map is the same for every architecture: its alignment is the mean |G| / N
    const baselines = ARCHS.map((arch) => metrics.architectures[arch].uniform_baseline.alignment);
    expect(new Set(baselines).size).toBe(1);
  });

  it("has the faithfulness distribution, the key-removal check and (IHA) the naive rows' mass", () => {
    const metrics = json("metrics.json");
    for (const arch of ARCHS) {
      const a = metrics.architectures[arch];
      const {tv, per_head_median, nearest_raw_head, nearest_raw_tv_mean} = a.faithfulness;
      expect(tv.n).toBe(a.cells * L * H);
      expect(0 <= tv.q1 && tv.q1 <= tv.median && tv.median <= tv.q3 && tv.q3 <= 1).toBe(true);
      for (const list of [per_head_median, nearest_raw_head, nearest_raw_tv_mean]) expect(list).toHaveLength(L * H);
      for (const g of nearest_raw_head) expect(Number.isInteger(g) && g >= 0 && g < L * H).toBe(true);
      for (const v of nearest_raw_tv_mean) expect(v >= 0 && v <= 1).toBe(true);
      const k = a.key_effect;
      expect(k.samples).toBe(Math.min(KEY_EFFECT_SAMPLES, PRESET.train.test_samples));
      expect(k.queries).toBeGreaterThan(0);
      expect(k.n).toBeGreaterThan(0);
      expect(k.n).toBeLessThanOrEqual(k.queries * H);
      for (const rho of [k.head_output.raw, k.head_output.effective, k.logit.raw, k.logit.effective]) {
        expect(rho).toBeGreaterThanOrEqual(-1);
        expect(rho).toBeLessThanOrEqual(1);
      }
      if (arch !== "iha") {
        expect(a.naive_rows).toBeUndefined();
        continue;
      }
      const {mass, share_below, threshold} = a.naive_rows;
      expect(mass.n).toBe(a.cells * L * H);
      expect(mass.min).toBeGreaterThanOrEqual(0);
      expect(mass.mean).toBeLessThanOrEqual(1 + SUM_TOL);
      expect(share_below).toBeGreaterThanOrEqual(0);
      expect(share_below).toBeLessThanOrEqual(1);
      expect(threshold).toBe(NAIVE_MASS_THRESHOLD);
      expect(a.over_seeds.naive_rows.mass_mean.mean).toBe(mass.mean);
    }
  });

  it("has every head's ablation, the same F1 lost as heads.arrow, and its correlation with the raw alignment", () => {
    const metrics = json("metrics.json");
    const heads = arrow("heads.arrow").toArray().filter((row) => row.map === "raw");
    for (const arch of ARCHS) {
      const a = metrics.architectures[arch];
      const {f1_lost, alignment_r} = a.ablation;
      expect(f1_lost).toHaveLength(L * H);
      const fromHeads = heads.filter((row) => row.arch === arch).map((row) => row.test_f1 - row.ablated_f1);
      fromHeads.forEach((lost, i) => expect(f1_lost[i]).toBeCloseTo(lost, 6));
      const r = pearson(a.maps.raw.per_head.alignment, f1_lost);
      if (Number.isFinite(r)) expect(alignment_r).toBeCloseTo(r, 12);
      else expect(alignment_r).toBeNull();
      expect(a.over_seeds.ablation_alignment_r?.mean ?? null).toBe(alignment_r);
    }
  });

  it("is deterministic: a run evaluated again here (TF.js's own Slice kernel) equals its cached evaluation, and the loader wrote what the helper builds", async () => {
    const runs = await ensureRuns(RELATION, PRESET, [0]);
    const cached = (await ensureEvaluations(PRESET, [0])).get("iha/0")!;
    expect(cached.source_ablated_f1).toHaveLength(L * H);
    expect(evaluateRun(runs.get("iha/0")!, PRESET)).toEqual(cached);
    expect(json("metrics.json")).toEqual(JSON.parse(JSON.stringify(buildMetrics(PRESET, [0], await ensureEvaluations(PRESET, [0])))));
  });

  it("each head's ablated test F1 is that of its weights with the head ablated (ablateHead), run again from the start", async () => {
    const runs = await ensureRuns(RELATION, PRESET, [0]);
    const evaluations = await ensureEvaluations(PRESET, [0]);
    for (const arch of ARCHS) {
      const {record, weights} = runs.get(`${arch}/0`)!;
      const cfg = record.config;
      const slow = Array.from({length: L * H}, (_, i) => testF1(ablateHead(weights, cfg, Math.floor(i / H), i % H), cfg, PRESET.train, PRESET.task, 0));
      expect(evaluations.get(`${arch}/0`)!.ablated_f1).toEqual(slow);
    }
  });
});

describe("samples.json and the weights", () => {
  it("holds the first showcase matrices with paths, predictions and logits", () => {
    const data = json("samples.json");
    expect(Object.keys(data).sort()).toEqual(["archs", "count", "preset", "samples", "seed", "split", "task"]);
    expect(data.samples).toHaveLength(SHOWCASE);
    const showcase = showcaseSamples(PRESET);
    data.samples.forEach((s: Record<string, unknown>, i: number) => {
      expect(Object.keys(s).sort()).toEqual(["labels", "logits", "paths", "predictions", "relation", "sample", "tokens"]);
      expect(s.relation).toEqual([...showcase[i].relation]);
      const paths = s.paths as number[][];
      (s.labels as number[]).forEach((y, n) => expect(paths[n].length > 0).toBe(y === 1));
    });
  });

  for (const arch of ARCHS) {
    it(`${arch}: the safetensors file loads into the model and reproduces samples.json's predictions`, () => {
      const config = json(`weights/${arch}.json`);
      const cfg = config.config as ModelConfig;
      expect(config.arch).toBe(arch);
      expect(config.preset).toBe(PRESET.name);
      expect(config.parameters).toEqual(paramSpecs(cfg).map(({name, shape}) => ({name, shape})));
      const {tensors, metadata} = decodeSafetensors(new Uint8Array(outputs.get(`weights/${arch}.safetensors`)!.stdout));
      expect(metadata.best_epoch).toBe(String(config.best_epoch));
      expect(Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.shape]))).toEqual(
        Object.fromEntries(config.parameters.map((p: {name: string; shape: number[]}) => [p.name, p.shape]))
      );
      const weights = weightsOf(outputs.get(`weights/${arch}.safetensors`)!.stdout);
      const {pred, logits} = predict(weights, cfg, showcaseSamples(PRESET));
      const samples = json("samples.json").samples as {predictions: Record<string, number[]>; logits: Record<string, number[]>}[];
      expect(Array.from(pred)).toEqual(samples.flatMap((s) => s.predictions[arch]));
      const saved = samples.flatMap((s) => s.logits[arch]);
      logits.forEach((x, i) => expect(Math.abs(x - saved[i])).toBeLessThan(LOGIT_TOL));
    });
  }
});
