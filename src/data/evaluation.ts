// Everything data/metrics.json holds: per architecture and seed, the attention metrics of every map kind
// on the run's test split (query rows of positive cells only), the uniform baseline, training numbers,
// and mean/spread over seeds. The formulas are src/model/metrics.ts's; this file only gathers cells.
// Each run is evaluated once, in the training queue (eval-worker.ts, cached by evaluations.ts).
import {headLabel, type Preset} from "../model/config.js";
import {RELATION} from "../model/family.js";
import {headRows, type HeadMaps} from "../model/effective.js";
import {ablateSourceHead} from "../model/ablation.js";
import {keyRemovalEffects, type KeyEffects, type QueryRef} from "../model/keyEffects.js";
import {
  attentionMetrics,
  distribution,
  averageRanks,
  headFaithfulness,
  pearson,
  rowEntropy,
  uniformBaseline,
  type AttentionMetrics,
  type Distribution,
  type QueryCell
} from "../model/metrics.js";
import {toArrays} from "../model/task.js";
import {logitF1, testF1} from "../model/train.js";
import {batchAblatedLogits, batchMaps, forEachBatch} from "./maps.js";
import type {Run} from "./runRecord.js";
import {positiveCells, testSamples, VIEW_SEED} from "./showcase.js";
import {ARCHS, MAP_KIND_FILE_NAMES, mapKindsFor, type Arch, type MapKind} from "../model/vocabulary.js";

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

/** How far each head's raw row is from its effective row (docs/effective-maps.md, "Faithfulness"). */
export interface Faithfulness {
  /** TV distance between each head's raw and effective row, over every head × scored query (layers pooled) */
  tv: Distribution;
  /** median TV per head, head-label order */
  per_head_median: number[];
  /** per head (head-label order): the head-label index of the raw map nearest its effective map (least mean TV, same layer) */
  nearest_raw_head: number[];
  /** per head: the mean TV between its effective row and that nearest raw row */
  nearest_raw_tv_mean: number[];
}

/** How well a map's row ranks the keys by the effect of removing each (Spearman's ρ, keyEffects.ts). */
export interface KeyEffect {
  /**
   * mean over heads × scored queries of Spearman's ρ between a map's row and the effect of removing each key
   * from that head's computation; raw = the drawn per-head map, effective = the effective map
   */
  head_output: {raw: number; effective: number};
  logit: {raw: number; effective: number};
  /** (head, query) pairs averaged: the last layer's heads × the queries checked, less pairs where a ρ is undefined */
  n: number;
  /** queries checked: the scored queries of the first `samples` test samples (KEY_EFFECT_SAMPLES) */
  queries: number;
  samples: number;
}

/** IHA's naive slice: its rows do not sum to 1 (docs/effective-maps.md, "Naive maps"). */
export interface NaiveRows {
  /** row sums (mass kept by the slice) over every head × scored query, layers pooled */
  mass: Distribution & {min: number};
  /** rows whose mass is below `threshold`, as a share of all rows */
  share_below: number;
  threshold: number;
  /** the renormalised rows' mean entropy with every row weighted by its mass instead of counting once */
  renormalised_entropy_mass_weighted: number;
  /** the renormalised rows' mean entropy over rows whose mass is at least `threshold` */
  renormalised_entropy_above_threshold: number;
}

/** Zero-ablation of every head of one run (model/ablation.ablateHead), on the run's test split. */
export interface Ablation {
  /** per head, layer-major: the run's test F1 minus its test F1 with the head's output zeroed */
  f1_lost: number[];
  /** Pearson r across heads between the raw map's alignment and f1_lost; NaN (null in JSON) when either is constant */
  alignment_r: number;
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
  faithfulness: Faithfulness;
  key_effect: KeyEffect;
  ablation: Ablation;
  /** IHA only */
  naive_rows?: NaiveRows;
}

export interface Spread {
  mean: number;
  /** sample standard deviation (n − 1); null with a single seed */
  std: number | null;
  min: number;
  max: number;
}

const SCALARS = ["alignment", "redundancy", "entropy", "best_head_alignment", "align_hit"] as const;
/** The metrics whose raw → effective change over_seeds.gap spreads. */
const GAP_METRICS = ["redundancy", "entropy", "best_head_alignment"] as const;
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

/**
 * The key-removal check runs on the scored queries of the first KEY_EFFECT_SAMPLES samples of the test split
 * (all 64 on tiny; 250 of 1000 on full): it reruns the MLP and unembedding H·N times per query, which on the
 * full preset would add about a minute per run for the whole split (docs/effective-maps.md, "Cost").
 */
export const KEY_EFFECT_SAMPLES = 250;

