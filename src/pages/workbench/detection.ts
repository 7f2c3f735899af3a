// The head workbench's readings of heads (src/heads.md): head-type detection on raw and effective maps, the
// induction probe run on a language model in the browser, and each head's ablation and source-knockout rows
// from the build's tables. Pure but for the probe's forward pass (TensorFlow.js).
import type {ColumnTable} from "arquero";
import type {HeadMap} from "../../components/headStack.js";
import {headLabel} from "../../model/config.js";
import {DEFAULT_THRESHOLDS, HEAD_TYPE_LABELS, HEAD_TYPE_TAGS, detect, labelsDiffer, mapScores, meanScores, scoreMap, typesFor, type DetectionSetting, type HeadType} from "../../model/headTypes.js";
import type {LmConfig} from "../../model/lm/config.js";
import {repeatedRandomTokens} from "../../model/lm/task.js";
import {repeatPeriod} from "../../model/metrics.js";
import type {LiveLm} from "../../runtime/lmLoader.js";
import {ablationByHead, knockoutCells, type HeadAblationRow, type KnockoutRow} from "../../sources/runTables.js";
import type {WorkbenchKind} from "../../state/workbenchState.js";
import type {ModelMaps} from "./maps.js";
import {hasKnockouts, type WorkbenchModel} from "./state.js";

/** One head's scores and labels on raw and on effective maps. */
export interface HeadDetection {
  raw: HeadType[];
  effective: HeadType[];
  rawScores: Partial<Record<HeadType, number>>;
  effectiveScores: Partial<Record<HeadType, number>>;
}

/** Duplicate-token and induction scores of every head on the probe, by kind, layer and head. */
export type ProbeScores = Record<WorkbenchKind, Partial<Record<HeadType, number>>[][]>;

/** Every head's scores on one input, by kind, layer and head (a head not scored yet has none). */
export type InputScores = ProbeScores;

/**
 * The types scored on one input of a model (`ids`, its token ids): for the language models the position-free
 * ones (their token scores come from the probe), for a reader's file also the position-based induction score
 * when the input is BOS and a repeated segment (the file's own probe; `fileModels` offers it when there is one).
 */
export function inputTypes(model: Pick<WorkbenchModel, "family" | "setting">, ids: readonly number[] | null): HeadType[] {
  const types = typesFor(model.family === "lm" ? {...model.setting, tokens: false, probe: false} : {...model.setting, probe: false});
  const repeats = model.family === "file" && model.setting.probe && ids !== null && repeatPeriod(ids) !== null;
  return repeats ? [...types, "induction_position"] : types;
}

/** Every head's scores on one input whose maps are held (`index`: the input's place in the model's samples). */
export function inputScores(model: WorkbenchModel, maps: ModelMaps, index: number): InputScores {
  const ids = model.samples[index].ids;
  const types = inputTypes(model, ids);
  const score = (map: HeadMap) => mapScores(types, map, model.setting, ids);
  return {raw: maps.raw.map((layer) => layer.map(score)), effective: maps.effective.map((layer) => layer.map(score))};
}

/**
 * Every head's detection from its scores on the inputs detection reads (`inputs`, the first DETECTION_INPUTS;
 * each type averaged over the inputs that have it). For the language models the token scores come from the
 * probe and are left out while it has none.
 */
export function detectHeads(
  model: WorkbenchModel,
  inputs: readonly InputScores[],
  probe: ProbeScores | null,
  thresholds: Partial<Record<HeadType, number>>
): {cells: HeadDetection[][]; changed: string[]} {
  const limits = {...DEFAULT_THRESHOLDS, ...thresholds};
  const cells = Array.from({length: model.layers}, (_, l) => Array.from({length: model.heads}, (_, h) => {
    const scoresOf = (kind: WorkbenchKind) => ({...meanScores(inputs.flatMap((input) => input[kind][l]?.[h] ?? [])), ...probe?.[kind][l][h]});
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
  const tags = typesFor(model.setting).map((t) => `${HEAD_TYPE_TAGS[t]} = ${HEAD_TYPE_LABELS[t]}`).join(", ");
  const found = changed.length === 0
    ? `On ${model.name} no head changes its labels between raw and effective maps at these thresholds.`
    : `On ${model.name}, ${changed.length} of ${model.layers * model.heads} heads change their labels between raw and effective maps: ${changed.join(", ")}.`;
  const raw = model.kinds.includes("effective") ? "" : " The file has no effective maps, so each head's effective labels repeat its raw ones.";
  return `${found}${raw} Tags: ${tags}. Hover a cell for its scores.`;
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

/** Duplicate-token and both induction scores of every head of `maps` (raw and effective, by layer and head). */
export function probeScores(maps: ModelMaps, setting: DetectionSetting, tokens: Int32Array): ProbeScores {
  const score = (map: HeadMap) => ({
    duplicate_token: scoreMap("duplicate_token", map, setting, tokens),
    induction: scoreMap("induction", map, setting, tokens),
    induction_position: scoreMap("induction_position", map, setting, tokens)
  });
  return {raw: maps.raw.map((layer) => layer.map(score)), effective: maps.effective.map((layer) => layer.map(score))};
}

/** Runs the trained language model on the probe in the browser and scores its heads; a failure is a message. */
export function runProbe(lm: LiveLm, input: ProbeInput, setting: DetectionSetting): ProbeResult {
  try {
    const tokens = probeTokens(input, lm.cfg);
    return {error: null, tokens, scores: probeScores(lm.maps(tokens), setting, tokens)};
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

/** What knocking out each head of a model does (its family's ablation table), by layer and head. */
export function headAblations(table: ColumnTable | null, model: WorkbenchModel): HeadAblationRow[] {
  return table && model.ablation ? ablationByHead(table, model.arch, model.ablation) : [];
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
  if (!hasKnockouts(model)) return [];
  const rows = knockoutCells(table, {model: model.id, map: kind});
  return Array.from({length: model.layers}, (_, layer) => rows.filter((r) => r.layer === layer));
}
