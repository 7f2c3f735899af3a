// The head workbench's maps (src/heads.md): every layer of one input read through its model family's source, or,
// for a file read in parts, the heads and the layer a view draws, read as it asks; and what the views draw of them
// (the shown kind, thumbnails, a token's weights, the layer flow, one head across inputs, the heads handed to the
// reader's score function, what a scan of the file is asked for). Pure but for the reads.
import {column, type HeadMap} from "../../components/headStack.js";
import {headLabel} from "../../model/config.js";
import {blockMax, headReduction, isCausal, reduceHeads, withoutFirstToken} from "../../model/mapOps.js";
import type {SummaryRequest} from "../../sources/partSummary.js";
import type {PartsFile} from "../../sources/readerParquet.js";
import {modelsOf} from "../../sources/uploadSource.js";
import type {Direction} from "../../model/vocabulary.js";
import type {ScoreHead, ScoreResult, ScoreRunner} from "../../runtime/scoreRunner.js";
import type {AttentionSource} from "../../sources/source.js";
import type {WorkbenchKind} from "../../state/workbenchState.js";
import {inputTypes} from "./detection.js";
import {partsModels, type WorkbenchModel} from "./state.js";

/** How many inputs the detection and the small multiples use per model. */
export const DETECTION_INPUTS = 8;

/** Largest side of a head grid thumbnail: a longer map is shrunk to it, each cell the largest weight it covers (mapOps.blockMax). */
export const THUMB_SIDE = 48;

/** Largest side of a small multiple (drawn 110 CSS pixels a side), shrunk as a thumbnail is. */
export const MULTIPLE_SIDE = 110;

/** maps[kind][layer][head] of one input. */
export type ModelMaps = Record<WorkbenchKind, HeadMap[][]>;

/**
 * Every layer's raw and effective maps of one input, each layer read from the model's source. A model
 * without effective maps (a reader's file without them; `model.kinds`) gets its raw maps in their place: the
 * page offers it the raw kind only, and the detection's caption says its effective labels repeat the raw ones.
 */
export async function loadMaps(source: AttentionSource, model: WorkbenchModel, sample: number): Promise<ModelMaps> {
  const layers = await Promise.all(Array.from({length: model.layers}, (_, layer) => source.maps({arch: model.arch, sample, layer}, model.kinds)));
  const raw = layers.map((maps) => maps.raw!);
  return {raw, effective: model.kinds.includes("effective") ? layers.map((maps) => maps.effective!) : raw};
}

/** The maps the detection and the small multiples read: the first DETECTION_INPUTS inputs'. */
export function loadDetectionInputs(source: AttentionSource, model: WorkbenchModel): Promise<ModelMaps[]> {
  return Promise.all(model.samples.slice(0, DETECTION_INPUTS).map((_, i) => loadMaps(source, model, i)));
}

/** A map as the views show it: the first token hidden when asked. */
const asShown = (map: HeadMap, hideFirst: boolean) => (hideFirst ? withoutFirstToken(map) : map);

/** One head's map of the chosen kind on each of several inputs (first token hidden when asked), shrunk to MULTIPLE_SIDE. */
export function headAcross(inputs: readonly ModelMaps[], kind: WorkbenchKind, head: {layer: number; head: number}, hideFirst: boolean): HeadMap[] {
  return inputs.map((maps) => blockMax(asShown(maps[kind][head.layer][head.head], hideFirst), MULTIPLE_SIDE));
}

/** What the views draw of one input: the chosen kind, with the first token hidden when asked. */
export function shownMaps(maps: ModelMaps, kind: WorkbenchKind, hideFirst: boolean): HeadMap[][] {
  return maps[kind].map((layer) => (hideFirst ? layer.map(withoutFirstToken) : layer));
}

/** The head grid's thumbnails of the shown maps. */
export function gridThumbs(shown: readonly HeadMap[][]): HeadMap[][] {
  return shown.map((layer) => layer.map((map) => blockMax(map, THUMB_SIDE)));
}

/** Where a view of a file read in parts reads: the model, the input and the kind shown. */
export interface PartsLook {
  model: WorkbenchModel;
  sample: number;
  kind: WorkbenchKind;
  hideFirst: boolean;
}

/** One head of a file read in parts, as the views show it (its source reads the head alone). */
export async function readHead(source: AttentionSource, {model, sample, kind, hideFirst}: PartsLook, at: {layer: number; head: number}): Promise<HeadMap> {
  if (!source.head) throw new Error("this source does not read a head alone");
  const map = await source.head({arch: model.arch, sample, ...at}, kind);
  if (!map) throw new Error(`the file has no ${kind} maps`);
  return asShown(map, hideFirst);
}