/** What the evaluation of one run keeps: its metrics, and its test F1 with each head ablated (heads.arrow reads these). */
export interface RunEvaluation {
  metrics: RunMetrics;
  /** per head, layer-major: test F1 with the head's output zeroed (ablation.ablateHead) */
  ablated_f1: number[];
  /** IHA runs of VIEW_SEED (the runs heads.arrow shows) only: test F1 with each source head removed (ablation.ablateSourceHead, all of Q, K, V) */
  source_ablated_f1?: number[];
}

/**
 * The evaluation of one trained run on its own test split (maps computed in eval_batch_size batches): its
 * metrics and its head ablations. eval-worker.ts runs it once per run; loaders read the cached result.
 */
export function evaluateRun(run: Run, preset: Preset): RunEvaluation {
  const {record, weights} = run;
  const cfg = record.config;
  const samples = testSamples(preset, record.seed);
  const cells = positiveCells(samples, preset.task);
  const kinds = mapKindsFor(cfg.arch);
  // queries[kind][layer]: the QueryCells, each holding copies of its H query rows
  const queries = new Map<MapKind, QueryCell[][]>(kinds.map((k) => [k, Array.from({length: cfg.n_layers}, () => [])]));
  let next = 0; // first cell not yet gathered (cells are sample-major)
  const keySums: KeySums = {head_output_raw: 0, head_output_effective: 0, logit_raw: 0, logit_effective: 0, n: 0, queries: 0};
  let seconds = 0; // spent on the faithfulness measures, the key-removal check and the naive rows
  const N = preset.task.m * preset.task.m;
  // ablated[layer * H + head]: the test logits [S*N] with that head ablated (ablateHead), from each batch's cache
  const ablated = Array.from({length: cfg.n_layers * cfg.n_heads}, () => new Float32Array(samples.length * N));

  forEachBatch(RELATION, weights, cfg, samples, preset.train.eval_batch_size, (batch) => {
    const end = batch.start + batch.size;
    let stop = next;
    while (stop < cells.length && cells[stop].sample < end) stop++;
    for (let layer = 0; layer < cfg.n_layers; layer++) {
      const logits = batchAblatedLogits(batch, cfg, layer); // [H,b,N]
      for (let h = 0; h < cfg.n_heads; h++) ablated[layer * cfg.n_heads + h].set(logits.subarray(h * batch.size * N, (h + 1) * batch.size * N), batch.start * N);
      const layerMaps = batchMaps(batch, cfg, layer, kinds);
      for (const [kind, maps] of layerMaps) {
        for (let c = next; c < stop; c++) {
          const rows = headRows(maps, cells[c].sample - batch.start, cells[c].cell).map((row) => row.slice()); // [H][N]
          queries.get(kind)![layer].push({maps: rows, path: cells[c].path});
        }
      }
      if (layer === cfg.n_layers - 1 && batch.start < KEY_EFFECT_SAMPLES) {
        const refs = cells
          .slice(next, stop)
          .filter((c) => c.sample < KEY_EFFECT_SAMPLES)
          .map((c) => ({sample: c.sample - batch.start, query: c.cell}));
        const started = performance.now();
        addKeyEffects(keySums, keyRemovalEffects(batch.cache, batch.params, cfg, layer, refs), refs, layerMaps.get("raw")!, layerMaps.get("effective")!);
        seconds += (performance.now() - started) / 1000;
      }
    }
    next = stop;
    console.error(`mixviz: metrics ${cfg.arch} seed ${record.seed}: ${end}/${samples.length} test samples`);
  });
  const maps: Record<string, MapMetrics> = {};
  for (const [kind, layers] of queries) maps[MAP_KIND_FILE_NAMES[kind]] = combineLayers(layers.map((q) => attentionMetrics(q)));
  const baseline = combineLayers(queries.get("raw")!.map((q) => uniformBaseline(q)));
  const started = performance.now();
  const faithfulness = faithfulnessOf(queries.get("raw")!, queries.get("effective")!);
  const naive = cfg.arch === "iha" ? {naive_rows: naiveRowsOf(queries.get("naive")!, queries.get("naive_renorm")!)} : {};
  seconds += (performance.now() - started) / 1000;
  console.error(`mixviz: metrics ${cfg.arch} seed ${record.seed}: faithfulness, key removal and naive rows took ${seconds.toFixed(1)} s`);
  const mean = (sum: number) => (keySums.n > 0 ? sum / keySums.n : NaN);
  const {labels} = toArrays(samples);
  const ablated_f1 = ablated.map((logits) => logitF1(logits, labels));
  const f1_lost = ablated_f1.map((f1) => record.test_f1 - f1);
  console.error(`mixviz: metrics ${cfg.arch} seed ${record.seed}: F1 lost per ablated head ${f1_lost.map((v) => v.toFixed(4)).join(" ")}`);
  const ablation = {f1_lost, alignment_r: pearson(maps.raw.per_head.alignment, f1_lost)};
  const metrics: RunMetrics = {
    seed: record.seed,
    test_f1: record.test_f1,
    best_val_f1: record.best_val_f1,
    best_epoch: record.best_epoch,
    epochs_run: record.epochs_run,
    seconds: record.seconds,
    cells: cells.length,
    maps,
    uniform_baseline: baseline,
    faithfulness,
    key_effect: {
      head_output: {raw: mean(keySums.head_output_raw), effective: mean(keySums.head_output_effective)},
      logit: {raw: mean(keySums.logit_raw), effective: mean(keySums.logit_effective)},
      n: keySums.n,
      queries: keySums.queries,
      samples: Math.min(KEY_EFFECT_SAMPLES, samples.length)
    },
    ablation,
    ...naive
  };
  const sources = cfg.arch === "iha" && record.seed === VIEW_SEED ? {source_ablated_f1: sourceAblatedF1(run, preset)} : {};
  return {metrics, ablated_f1, ...sources};
}

