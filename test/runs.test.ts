import {afterEach, describe, expect, it} from "vitest";
import {TINY} from "../src/model/config.js";
import {LM_TINY} from "../src/model/lm/config.js";
import {LM, RELATION} from "../src/model/family.js";
import {runDir, runKey, runOf, selectedPreset, selectedSeeds, type Run} from "../src/data/runs.js";

const saved = {profile: process.env.MIXVIZ_PROFILE, seeds: process.env.MIXVIZ_SEEDS};
afterEach(() => {
  for (const [name, value] of [["MIXVIZ_PROFILE", saved.profile], ["MIXVIZ_SEEDS", saved.seeds]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("which trained run a build reuses", () => {
  it("names a run by everything it depends on", () => {
    const key = runKey(RELATION, TINY, "iha", 0);
    expect(runKey(RELATION, TINY, "iha", 0)).toBe(key);
    expect(runKey(RELATION, TINY, "mha", 0)).not.toBe(key);
    expect(runKey(RELATION, TINY, "iha", 1)).not.toBe(key);
    expect(runKey(RELATION, {...TINY, train: {...TINY.train, lr: TINY.train.lr * 2}}, "iha", 0)).not.toBe(key);
    expect(runKey(RELATION, {...TINY, model: {...TINY.model, n_pseudo: 3}}, "iha", 0)).not.toBe(key);
    expect(runKey(LM, LM_TINY, "iha", 0)).not.toBe(runKey(LM, {...LM_TINY, task: {...LM_TINY.task, max_length: 5}}, "iha", 0));
  });

  it("keeps the two families' runs apart: the same preset name, architecture and seed is two runs", () => {
    expect(runKey(LM, LM_TINY, "iha", 0)).not.toBe(runKey(RELATION, TINY, "iha", 0));
    expect(runDir(LM, LM_TINY, "iha", 0)).toMatch(/^\.cache\/models\/tiny-lm_iha-seed0-[0-9a-f]{16}$/);
    expect(runDir(RELATION, TINY, "iha", 0)).toMatch(/^\.cache\/models\/tiny-iha-seed0-[0-9a-f]{16}$/);
  });

  it("reads the profile and the seed count from the environment, rejecting bad values by name", () => {
    process.env.MIXVIZ_PROFILE = "tiny";
    expect(selectedPreset(RELATION)).toBe(TINY);
    expect(selectedPreset(LM)).toBe(LM_TINY);
    process.env.MIXVIZ_PROFILE = "huge";
    expect(() => selectedPreset(RELATION)).toThrow(/MIXVIZ_PROFILE must be one of tiny, full, got "huge"/);
    expect(() => selectedPreset(LM)).toThrow(/MIXVIZ_PROFILE must be one of tiny, full, got "huge"/);
    process.env.MIXVIZ_PROFILE = "constructor"; // an inherited property is no preset
    expect(() => selectedPreset(LM)).toThrow(/got "constructor"/);
    process.env.MIXVIZ_SEEDS = "3";
    expect(selectedSeeds(RELATION)).toEqual([0, 1, 2]);
    expect(selectedSeeds(LM)).toEqual([0]); // one LM per architecture, whatever MIXVIZ_SEEDS says
    process.env.MIXVIZ_SEEDS = "two";
    expect(() => selectedSeeds(RELATION)).toThrow(/MIXVIZ_SEEDS must be a whole number ≥ 1, got "two"/);
  });

  it("finds a run by architecture and seed, and names what is missing", () => {
    const run: Run<{arch: string}> = {record: {arch: "iha"}, weights: {}};
    const runs = new Map([["iha/0", run]]);
    expect(runOf(runs, "iha", 0)).toBe(run);
    expect(() => runOf(runs, "iha", 1)).toThrow("no trained iha run for seed 1");
    expect(() => runOf(runs, "mha", 0)).toThrow("no trained mha run for seed 0");
  });
});