/** Every head of one layer of a file read in parts, as the views show them. */
export async function readLayer(source: AttentionSource, {model, sample, kind, hideFirst}: PartsLook, layer: number): Promise<HeadMap[]> {
  const maps = (await source.maps({arch: model.arch, sample, layer}, [kind]))[kind];
  if (!maps) throw new Error(`the file has no ${kind} maps`);
  return maps.map((map) => asShown(map, hideFirst));
}

/** One head of a file read in parts on each input detection reads, as the views show it, shrunk to MULTIPLE_SIDE. */
export function readAcross(source: AttentionSource, look: PartsLook, at: {layer: number; head: number}): Promise<HeadMap[]> {
  return Promise.all(look.model.samples.slice(0, DETECTION_INPUTS).map(async (_, sample) => blockMax(await readHead(source, {...look, sample}, at), MULTIPLE_SIDE)));
}

/** What a scan of input `sample` is asked for: the scores detection needs, thumbnails, and the flow's sum when `sum` is given. */
export function scanRequest(model: WorkbenchModel, sample: number, sum: {kind: WorkbenchKind; hideFirst: boolean} | null): SummaryRequest {
  const ids = model.samples[sample].ids;
  return {setting: model.setting, types: inputTypes(model, ids), ids: ids && [...ids], thumb: THUMB_SIDE, sum};
}

/** The weights of `token` in a map: its row ("from": what it attends to) or its column ("to": what attends to it). */
export function tokenWeights(map: HeadMap, token: number, direction: Direction): Float32Array {
  return direction === "from" ? map[token] : column(map, token);
}

/** Each layer's mean over its heads (the cross-layer flow draws a token's row or column of each). */
export function layerMeans(maps: readonly HeadMap[][]): HeadMap[] {
  return maps.map((layerMaps) => reduceHeads(layerMaps, "mean"));
}

/**
 * The layer summary: the mean and the max over a layer's heads (mapOps.reduceHeads), summed a head at a time with
 * the page answering between two heads (a layer of 32 heads × 1,024² weights is about 0.1–0.4 s of sums).
 */
export async function layerSummaries(maps: readonly HeadMap[]): Promise<[["mean", HeadMap], ["max", HeadMap]]> {
  const n = maps[0]?.length ?? 0;
  const mean = headReduction(n, "mean");
  const max = headReduction(n, "max");
  for (const map of maps) {
    mean.add(map);
    max.add(map);
    if (n > YIELD_FROM_TOKENS) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return [["mean", mean.result()], ["max", max.result()]];
}

/** From this many tokens a layer summary lets the page answer between two heads. */
const YIELD_FROM_TOKENS = 256;

/** Per layer, the mean over its heads of `token`'s weights (the cross-layer flow), from each layer's mean (layerMeans, or a scan's). */
export function meanFlow(means: readonly HeadMap[], token: number, direction: Direction): Float32Array[] {
  return means.map((mean) => tokenWeights(mean, token, direction));
}

/** The heads handed to the reader's score function: the shown maps of the layers from `firstLayer` on, flattened row-major. */
export function scoreHeads(maps: readonly HeadMap[][], firstLayer = 0): ScoreHead[] {
  return maps.flatMap((layerMaps, i) => layerMaps.map((map, head) => {
    const layer = firstLayer + i;
    const n = map.length;
    const flat = new Float32Array(n * n);
    map.forEach((row, q) => flat.set(row, q * n));
    return {label: headLabel(layer, head), layer, head, n, map: flat};
  }));
}

/**
 * The models of a file read in parts, each causal when the first head of its first input is (one head read each;
 * reading every head is a scan); a head that cannot be read leaves the mask off, so that nothing is hidden.
 */
export async function partsFileModels(parts: PartsFile, fileName: string): Promise<WorkbenchModel[]> {
  const firstGroups = [...modelsOf(parts).values()].map((groups) => groups[0]);
  const causal = new Map(await Promise.all(firstGroups.map(async (group) => [group, await parts.head(group, 0, 0).then(isCausal, () => false)] as const)));
  return partsModels(parts, fileName, (group) => causal.get(group) ?? false);
}

/**
 * The reader's score run on the shown maps: every head of every layer held, or, for a file read in parts (`shown`
 * null), the heads of `layer`, read now; a layer that cannot be read is the run's message.
 */
export async function scoreShown(runner: Pick<ScoreRunner, "run">, code: string, shown: readonly HeadMap[][] | null, parts: {source: AttentionSource; look: PartsLook} | null, layer: number, tokens: readonly string[]): Promise<ScoreResult> {
  if (shown) return runner.run(code, scoreHeads(shown), tokens);
  try {
    return runner.run(code, scoreHeads([await readLayer(parts!.source, parts!.look, layer)], layer), tokens);
  } catch (error) {
    return {ok: false, message: `Layer ${layer} could not be read: ${(error as Error).message}`};
  }
}