/** IHA: test F1 of the run with each source head removed in turn (ablateSourceHead: it changes the attention itself, so each runs the model again), layer-major. */
function sourceAblatedF1(run: Run, preset: Preset): number[] {
  const {record, weights} = run;
  const cfg = record.config;
  const f1: number[] = [];
  for (let layer = 0; layer < cfg.n_layers; layer++) {
    for (let h = 0; h < cfg.n_heads; h++) f1.push(testF1(ablateSourceHead(weights, cfg, layer, h), cfg, preset.train, preset.task, record.seed));
  }
  return f1;
}

/** Running sums of Spearman's ρ over (head, query) pairs. */
interface KeySums {
  head_output_raw: number;
  head_output_effective: number;
  logit_raw: number;
  logit_effective: number;
  n: number;
  queries: number;
}

/** Adds ρ(map row, effect) of every head of every query; a pair with any undefined ρ (a constant row or effect) is left out. */
function addKeyEffects(sums: KeySums, effects: KeyEffects, refs: QueryRef[], raw: HeadMaps, effective: HeadMaps): void {
  const [, H, N] = raw.shape;
  sums.queries += refs.length;
  refs.forEach(({sample, query}, q) => {
    const rawRows = headRows(raw, sample, query); // [H][N]
    const effRows = headRows(effective, sample, query); // [H][N]
    for (let h = 0; h < H; h++) {
      const offset = (q * H + h) * N;
      // Spearman's ρ = Pearson on average ranks; each vector is ranked once
      const [rawRank, effRank, headRank, logitRank] = [rawRows[h], effRows[h], effects.head_output.subarray(offset, offset + N), effects.logit!.subarray(offset, offset + N)].map(averageRanks); // [N] each
      const rho = [pearson(rawRank, headRank), pearson(effRank, headRank), pearson(rawRank, logitRank), pearson(effRank, logitRank)];
      if (rho.some((r) => !Number.isFinite(r))) continue;
      sums.head_output_raw += rho[0];
      sums.head_output_effective += rho[1];
      sums.logit_raw += rho[2];
      sums.logit_effective += rho[3];
      sums.n++;
    }
  });
}

/** Faithfulness over the layers: TV pooled over heads, queries and layers; per-head values in head-label order. */
function faithfulnessOf(raw: QueryCell[][], effective: QueryCell[][]): Faithfulness {
  const pooled: number[] = [];
  const out = {per_head_median: [] as number[], nearest_raw_head: [] as number[], nearest_raw_tv_mean: [] as number[]};
  raw.forEach((cells, layer) => {
    const {tv, between, nearest} = headFaithfulness(cells.map((c) => c.maps), effective[layer].map((c) => c.maps));
    const H = tv.length;
    tv.forEach((values, h) => {
      for (const v of values) pooled.push(v);
      out.per_head_median.push(distribution(values).median);
      out.nearest_raw_head.push(layer * H + nearest[h]);
      out.nearest_raw_tv_mean.push(between[nearest[h]][h]);
    });
  });
  return {tv: distribution(pooled), ...out};
}

/** Rows whose naive slice keeps less mass than this are "near-empty" (docs/effective-maps.md). */
export const NAIVE_MASS_THRESHOLD = 0.01;

