// The head workbench's page module (src/heads.md): the models it offers, its state store, and what each view
// draws from the state and the maps (the shown maps, the token bar's weights, the layer flow, the head-type
// detection, the induction probe's scores, the ablation points). Pure but for the store, which is handed the
// function that writes the address bar; the DOM the page builds itself is in workbenchViews.ts.
import type {ColumnTable} from "arquero";
import {column, type HeadMap} from "../components/headStack.js";
import {headLabel} from "../model/config.js";
import {DEFAULT_THRESHOLDS, HEAD_TYPE_LABELS, detect, headScores, labelsDiffer, scoreMap, typesFor, type DetectionSetting, type HeadType} from "../model/headTypes.js";
import type {LmConfig} from "../model/lmConfig.js";
import {repeatedRandomTokens} from "../model/lmTask.js";
import {reduceHeads, withoutFirstToken} from "../model/mapOps.js";
import {ARCH_NAMES, type Arch, type Direction} from "../model/vocabulary.js";
import {lmHeadMaps} from "../runtime/liveLm.js";
import type {ScoreHead} from "../runtime/scoreRunner.js";
import type {TrainedModel} from "../runtime/weights.js";
import {ablationByHead, knockoutCells, type AblationColumns, type HeadAblationRow, type KnockoutRow} from "../sources/runTables.js";
import type {AttentionSource} from "../sources/source.js";
import {parseWorkbench, serializeWorkbench, WORKBENCH_KINDS, type WorkbenchKind, type WorkbenchLimits, type WorkbenchState} from "../state/workbenchState.js";

/** How many inputs the detection and the small multiples use per model. */
export const DETECTION_INPUTS = 8;

export type Family = "lm" | "relation";

export interface WorkbenchInput {
  caption: string;
  tokens: readonly string[];
  /** token ids (language models), null for the relation grid */
  ids: readonly number[] | null;
}

/** One model the page offers: where its maps live (its family's source), its sizes, what detection can score. */
export interface WorkbenchModel {
  id: string;
  name: string;
  family: Family;
  arch: string;
  layers: number;
  heads: number;
  tokens: number;
  samples: WorkbenchInput[];
  setting: DetectionSetting;
  /** the metric the ablations change */
  metric: string;
  /** its columns in the family's ablation table */
  ablation: AblationColumns;
}

/** What the page reads of samples.json, metrics.json and lm-samples.json. */
export interface RelationSamples {
  task: {m: number};
  archs: string[];
  samples: {sample: number; tokens: string[]}[];
}
export interface RelationMetrics {
  model: {n_layers: number; n_heads: number};
}
export interface LmSamples {
  n_ctx: number;
  token_labels: string[];
  archs: string[];
  samples: {sample: number; tokens: number[]}[];
  architectures: Record<string, {config: {n_layers: number; n_heads: number}}>;
}

const archName = (arch: string) => ARCH_NAMES[arch as Arch] ?? arch;

/** The page's models, the language models first (the first one is the default). */
export function workbenchModels(relation: RelationSamples, metrics: RelationMetrics, lm: LmSamples): WorkbenchModel[] {
  const lmModels = lm.archs.map((arch): WorkbenchModel => ({
    id: `lm-${arch}`,
    name: `Language model · ${archName(arch)}`,
    family: "lm",
    arch,
    layers: lm.architectures[arch].config.n_layers,
    heads: lm.architectures[arch].config.n_heads,
    tokens: lm.n_ctx,
    samples: lm.samples.map((s) => ({caption: `sequence ${s.sample}`, tokens: s.tokens.map((t) => lm.token_labels[t]), ids: s.tokens})),
    setting: {m: null, tokens: true, causal: true},
    metric: "induction accuracy",
    ablation: {base: "induction_accuracy", ablated: "ablated_induction_accuracy", source: "source_ablated_induction_accuracy"}
  }));
  const relationModels = relation.archs.map((arch): WorkbenchModel => ({
    id: `relation-${arch}`,
    name: `Relation task · ${archName(arch)}`,
    family: "relation",
    arch,
    layers: metrics.model.n_layers,
    heads: metrics.model.n_heads,
    tokens: relation.task.m * relation.task.m,
    samples: relation.samples.map((s) => ({caption: `sample ${s.sample}`, tokens: s.tokens, ids: null})),
    setting: {m: relation.task.m, tokens: false, causal: false},
    metric: "test F1",
    ablation: {base: "test_f1", ablated: "ablated_f1", source: "source_ablated_f1"}
  }));
  return [...lmModels, ...relationModels];
}

