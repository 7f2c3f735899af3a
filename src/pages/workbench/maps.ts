// The head workbench's maps (src/heads.md): every layer of one input read through its model family's source,
// and what the views draw of them (the shown kind, a token's weights, the layer flow, one head across inputs,
// the heads handed to the reader's score function). Pure.
import {column, type HeadMap} from "../../components/headStack.js";
import {headLabel} from "../../model/config.js";
import {reduceHeads, withoutFirstToken} from "../../model/mapOps.js";
import type {Direction} from "../../model/vocabulary.js";
import type {ScoreHead} from "../../runtime/scoreRunner.js";
import type {AttentionSource} from "../../sources/source.js";
import type {WorkbenchKind} from "../../state/workbenchState.js";
import type {WorkbenchModel} from "./state.js";

/** How many inputs the detection and the small multiples use per model. */
export const DETECTION_INPUTS = 8;

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

/** One head's map of the chosen kind on each of several inputs (first token hidden when asked). */
export function headAcross(inputs: readonly ModelMaps[], kind: WorkbenchKind, head: {layer: number; head: number}, hideFirst: boolean): HeadMap[] {
  return inputs.map((maps) => {
    const map = maps[kind][head.layer][head.head];
    return hideFirst ? withoutFirstToken(map) : map;
  });
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

/** The heads handed to the reader's score function: the shown maps, flattened row-major. */
export function scoreHeads(maps: readonly HeadMap[][]): ScoreHead[] {
  return maps.flatMap((layerMaps, layer) => layerMaps.map((map, head) => {
    const n = map.length;
    const flat = new Float32Array(n * n);
    map.forEach((row, q) => flat.set(row, q * n));
    return {label: headLabel(layer, head), layer, head, n, map: flat};
  }));
}
