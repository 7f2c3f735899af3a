import {describe, expect, it} from "vitest";
import {DEFAULT_SEED, deriveSeed, mulberry32, normal} from "../src/model/prng.js";

const DRAWS = 100_000;

function take(seed: number, count: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({length: count}, () => rng());
}

describe("mulberry32", () => {
  it("repeats a sequence for the same seed and changes it for another", () => {
    expect(take(42, 50)).toEqual(take(42, 50));
    expect(take(42, 50)).not.toEqual(take(43, 50));
  });

  it("stays in [0, 1) with a mean near 1/2 and no repeats in a short run", () => {
    const values = take(DEFAULT_SEED, DRAWS);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / DRAWS;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(new Set(values).size).toBeGreaterThan(DRAWS * 0.99);
  });

  it("fills ten equal bins evenly", () => {
    const bins = new Array<number>(10).fill(0);
    for (const v of take(7, DRAWS)) bins[Math.floor(v * bins.length)]++;
    for (const count of bins) expect(Math.abs(count / DRAWS - 0.1)).toBeLessThan(0.01);
  });
});

describe("normal", () => {
  it("has mean ≈ 0, variance ≈ 1 and ≈ 68 % of draws within one sigma", () => {
    const rng = mulberry32(123);
    const xs = Array.from({length: DRAWS}, () => normal(rng));
    const mean = xs.reduce((a, b) => a + b, 0) / DRAWS;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / DRAWS;
    const withinOne = xs.filter((x) => Math.abs(x) < 1).length / DRAWS;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(withinOne - 0.6827)).toBeLessThan(0.01);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("stays finite when the uniform source returns exactly 0", () => {
    const zeros = () => 0;
    expect(Number.isFinite(normal(zeros))).toBe(true);
  });
});

describe("deriveSeed", () => {
  it("is deterministic, uint32, and separates streams and parent seeds", () => {
    expect(deriveSeed(0, "val")).toBe(deriveSeed(0, "val"));
    const seeds = [deriveSeed(0, "val"), deriveSeed(0, "test"), deriveSeed(0, "init"), deriveSeed(1, "val"), deriveSeed(0, "")];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 32);
    }
  });

  it("gives sub-streams whose draws are uncorrelated", () => {
    const a = take(deriveSeed(0, "train/0"), DRAWS);
    const b = take(deriveSeed(0, "train/1"), DRAWS);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(a);
    const mb = mean(b);
    let cov = 0;
    for (let k = 0; k < DRAWS; k++) cov += (a[k] - ma) * (b[k] - mb);
    const correlation = cov / DRAWS / (1 / 12); // uniform variance = 1/12
    expect(Math.abs(correlation)).toBeLessThan(0.02);
  });
});