/** The models by id, with the limits a state must fit for each. */
export class ModelRegistry {
  readonly ids: string[];
  private byId: Map<string, WorkbenchModel>;

  constructor(readonly models: readonly WorkbenchModel[]) {
    this.ids = models.map((m) => m.id);
    this.byId = new Map(models.map((m) => [m.id, m]));
  }

  get(id: string): WorkbenchModel {
    const model = this.byId.get(id);
    if (!model) throw new Error(`the workbench has no model ${id}`);
    return model;
  }

  limitsOf(id: string): WorkbenchLimits {
    const m = this.get(id);
    return {samples: m.samples.length, layers: m.layers, heads: m.heads, tokens: m.tokens, causal: m.setting.causal};
  }
}

/**
 * The state after `patch`. A new model keeps the reader's display choices and brings positions into its
 * range: sample, layer and head clamped, the held token let go, the mask as the model's default, and a
 * pattern score the model cannot compute replaced by previous-token.
 */
export function nextState(models: ModelRegistry, state: WorkbenchState, patch: Partial<WorkbenchState>): WorkbenchState {
  const next = {...state, ...patch};
  if (patch.model && patch.model !== state.model) {
    const limits = models.limitsOf(patch.model);
    next.sample = Math.min(next.sample, limits.samples - 1);
    next.layer = Math.min(next.layer, limits.layers - 1);
    next.head = Math.min(next.head, limits.heads - 1);
    next.token = -1;
    next.mask = limits.causal;
    if (!typesFor(models.get(patch.model).setting).includes(next.score)) next.score = "previous_token";
  }
  return next;
}

/** The page's state in one place, written to the address bar (`write(query)`) from the first moment on. */
export interface WorkbenchStore {
  readonly value: WorkbenchState;
  set(patch: Partial<WorkbenchState>): void;
  /** Calls `notify` with the state now and after every change that changes `key(state)`; returns the unsubscribe. */
  watch(key: (state: WorkbenchState) => string, notify: (state: WorkbenchState) => void): () => void;
}

export function workbenchStore(models: ModelRegistry, search: string, write: (query: string) => void): WorkbenchStore {
  const listeners = new Set<() => void>();
  let value = parseWorkbench(search, models.ids, (id) => models.limitsOf(id));
  write(serializeWorkbench(value));
  return {
    get value() {
      return value;
    },
    set(patch) {
      value = nextState(models, value, patch);
      write(serializeWorkbench(value));
      listeners.forEach((listener) => listener());
    },
    watch(key, notify) {
      let last: string | undefined;
      const update = () => {
        const k = key(value);
        if (k !== last) {
          last = k;
          notify(value);
        }
      };
      update();
      listeners.add(update);
      return () => listeners.delete(update);
    }
  };
}

/** What the maps and the head grid depend on (a change of anything else leaves them as they are). */
export const lookKey = (s: WorkbenchState) => [s.model, s.sample, s.kind, s.hideFirst, s.scheme, s.mask].join("|");

/** maps[kind][layer][head] of one input. */
export type ModelMaps = Record<WorkbenchKind, HeadMap[][]>;

/** Every layer's raw and effective maps of one input, each layer read from the model family's source. */
export async function loadMaps(source: AttentionSource, model: WorkbenchModel, sample: number): Promise<ModelMaps> {
  const layers = await Promise.all(Array.from({length: model.layers}, (_, layer) => source.maps({arch: model.arch, sample, layer}, WORKBENCH_KINDS)));
  return {raw: layers.map((maps) => maps.raw!), effective: layers.map((maps) => maps.effective!)};
}

/** The maps the detection and the small multiples read: the first DETECTION_INPUTS inputs'. */
export function loadDetectionInputs(source: AttentionSource, model: WorkbenchModel): Promise<ModelMaps[]> {
  return Promise.all(model.samples.slice(0, DETECTION_INPUTS).map((_, i) => loadMaps(source, model, i)));
}