/** Mass of IHA's naive rows and what the near-empty ones do to the renormalised entropy. */
function naiveRowsOf(naive: QueryCell[][], renormalised: QueryCell[][]): NaiveRows {
  const masses: number[] = [];
  let weighted = 0;
  let above = 0;
  let aboveCount = 0;
  naive.forEach((cells, layer) => {
    cells.forEach((cell, c) => {
      cell.maps.forEach((row, h) => {
        let mass = 0;
        for (let k = 0; k < row.length; k++) mass += row[k];
        const entropy = rowEntropy(renormalised[layer][c].maps[h]);
        masses.push(mass);
        weighted += mass * entropy;
        if (mass >= NAIVE_MASS_THRESHOLD) {
          above += entropy;
          aboveCount++;
        }
      });
    });
  });
  const total = masses.reduce((a, b) => a + b, 0);
  return {
    mass: {...distribution(masses), min: masses.reduce((a, b) => Math.min(a, b), Infinity)}, // no spread: a full build has ~10⁵ rows
    share_below: masses.filter((m) => m < NAIVE_MASS_THRESHOLD).length / masses.length,
    threshold: NAIVE_MASS_THRESHOLD,
    renormalised_entropy_mass_weighted: weighted / total,
    renormalised_entropy_above_threshold: above / aboveCount
  };
}

/** Mean, sample std (null for one value), min and max. */
export function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return {mean, std, min: Math.min(...values), max: Math.max(...values)};
}

function finiteSpread(values: number[]): Spread | null {
  const finite = values.filter(Number.isFinite);
  return finite.length ? spread(finite) : null;
}

/** Spread over seeds of the run numbers and every scalar metric of every map kind and the baseline. */
function overSeeds(runs: RunMetrics[]) {
  const scalarSpread = (pick: (r: RunMetrics) => MapMetrics) =>
    Object.fromEntries(SCALARS.map((key) => [key, spread(runs.map((r) => pick(r)[key]))]));
  return {
    n: runs.length,
    ...Object.fromEntries(RUN_NUMBERS.map((key) => [key, spread(runs.map((r) => r[key]))])),
    maps: Object.fromEntries(Object.keys(runs[0].maps).map((kind) => [kind, scalarSpread((r) => r.maps[kind])])),
    uniform_baseline: scalarSpread((r) => r.uniform_baseline),
    /** effective − raw per seed */
    gap: Object.fromEntries(GAP_METRICS.map((key) => [key, spread(runs.map((r) => r.maps.effective[key] - r.maps.raw[key]))])),
    /** NaN seeds (a constant alignment or F1 lost) left out; null when every seed is NaN */
    ablation_alignment_r: finiteSpread(runs.map((r) => r.ablation.alignment_r)),
    faithfulness_tv_median: spread(runs.map((r) => r.faithfulness.tv.median)),
    faithfulness_tv_mean: spread(runs.map((r) => r.faithfulness.tv.mean)),
    key_effect: {
      head_output_raw: spread(runs.map((r) => r.key_effect.head_output.raw)),
      head_output_effective: spread(runs.map((r) => r.key_effect.head_output.effective)),
      logit_raw: spread(runs.map((r) => r.key_effect.logit.raw)),
      logit_effective: spread(runs.map((r) => r.key_effect.logit.effective))
    },
    ...(runs[0].naive_rows
      ? {
          naive_rows: {
            mass_mean: spread(runs.map((r) => r.naive_rows!.mass.mean)),
            mass_min: spread(runs.map((r) => r.naive_rows!.mass.min)),
            share_below: spread(runs.map((r) => r.naive_rows!.share_below))
          }
        }
      : {})
  };
}

/** The whole metrics.json object for a preset and its seeds, from their evaluations keyed "arch/seed" (runs.ts ensureEvaluations). */
export function buildMetrics(preset: Preset, seeds: number[], evaluations: Map<string, RunEvaluation>) {
  const {n_layers, n_heads} = preset.model;
  const architectures: Record<string, unknown> = {};
  const cellsBySeed: Record<string, number> = {};
  for (const arch of ARCHS) {
    const perSeed = seeds.map((seed) => evaluations.get(`${arch}/${seed}`)!.metrics);
    perSeed.forEach((r) => (cellsBySeed[String(r.seed)] = r.cells));
    const main = perSeed.find((r) => r.seed === VIEW_SEED) ?? perSeed[0];
    const {seed: _seed, ...mainValues} = main;
    architectures[arch as Arch] = {
      ...mainValues,
      map_kinds: mapKindsFor(arch).map((k) => MAP_KIND_FILE_NAMES[k]),
      per_seed: perSeed,
      over_seeds: overSeeds(perSeed)
    };
  }
  const heads = Array.from({length: n_layers * n_heads}, (_, i) => headLabel(Math.floor(i / n_heads), i % n_heads));
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
