// A reader's file behind the source interface: the AttentionSet "Your data" checked (src/upload), held in
// memory, or a file read in parts (readerParquet.ts; only its type is imported here, so a page that offers a
// reader's file does not load the Parquet readers until it has one). A file may hold several models (its `model` column); a slice's `arch` names one of them (its key,
// `modelKey`) and its `sample` counts that model's sequences from 0. Maps are row views into the set's
// buffers, no copy.
import {layerStack, type AttentionGroup, type AttentionSet} from "../upload/attentionSet.js";
import type {HeadMap} from "../components/headStack.js";
import type {ViewMapKind} from "../model/vocabulary.js";
import type {AttentionSource, LayerMaps, ModelHeadSlice} from "./source.js";
import type {PartsFile} from "./readerParquet.js";

/** The key a slice's `arch` names a file's model by ("" for a file without a model column). */
export const modelKey = (group: Pick<AttentionGroup, "model">): string => group.model ?? "";

/** The file's models by key, in file order, each with the indices of its sequences in the set. */
export function modelsOf(set: Pick<AttentionSet, "groups">): Map<string, number[]> {
  const models = new Map<string, number[]>();
  set.groups.forEach((group, g) => models.set(modelKey(group), [...(models.get(modelKey(group)) ?? []), g]));
  return models;
}

/** How a reader's file gives its maps: `layer`, one sequence's layer of one kind (the file's index of the sequence), or null for a kind the file lacks; a file read in parts also reads one head alone and ahead of need. */
export interface SequenceReads {
  layer(group: number, layer: number, kind: ViewMapKind): Promise<HeadMap[] | null>;
  head?(group: number, layer: number, head: number, kind: ViewMapKind): Promise<HeadMap | null>;
  prefetch?(group: number, layer: number, head: number): void;
}

/** A reader's file behind the source interface, whatever holds its maps (`reads`). */
export function sequenceSource(file: Pick<AttentionSet, "groups" | "layers" | "heads" | "n">, reads: SequenceReads): AttentionSource {
  const models = modelsOf(file);
  const groupOf = (arch: string | undefined, sample: number) => {
    const group = models.get(arch ?? "")?.[sample];
    if (group === undefined) throw new Error(`the file has no sequence ${sample} of model "${arch ?? ""}"`);
    return group;
  };
  const checkLayer = (layer: number) => {
    if (layer < 0 || layer >= file.layers) throw new Error(`the file has no layer ${layer} (layers 0–${file.layers - 1})`);
  };
  const {head, prefetch} = reads;
  return {
    heads: file.heads,
    tokens: file.n,
    async maps(slice, kinds) {
      const group = groupOf(slice.arch, slice.sample);
      checkLayer(slice.layer);
      const stacks = await Promise.all(kinds.map((kind) => reads.layer(group, slice.layer, kind)));
      return Object.fromEntries(kinds.map((kind, i) => [kind, stacks[i]])) as LayerMaps;
    },
    blocks: async () => null,
    ...(head && {
      async head(slice: ModelHeadSlice, kind: ViewMapKind) {
        const group = groupOf(slice.arch, slice.sample);
        checkLayer(slice.layer);
        if (slice.head < 0 || slice.head >= file.heads) throw new Error(`the file has no head ${slice.head} (heads 0–${file.heads - 1})`);
        return head(group, slice.layer, slice.head, kind);
      }
    }),
    ...(prefetch && {
      prefetch(slice: ModelHeadSlice) {
        const group = models.get(slice.arch ?? "")?.[slice.sample];
        if (group !== undefined) prefetch(group, slice.layer, slice.head);
      }
    })
  };
}

/** The checked file held in memory: its maps are row views into the set's buffers. */
export function uploadSource(set: AttentionSet): AttentionSource {
  return sequenceSource(set, {
    async layer(group, layer, kind) {
      if (kind === "raw") return layerStack(set, group, layer);
      if (kind === "effective") return set.effective ? layerStack(set, group, layer, "effective") : null;
      return null;
    }
  });
}

/**
 * A file read in parts behind the source interface the explorer reads: a slice's `arch` names one of the file's
 * models (`uploadSource.modelKey`) and its `sample` counts that model's sequences from 0. A head is read alone
 * (before any layer's other heads), a layer head by head, and a head ahead of need (`prefetch`).
 */
export function partsSource(parts: PartsFile): AttentionSource {
  /** The file's column of a map kind, or null where it has none. */
  const column = (kind: ViewMapKind) => (kind === "raw" ? "pattern" : kind === "effective" && parts.hasEffective ? "effective" : null);
  return sequenceSource(parts, {
    async layer(group, layer, kind) {
      const name = column(kind);
      return name && parts.layer(group, layer, name);
    },
    async head(group, layer, head, kind) {
      const name = column(kind);
      return name && parts.head(group, layer, head, name);
    },
    prefetch: (group, layer, head) => parts.prefetch(group, layer, head)
  });
}
