// The head workbench's language models in the browser runtime: each architecture's files are read once,
// the config is checked before the weights are read against it, and the maps come out per layer and head.
import {describe, expect, it} from "vitest";
import {LM_TINY, makeLmConfig, type LmConfig} from "../src/model/lm/config.js";
import {initWeights, paramSpecs} from "../src/model/params.js";
import {encodeSafetensors} from "../src/model/safetensors.js";
import {lmHeadMaps} from "../src/runtime/liveLm.js";
import {lmLoader, type LmFiles} from "../src/runtime/lmLoader.js";

const SEED = 4;

function filesOf(cfg: LmConfig, counts: {json: number}, written: LmConfig = cfg): LmFiles {
  const weights = initWeights(cfg, SEED);
  const bytes = encodeSafetensors(Object.fromEntries(paramSpecs(cfg).map(({name, shape}) => [name, {shape, data: weights[name]}])));
  return {
    config: {json: async () => (counts.json++, {config: written})},
    weights: {arrayBuffer: async () => bytes.slice().buffer}
  };
}

describe("lmLoader", () => {
  it("reads each architecture once and runs the model it read", async () => {
    const cfg = makeLmConfig(LM_TINY, "iha");
    const counts = {json: 0};
    const load = lmLoader({iha: filesOf(cfg, counts)});
    const [a, b] = await Promise.all([load("iha"), load("iha")]);
    expect(a).toBe(b);
    expect(counts.json).toBe(1);
    expect(a.cfg).toEqual(cfg);
    const tokens = Int32Array.from({length: 6}, (_, i) => i % cfg.d_vocab);
    const maps = a.maps(tokens);
    expect(maps).toEqual(lmHeadMaps(initWeights(cfg, SEED), cfg, tokens)); // the weights it read are the file's
    expect(maps.raw.length).toBe(cfg.n_layers);
    expect(maps.raw[0].length).toBe(cfg.n_heads);
    expect(maps.raw[0][0].length).toBe(tokens.length);
  });

  it("rejects an unknown architecture and a config that is not a language model's", async () => {
    const cfg = makeLmConfig(LM_TINY, "mha");
    await expect(lmLoader({})("mha")).rejects.toThrow(/no language model/);
    const wrong = {...cfg, attention_dir: "bidirectional"} as unknown as LmConfig;
    await expect(lmLoader({mha: filesOf(cfg, {json: 0}, wrong)})("mha")).rejects.toThrow(/attention_dir/);
  });
});
