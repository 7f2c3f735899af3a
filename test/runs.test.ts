import {afterEach, describe, expect, it} from "vitest";
import {TINY} from "../src/model/config.js";
import {runKey, selectedPreset, selectedSeeds} from "../src/data/runs.js";

const saved = {profile: process.env.MIXVIZ_PROFILE, seeds: process.env.MIXVIZ_SEEDS};
afterEach(() => {
  for (const [name, value] of [["MIXVIZ_PROFILE", saved.profile], ["MIXVIZ_SEEDS", saved.seeds]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("which trained run a build reuses", () => {
  it("names a run by everything it depends on", () => {
    const key = runKey(TINY, "iha", 0);
    expect(runKey(TINY, "iha", 0)).toBe(key);
    expect(runKey(TINY, "mha", 0)).not.toBe(key);
    expect(runKey(TINY, "iha", 1)).not.toBe(key);
    expect(runKey({...TINY, train: {...TINY.train, lr: TINY.train.lr * 2}}, "iha", 0)).not.toBe(key);
    expect(runKey({...TINY, model: {...TINY.model, n_pseudo: 3}}, "iha", 0)).not.toBe(key);
  });

  it("reads the profile and the seed count from the environment, rejecting bad values by name", () => {
    process.env.MIXVIZ_PROFILE = "tiny";
    expect(selectedPreset().name).toBe("tiny");
    process.env.MIXVIZ_PROFILE = "huge";
    expect(() => selectedPreset()).toThrow(/MIXVIZ_PROFILE must be one of tiny, full, got "huge"/);
    process.env.MIXVIZ_SEEDS = "3";
    expect(selectedSeeds()).toEqual([0, 1, 2]);
    process.env.MIXVIZ_SEEDS = "two";
    expect(() => selectedSeeds()).toThrow(/MIXVIZ_SEEDS must be a whole number ≥ 1, got "two"/);
  });
});
