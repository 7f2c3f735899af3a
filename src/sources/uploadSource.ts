// A reader's file behind the source interface: the AttentionSet "Your data" checked (src/upload), held in
// memory. A file may hold several models (its `model` column); a slice's `arch` names one of them (its key,
// `modelKey`) and its `sample` counts that model's sequences from 0. Maps are row views into the set's
// buffers, no copy.
import {layerStack, type AttentionGroup, type AttentionSet} from "../upload/attentionSet.js";
import type {AttentionSource, LayerMaps} from "./source.js";

/** The key a slice's `arch` names a file's model by ("" for a file without a model column). */
export const modelKey = (group: Pick<AttentionGroup, "model">): string => group.model ?? "";

/** The file's models by key, in file order, each with the indices of its sequences in the set. */
export function modelsOf(set: Pick<AttentionSet, "groups">): Map<string, number[]> {
  const models = new Map<string, number[]>();
  set.groups.forEach((group, g) => models.set(modelKey(group), [...(models.get(modelKey(group)) ?? []), g]));
  return models;
}

export function uploadSource(set: AttentionSet): AttentionSource {
  const models = modelsOf(set);
  const groupOf = (arch: string | undefined, sample: number) => {
    const group = models.get(arch ?? "")?.[sample];
    if (group === undefined) throw new Error(`the file has no sequence ${sample} of model "${arch ?? ""}"`);
    return group;
  };
  return {
    heads: set.heads,
    tokens: set.n,
    async maps(slice, kinds) {
      const group = groupOf(slice.arch, slice.sample);
      if (slice.layer < 0 || slice.layer >= set.layers) throw new Error(`the file has no layer ${slice.layer} (layers 0–${set.layers - 1})`);
      const maps: LayerMaps = {};
      for (const kind of kinds) {
        if (kind === "raw") maps.raw = layerStack(set, group, slice.layer);
        else if (kind === "effective") maps.effective = set.effective ? layerStack(set, group, slice.layer, "effective") : null;
        else maps[kind] = null;
      }
      return maps;
    },
    blocks: async () => null
  };
}