/** One head's map of the chosen kind on each of several inputs (first token hidden when asked). */
export function headAcross(inputs: readonly ModelMaps[], kind: WorkbenchKind, head: {layer: number; head: number}, hideFirst: boolean): HeadMap[] {
  return inputs.map((maps) => {
    const map = maps[kind][head.layer][head.head];
    return hideFirst ? withoutFirstToken(map) : map;
  });
}

/** The state change of a click on a head: lock it, or let go of it when it is the locked one. */
export function lockPatch(state: WorkbenchState, head: {layer: number; head: number}): Partial<WorkbenchState> {
  const same = state.layer === head.layer && state.head === head.head;
  return {...head, locked: !(same && state.locked)};
}

/** What the views draw of one input: the chosen kind, with the first token hidden when asked. */
export function shownMaps(maps: ModelMaps, kind: WorkbenchKind, hideFirst: boolean): HeadMap[][] {
  return maps[kind].map((layer) => (hideFirst ? layer.map(withoutFirstToken) : layer));
}

/** The weights of `token` in a map: its row ("from": what it attends to) or its column ("to": what attends to it). */
export function tokenWeights(map: HeadMap, token: number, direction: Direction): Float32Array {
  return direction === "from" ? map[token] : column(map, token);
}

/** Per layer, the mean over its heads of `token`'s weights (the cross-layer flow). */
export function flowRows(maps: readonly HeadMap[][], token: number, direction: Direction): Float32Array[] {
  return maps.map((layerMaps) => tokenWeights(reduceHeads(layerMaps, "mean"), token, direction));
}

/** One head's scores and labels on raw and on effective maps. */
export interface HeadDetection {
  raw: HeadType[];
  effective: HeadType[];
  rawScores: Partial<Record<HeadType, number>>;
  effectiveScores: Partial<Record<HeadType, number>>;
}

/** Duplicate-token and induction scores of every head on the probe, by kind, layer and head. */
export type ProbeScores = Record<WorkbenchKind, Partial<Record<HeadType, number>>[][]>;

/**
 * Every head's detection over `inputs` (the first DETECTION_INPUTS inputs' maps). For the language models
 * the token scores come from the probe and are left out while it has none.
 */
export function detectHeads(
  model: WorkbenchModel,
  inputs: readonly ModelMaps[],
  probe: ProbeScores | null,
  thresholds: Partial<Record<HeadType, number>>
): {cells: HeadDetection[][]; changed: string[]} {
  const ids = model.samples.slice(0, inputs.length).map((s) => s.ids);
  const setting = model.family === "lm" ? {...model.setting, tokens: false} : model.setting;
  const limits = {...DEFAULT_THRESHOLDS, ...thresholds};
  const cells = Array.from({length: model.layers}, (_, l) => Array.from({length: model.heads}, (_, h) => {
    const scoresOf = (kind: WorkbenchKind) => ({...headScores(inputs.map((m) => m[kind][l][h]), ids, setting), ...probe?.[kind][l][h]});
    const rawScores = scoresOf("raw");
    const effectiveScores = scoresOf("effective");
    return {raw: detect(rawScores, limits), effective: detect(effectiveScores, limits), rawScores, effectiveScores};
  }));
  const changed = cells.flatMap((row, l) => row.flatMap((c, h) => (labelsDiffer(c.raw, c.effective) ? [headLabel(l, h)] : [])));
  return {cells, changed};
}

/** The detection's labels under each thumbnail of the head grid, by layer and head. */
export function gridNotes(cells: readonly HeadDetection[][], kind: WorkbenchKind): string[][] {
  return cells.map((row) => row.map((cell) => cell[kind].map((t) => HEAD_TYPE_LABELS[t]).join(", ")));
}

/** The caption under the head-type grid: which heads change their labels between raw and effective maps. */
export function typeSummary(model: WorkbenchModel, changed: readonly string[]): string {
  const tags = model.setting.tokens ? ", dup = duplicate-token, ind = induction" : ", row = same row, col = same column";
  const found = changed.length === 0
    ? `On ${model.name} no head changes its labels between raw and effective maps at these thresholds.`
    : `On ${model.name}, ${changed.length} of ${model.layers * model.heads} heads change their labels between raw and effective maps: ${changed.join(", ")}.`;
  return `${found} Tags: prev = previous-token, first = first-token, self = current-token${tags}. Hover a cell for its scores.`;
}

