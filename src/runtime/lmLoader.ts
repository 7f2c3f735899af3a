// The head workbench's language models, loaded the first time one is asked for: this file imports nothing of
// TensorFlow.js, so a page that shows a language model's built maps draws them before TF.js (about a megabyte
// of modules) is fetched; the runtime (liveLm.ts) is imported when a model must run (the induction probe).
import type {LmConfig} from "../model/lm/config.js";
import type {LayerMaps} from "./cachedMaps.js";

/** One trained language model's files (Framework's FileAttachments): its record `{config, …}` and its weights. */
export interface LmFiles {
  config: {json(): Promise<{config: LmConfig}>};
  weights: {arrayBuffer(): Promise<ArrayBuffer>};
}

/** A trained language model ready to run: its config, and every layer's raw and effective maps of a sequence. */
export interface LiveLm {
  cfg: LmConfig;
  /** maps.raw[layer][head] and maps.effective[layer][head] of one sequence (token ids, BOS first) */
  maps(tokens: Int32Array): LayerMaps;
}

/**
 * A loader of the language models by architecture: each is read (and TensorFlow.js started on wasm) the first
 * time it is asked for. The weights are read against the file's config, which must be a language model's.
 */
export function lmLoader(files: Readonly<Record<string, LmFiles>>): (arch: string) => Promise<LiveLm> {
  const loaded = new Map<string, Promise<LiveLm>>();
  const load = async (arch: string) => {
    const entry = files[arch];
    if (!entry) throw new Error(`no language model for architecture ${arch}`);
    const {openLm} = await import("./liveLm.js");
    return openLm(entry);
  };
  return (arch) => {
    if (!loaded.has(arch)) loaded.set(arch, load(arch));
    return loaded.get(arch)!;
  };
}
