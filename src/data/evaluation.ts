// Everything data/metrics.json holds: per architecture and seed, the attention metrics of every map kind
// on the run's test split (query rows of positive cells only), the uniform baseline, training numbers,
// and mean/spread over seeds. The formulas are src/model/metrics.ts's; this file only gathers cells.
import {ARCHS, headLabel, type Arch, type Preset} from "../model/config.js";
import {headRows, mapKindsFor, type MapKind} from "../model/effective.js";
import {attentionMetrics, uniformBaseline, type AttentionMetrics, type QueryCell} from "../model/metrics.js";
import {batchMaps, forEachBatch, KIND_NAME} from "./maps.js";
import {ensureRuns, type Run} from "./runs.js";
import {positiveCells, testSamples, VIEW_SEED} from "./showcase.js";

/** Scalar metrics of one map kind (means over layers when there are several). */
export interface MapMetrics {
  alignment: number;
  redundancy: number;
  entropy: number;
  best_head_alignment: number;
  align_hit: number;
  /** per head, in head-label order (L0H0 … L0H7, L1H0 …) */
  per_head: {alignment: number[]; entropy: number[]; align_hit: number[]};
}

/** The numbers of one run. */
export interface RunMetrics {
  seed: number;
  test_f1: number;
  best_val_f1: number;
  best_epoch: number;
  epochs_run: number;
  seconds: number;
  /** query cells evaluated per layer (positive cells of the test split) */
  cells: number;
  maps: Record<string, MapMetrics>;
  uniform_baseline: MapMetrics;
}

export interface Spread {
  mean: number;
  /** sample standard deviation (n − 1); null with a single seed */
  std: number | null;
  min: number;
  max: number;
}

const SCALARS = ["alignment", "redundancy", "entropy", "best_head_alignment", "align_hit"] as const;
const RUN_NUMBERS = ["test_f1", "best_val_f1", "best_epoch", "epochs_run", "seconds"] as const;

/** Per-layer metrics → one MapMetrics: scalars averaged over layers, per-head arrays concatenated. */
function combineLayers(layers: AttentionMetrics[]): MapMetrics {
  const meanOf = (key: (typeof SCALARS)[number]) => layers.reduce((s, m) => s + m[key], 0) / layers.length;
  return {
    alignment: meanOf("alignment"),
    redundancy: meanOf("redundancy"),
    entropy: meanOf("entropy"),
    best_head_alignment: meanOf("best_head_alignment"),
    align_hit: meanOf("align_hit"),
    per_head: {
      alignment: layers.flatMap((m) => m.per_head.alignment),
      entropy: layers.flatMap((m) => m.per_head.entropy),
      align_hit: layers.flatMap((m) => m.per_head.align_hit)
    }
  };
}

/** Metrics of one trained run on its own test split (maps computed in eval_batch_size batches). */
export function runMetrics(run: Run, preset: Preset): RunMetrics {
  const {record, weights} = run;
  const cfg = record.config;
  const samples = testSamples(preset, record.seed);
  const cells = positiveCells(samples, preset.task);
  const kinds = mapKindsFor(cfg.arch);
  // queries[kind][layer]: the QueryCells, each holding copies of its H query rows
  const queries = new Map<MapKind, QueryCell[][]>(kinds.map((k) => [k, Array.from({length: cfg.n_layers}, () => [])]));
  let next = 0; // first cell not yet gathered (cells are sample-major)
  forEachBatch(weights, cfg, samples, preset.train.eval_batch_size, (batch) => {
    const end = batch.start + batch.size;
    let stop = next;
    while (stop < cells.length && cells[stop].sample < end) stop++;
    for (let layer = 0; layer < cfg.n_layers; layer++) {
      for (const [kind, maps] of batchMaps(batch, cfg, layer, kinds)) {
        for (let c = next; c < stop; c++) {
          const rows = headRows(maps, cells[c].sample - batch.start, cells[c].cell).map((row) => row.slice()); // [H][N]
          queries.get(kind)![layer].push({maps: rows, path: cells[c].path});
        }
      }
    }
    next = stop;
    console.error(`mixviz: metrics ${cfg.arch} seed ${record.seed}: ${end}/${samples.length} test samples`);
  });
  const maps: Record<string, MapMetrics> = {};
  for (const [kind, layers] of queries) maps[KIND_NAME[kind]] = combineLayers(layers.map((q) => attentionMetrics(q)));
  const baseline = combineLayers(queries.get("raw")!.map((q) => uniformBaseline(q)));
  return {
    seed: record.seed,
    test_f1: record.test_f1,
    best_val_f1: record.best_val_f1,
    best_epoch: record.best_epoch,
    epochs_run: record.epochs_run,
    seconds: record.seconds,
    cells: cells.length,
    maps,
    uniform_baseline: baseline
  };
}

/** Mean, sample std (null for one value), min and max. */
export function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return {mean, std, min: Math.min(...values), max: Math.max(...values)};
}

/** Spread over seeds of the run numbers and every scalar metric of every map kind and the baseline. */
function overSeeds(runs: RunMetrics[]) {
  const scalarSpread = (pick: (r: RunMetrics) => MapMetrics) =>
    Object.fromEntries(SCALARS.map((key) => [key, spread(runs.map((r) => pick(r)[key]))]));
  return {
    n: runs.length,
    ...Object.fromEntries(RUN_NUMBERS.map((key) => [key, spread(runs.map((r) => r[key]))])),
    maps: Object.fromEntries(Object.keys(runs[0].maps).map((kind) => [kind, scalarSpread((r) => r.maps[kind])])),
    uniform_baseline: scalarSpread((r) => r.uniform_baseline)
  };
}

/** The whole metrics.json object for a preset and its seeds (trains missing runs first). */
export async function buildMetrics(preset: Preset, seeds: number[]) {
  const runs = await ensureRuns(preset, seeds);
  const cfg = runs.get(`mha/${seeds[0]}`)!.record.config;
  const architectures: Record<string, unknown> = {};
  const cellsBySeed: Record<string, number> = {};
  for (const arch of ARCHS) {
    const perSeed = seeds.map((seed) => runMetrics(runs.get(`${arch}/${seed}`)!, preset));
    perSeed.forEach((r) => (cellsBySeed[String(r.seed)] = r.cells));
    const main = perSeed.find((r) => r.seed === VIEW_SEED) ?? perSeed[0];
    const {seed: _seed, ...mainValues} = main;
    architectures[arch as Arch] = {
      ...mainValues,
      map_kinds: mapKindsFor(arch).map((k) => KIND_NAME[k]),
      per_seed: perSeed,
      over_seeds: overSeeds(perSeed)
    };
  }
  const heads = Array.from({length: cfg.n_layers * cfg.n_heads}, (_, i) => headLabel(Math.floor(i / cfg.n_heads), i % cfg.n_heads));
  return {
    preset: preset.name,
    P: preset.model.n_pseudo,
    seeds,
    main_seed: VIEW_SEED,
    model: preset.model,
    task: preset.task,
    head_labels: heads,
    evaluation: {
      split: "test",
      samples: preset.train.test_samples,
      source: "splitSamples(seed, 'test', train.test_samples, task) for each run's own seed",
      queries: "query rows of the positive cells (label 1) only",
      path: "witness cells of the query cell (task.witnessPath)",
      cells_per_seed: cellsBySeed
    },
    architectures
  };
}