/** The induction probe's settings: BOS and a random segment of `length` tokens, `repeats` times. */
export interface ProbeInput {
  length: number;
  repeats: number;
  seed: number;
}

export type ProbeResult = {error: null; tokens: Int32Array; scores: ProbeScores} | {error: string | null; tokens: null; scores: null};

/** No probe (a relation model, or before the language model is loaded). */
export const NO_PROBE: ProbeResult = {error: null, tokens: null, scores: null};

/** The probe's tokens for a model; throws a message for the reader when they do not fit its context. */
export function probeTokens(input: ProbeInput, cfg: Pick<LmConfig, "d_vocab" | "n_ctx">): Int32Array {
  const tokens = repeatedRandomTokens({...input, d_vocab: cfg.d_vocab});
  if (tokens.length > cfg.n_ctx) {
    throw new Error(`BOS + ${input.length} tokens × ${input.repeats} repeats = ${tokens.length} tokens, more than the model's ${cfg.n_ctx}: shorten the segment or repeat it less.`);
  }
  return tokens;
}

/** Duplicate-token and induction scores of every head of `maps` (raw and effective, by layer and head). */
export function probeScores(maps: ModelMaps, setting: DetectionSetting, tokens: Int32Array): ProbeScores {
  const score = (map: HeadMap) => ({
    duplicate_token: scoreMap("duplicate_token", map, setting, tokens),
    induction: scoreMap("induction", map, setting, tokens)
  });
  return {raw: maps.raw.map((layer) => layer.map(score)), effective: maps.effective.map((layer) => layer.map(score))};
}

/** Runs the trained language model on the probe in the browser and scores its heads; a failure is a message. */
export function runProbe(lm: TrainedModel<LmConfig>, input: ProbeInput, setting: DetectionSetting): ProbeResult {
  try {
    const tokens = probeTokens(input, lm.cfg);
    return {error: null, tokens, scores: probeScores(lmHeadMaps(lm.weights, lm.cfg, tokens), setting, tokens)};
  } catch (error) {
    return {error: (error as Error).message, tokens: null, scores: null};
  }
}

/** The line under the probe's settings: what it ran on, or why it could not run. */
export function probeCaption(probe: ProbeResult, input: ProbeInput, tokenLabels: readonly string[]): {error: string} | {text: string} {
  if (probe.error !== null) return {error: probe.error};
  if (!probe.tokens) return {text: ""};
  const start = Array.from(probe.tokens.slice(0, 1 + input.length), (t) => tokenLabels[t]).join(" ");
  return {text: `Probe: ${probe.tokens.length} tokens, ${start} …, the segment ${input.repeats} times.`};
}

/** The heads handed to the reader's score function: the shown maps, flattened row-major. */
export function scoreHeads(maps: readonly HeadMap[][]): ScoreHead[] {
  return maps.flatMap((layerMaps, layer) => layerMaps.map((map, head) => {
    const n = map.length;
    const flat = new Float32Array(n * n);
    map.forEach((row, q) => flat.set(row, q * n));
    return {label: headLabel(layer, head), layer, head, n, map: flat};
  }));
}

/** What knocking out each head of a model does (its family's ablation table), by layer and head. */
export function headAblations(table: ColumnTable, model: WorkbenchModel): HeadAblationRow[] {
  return ablationByHead(table, model.arch, model.ablation);
}

/** The ablation plot's points: each head's pattern score (shown kind) against what knocking it out changes. */
export function ablationPoints(rows: readonly HeadAblationRow[], cells: readonly HeadDetection[][], kind: WorkbenchKind, score: HeadType) {
  return rows.map((r) => ({
    label: headLabel(r.layer, r.head_index),
    head: r.head_index,
    score: cells[r.layer][r.head_index][`${kind}Scores`][score] ?? NaN,
    change: r.ablated - r.base,
    sourceChange: r.source === null ? null : r.source - r.base
  }));
}

/** The source-knockout cells of an IHA model, one list per layer (none for other architectures). */
export function knockoutLayers(table: ColumnTable, model: WorkbenchModel, kind: WorkbenchKind): KnockoutRow[][] {
  if (model.arch !== "iha") return [];
  const rows = knockoutCells(table, {model: model.id, map: kind});
  return Array.from({length: model.layers}, (_, layer) => rows.filter((r) => r.layer === layer));
}
