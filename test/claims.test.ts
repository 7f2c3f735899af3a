// The essay's claims follow the numbers: synthetic metrics where each effect holds, vanishes or reverses,
// and the sentences that must change with them.
import {describe, expect, it} from "vitest";
import {
  ihaHeadIdentity,
  naiveClaim,
  naiveEntropySentence,
  ablationClaim,
  ablationBySeed,
  ablationRows,
  agreesWithStudy,
  changeText,
  compareText,
  change,
  compare,
  gapClaim,
  gapSentence,
  idleHeadAnswer,
  keyEffectClaims,
  keyEffectSentence,
  pm,
  shareContrast,
  spreadOf,
  thesis,
  thesisLimits,
  writesClaim,
  writesSentence,
  type ArchMetrics,
  type MetricsLike,
  type RunScalars
} from "../src/essay/claims.js";
import {ARCHS, type Arch} from "../src/model/vocabulary.js";

/** Per architecture: raw and effective values of each scalar, one entry per seed. */
interface Spec {
  redundancy: [number[], number[]];
  entropy?: [number[], number[]];
  alignment?: [number[], number[]];
  naive?: number[];
  tvMedian?: number[];
  keyEffect?: [number[], number[]];
}

function synthetic(specs: Record<Arch, Spec>): MetricsLike {
  const architectures = {} as Record<Arch, ArchMetrics>;
  for (const arch of ARCHS) {
    const s = specs[arch];
    const seeds = s.redundancy[0].length;
    const at = (pair: [number[], number[]] | undefined, kind: 0 | 1, i: number, fallback: number) => (pair ? pair[kind][i] : fallback);
    const runs: RunScalars[] = Array.from({length: seeds}, (_, i) => ({
      seed: i,
      test_f1: 1,
      maps: {
        raw: {alignment: at(s.alignment, 0, i, 0.35), redundancy: s.redundancy[0][i], entropy: at(s.entropy, 0, i, 1.1), best_head_alignment: 0.9},
        effective: {alignment: at(s.alignment, 1, i, 0.35), redundancy: s.redundancy[1][i], entropy: at(s.entropy, 1, i, 1.1), best_head_alignment: 0.85},
        ...(s.naive ? {naive: {alignment: s.naive[i], redundancy: 0.1, entropy: 0.5, best_head_alignment: 0.1}} : {})
      },
      ...(s.tvMedian ? {faithfulness: {tv: {mean: s.tvMedian[i], median: s.tvMedian[i], q1: 0, q3: 1, n: 100}}} : {}),
      ...(s.keyEffect ? {key_effect: {head_output: {raw: s.keyEffect[0][i], effective: s.keyEffect[1][i]}, logit: {raw: s.keyEffect[0][i], effective: s.keyEffect[1][i]}, n: 100}} : {})
    }));
    architectures[arch] = {...runs[0], per_seed: runs};
  }
  return {architectures};
}

// Shaped like the full build: the redundancy gap grows with mixing; alignment is about the same raw and effective.
const GROWS: Record<Arch, Spec> = {
  mha: {redundancy: [[0.147, 0.15, 0.144], [0.149, 0.151, 0.146]], entropy: [[1.1, 1.12, 1.08], [1.14, 1.15, 1.12]], tvMedian: [0.05, 0.06, 0.05], keyEffect: [[0.9, 0.91, 0.9], [0.92, 0.93, 0.92]]},
  talking_heads: {redundancy: [[0.167, 0.17, 0.16], [0.238, 0.24, 0.23]], entropy: [[0.97, 0.99, 0.95], [1.41, 1.4, 1.42]], tvMedian: [0.2, 0.22, 0.21], keyEffect: [[0.5, 0.52, 0.49], [0.8, 0.82, 0.81]]},
  iha: {redundancy: [[0.199, 0.2, 0.198], [0.532, 0.52, 0.54]], entropy: [[1.32, 1.3, 1.34], [2.06, 2.05, 2.07]], naive: [0.029, 0.03, 0.028], alignment: [[0.351, 0.36, 0.34], [0.397, 0.35, 0.33]], tvMedian: [0.45, 0.44, 0.46], keyEffect: [[0.3, 0.31, 0.29], [0.7, 0.72, 0.71]]}
};

const flat = (v: number, n = 3) => Array.from({length: n}, (_, i) => v + (i - 1) * 0.01);

describe("the rule for a real difference", () => {
  it("two architectures differ when |Δ mean| exceeds the sum of their standard deviations", () => {
    const a = spreadOf([0.5, 0.52, 0.48]);
    expect(compare(a, spreadOf([0.2, 0.21, 0.19])).word).toBe("higher");
    expect(compare(a, spreadOf([0.2, 0.21, 0.19])).verdict).toBe("real");
    expect(compare(spreadOf([0.2, 0.21, 0.19]), a).word).toBe("lower");
    // 0.05 apart, stds 0.02 + 0.04: within the spread
    const c = compare(spreadOf([0.5, 0.52, 0.48]), spreadOf([0.45, 0.49, 0.41]));
    expect(c.verdict).toBe("within spread");
    expect(c.word).toBe("about the same");
  });

  it("a paired change is real when every seed moves the same way by more than its spread", () => {
    expect(change([0.1, 0.2, 0.3], [0.4, 0.5, 0.6]).verdict).toBe("real");
    expect(change([0.1, 0.2, 0.3], [0.4, 0.5, 0.6]).word).toBe("higher");
    expect(change([0.1, 0.2, 0.3], [0.15, 0.1, 0.35]).word).toBe("about the same");
    expect(change([0.4, 0.5, 0.6], [0.1, 0.2, 0.3]).word).toBe("lower");
  });

  it("a consistent but negligible difference is about the same", () => {
    const c = change([1.0, 1.1, 1.2], [1.02, 1.12, 1.22]);
    expect(c.verdict).toBe("negligible");
    expect(c.word).toBe("about the same");
    expect(changeText(c, "its raw")).toBe("about the same as its raw (change +0.020 ± 0.000, beyond the spread over seeds but under 10% of the value)");
  });

  it("says whether our comparison points the study's way", () => {
    const drop = compare(spreadOf([0.03, 0.031, 0.029]), spreadOf([0.35, 0.36, 0.34]));
    expect(agreesWithStudy(0.055, 0.507, drop)).toBe(true);
    const same = compare(spreadOf([0.34, 0.37, 0.33]), spreadOf([0.35, 0.36, 0.34]));
    expect(agreesWithStudy(0.055, 0.507, same)).toBe(false);
    expect(compareText(same, "MHA's")).toBe("about the same as MHA's (0.347 ± 0.021 against 0.350 ± 0.010, within the spread over seeds)");
  });

  it("with one seed there is no spread to judge by", () => {
    const one = compare(spreadOf([0.5]), spreadOf([0.2]));
    expect(one.verdict).toBe("one seed");
    expect(one.word).toBe("higher");
    expect(pm(spreadOf([0.5]))).toBe("0.500");
    expect(pm(spreadOf([0.5, 0.52, 0.48]))).toBe("0.500 ± 0.020");
  });
});

describe("the thesis follows the numbers", () => {
  it("states that specialisation is overstated when the gap grows with mixing", () => {
    const t = thesis(synthetic(GROWS));
    expect(t.redundancy.growsWithMixing).toBe(true);
    expect(gapSentence(t.redundancy)).toContain("The gap grows with how much the heads mix");
    expect(t.sentence).toContain("still show where the model attends");
    expect(t.sentence).toContain("overstate how specialised each head is");
    expect(t.sentence).toContain("misreport what each head writes");
    expect(t.sentence).toMatch(/naively.*12 times lower/);
  });

  it("drops the specialisation claim when the gap vanishes", () => {
    const vanish = {...GROWS, talking_heads: {...GROWS.talking_heads, redundancy: [flat(0.17), flat(0.17)] as [number[], number[]], entropy: [flat(1), flat(1)] as [number[], number[]]}, iha: {...GROWS.iha, redundancy: [flat(0.2), flat(0.2)] as [number[], number[]], entropy: [flat(1.3), flat(1.3)] as [number[], number[]]}};
    const t = thesis(synthetic(vanish));
    expect(t.redundancy.growsWithMixing).toBe(false);
    expect(t.sentence).not.toContain("overstate");
    expect(t.sentence).toContain("how specialised each head is");
    expect(gapSentence(t.redundancy)).toContain("In no architecture does the gap exceed the spread over seeds");
  });

  it("says so when the gap reverses in IHA", () => {
    const reverse = {...GROWS, iha: {...GROWS.iha, redundancy: [GROWS.iha.redundancy[1], GROWS.iha.redundancy[0]] as [number[], number[]]}};
    const g = gapClaim(synthetic(reverse), "redundancy");
    expect(g.growsWithMixing).toBe(false);
    expect(gapSentence(g)).toContain("the reverse of what mixing would suggest");
  });

  it("says the maps misplace attention when raw and effective alignment part", () => {
    const part = {...GROWS, iha: {...GROWS.iha, alignment: [[0.35, 0.36, 0.34], [0.6, 0.62, 0.61]] as [number[], number[]]}};
    const t = thesis(synthetic(part));
    expect(t.where.faithful).toBe(false);
    expect(t.sentence).not.toContain("still show where the model attends");
    expect(t.sentence).toContain("misplace where the model attends (IHA)");
  });

  it("drops the naive clause when the naive slice is no worse", () => {
    const t = thesis(synthetic({...GROWS, iha: {...GROWS.iha, naive: [0.34, 0.35, 0.33]}}));
    expect(t.sentence).not.toContain("naively");
  });

  it("states no overstated specialisation and no misreport when nothing separates the models", () => {
    const same: Spec = {redundancy: [flat(0.2), flat(0.2)], entropy: [flat(1.2), flat(1.2)], tvMedian: flat(0.1), keyEffect: [flat(0.5), flat(0.5)]};
    const t = thesis(synthetic({mha: same, talking_heads: same, iha: {...same, naive: flat(0.3)}}));
    expect(t.sentence).toBe("In this build, the per-head maps of the models that mix heads still show where the model attends, how specialised each head is and what each head writes: the measurements do not show the mixing misleading them.");
  });

  it("states its limits with the number of seeds", () => {
    expect(thesisLimits(synthetic(GROWS), "tiny")).toContain("3 seeds per architecture");
    const one = Object.fromEntries(ARCHS.map((a) => [a, {redundancy: [[GROWS[a].redundancy[0][0]], [GROWS[a].redundancy[1][0]]]}])) as Record<Arch, Spec>;
    expect(thesisLimits(synthetic(one), "tiny")).toContain("one seed per architecture");
    expect(gapSentence(gapClaim(synthetic(one), "redundancy"))).toContain("With one seed there is no spread");
  });
});

describe("what a head writes", () => {
  it("calls IHA's raw maps misreporting only when its faithfulness gap exceeds MHA's beyond the spread", () => {
    expect(writesSentence(writesClaim(synthetic(GROWS)))).toContain("misreport what each head writes");
    const ihaOnly = synthetic({...GROWS, iha: {...GROWS.iha, tvMedian: [0.05, 0.06, 0.05]}});
    expect(writesClaim(ihaOnly)!.misreported).toEqual(["talking_heads"]);
    expect(writesSentence(writesClaim(ihaOnly))).toContain("Talking Heads' is higher than MHA's (by more than the spread over seeds): there the per-head maps misreport what each head writes. IHA's is not.");
    const vanish = synthetic({...GROWS, talking_heads: {...GROWS.talking_heads, tvMedian: [0.05, 0.06, 0.05]}, iha: {...GROWS.iha, tvMedian: [0.05, 0.06, 0.05]}});
    expect(writesClaim(vanish)!.misreported).toEqual([]);
    expect(writesSentence(writesClaim(vanish))).toContain("no worse than MHA's");
  });

  it("says when the build did not measure it", () => {
    const none = synthetic({...GROWS, iha: {...GROWS.iha, tvMedian: undefined}});
    expect(writesClaim(none)).toBeNull();
    expect(writesSentence(null)).toContain("did not measure");
  });

  it("names where the effective map ranks the keys better, and where it does not", () => {
    expect(keyEffectSentence(keyEffectClaims(synthetic(GROWS), "head_output"))).toContain("better in Talking Heads and IHA (");
    const reverse = synthetic({...GROWS, iha: {...GROWS.iha, keyEffect: [GROWS.iha.keyEffect![1], GROWS.iha.keyEffect![0]]}});
    const s = keyEffectSentence(keyEffectClaims(reverse, "head_output"));
    expect(s).toContain("better in Talking Heads, worse in IHA");
  });
});

describe("the ablation section's title and conclusion", () => {
  const heads = [{head: "L0H0", alignment: 0.4, drop: 0.1}, {head: "L0H1", alignment: 0.6, drop: 0}];
  /** per architecture: one correlation per seed, the same heads in every seed */
  const by = (mha: number[], th: number[], iha: number[]) => ({
    mha: {r: mha, seeds: mha.map(() => heads)},
    talking_heads: {r: th, seeds: th.map(() => heads)},
    iha: {r: iha, seeds: iha.map(() => heads)}
  });

  it("names the models where alignment predicts the heads that matter in every seed", () => {
    const c = ablationClaim(by([0.866, 0.8, 0.9], [0.005, 0.1, -0.2], [0.842, 0.7, 0.95]));
    expect(c.title).toBe("the drawn maps point at the heads that matter in MHA and IHA, not in Talking Heads");
    expect(c.conclusion).toContain("MHA 0.855 (0.800 to 0.900 over 3 seeds)");
    expect(c.conclusion).toContain("in every seed");
  });

  it("says a model depends on the seed when its seeds' correlations straddle the threshold", () => {
    const c = ablationClaim(by([0.866, 0.8, 0.9], [0.005, 0.1, -0.2], [0.842, 0.2, 0.95]));
    expect(c.varies).toEqual(["iha"]);
    expect(c.title).toBe("the drawn maps point at the heads that matter in MHA, not in Talking Heads; in IHA it depends on the seed");
    expect(c.conclusion).toContain("In IHA it depends on the seed");
    const none = ablationClaim(by([0.1, 0.2, 0.3], [0.005, 0.1, -0.2], [0.842, 0.2, 0.95]));
    expect(none.title).toBe("whether the drawn maps point at the heads that matter depends on the seed in IHA");
    expect(none.conclusion).toContain("In MHA and Talking Heads they do not, in any seed.");
  });

  it("becomes 'heads that look idle but matter' only when no model's maps predict it in any seed", () => {
    expect(ablationClaim(by([0.1], [0.005], [-0.2])).title).toBe("heads that look idle but matter");
    expect(ablationClaim(by([0.9], [0.8], [0.7])).title).toBe("the heads that look aligned are the heads that matter");
    expect(ablationClaim(by([0.9], [0.8], [0.7])).conclusion).not.toContain("seeds");
  });

  it("calls no head idle-but-mattering when the low-aligned heads cost nothing in any seed", () => {
    const aligned = [{head: "L0H0", alignment: 0.9, drop: 0.2}, {head: "L0H1", alignment: 0.1, drop: 0.001}];
    const idle = [{head: "L0H0", alignment: 0.9, drop: 0.2}, {head: "L0H1", alignment: 0.1, drop: 0.05}];
    const one = {r: [0.1, 0.1], seeds: [aligned, aligned]};
    expect(ablationClaim({mha: one, talking_heads: one, iha: one}).title).toBe("the drawn maps do not point at the heads that matter");
    // one seed's low-aligned head costs F1: now it is a head that looks idle but matters
    const some = {r: [0.1, 0.1], seeds: [aligned, idle]};
    expect(ablationClaim({mha: one, talking_heads: one, iha: some}).title).toBe("heads that look idle but matter");
  });

  it("says nothing can be told when no head's removal costs a point of F1", () => {
    const none = {r: [NaN, NaN], seeds: [[{head: "L0H0", alignment: 0.4, drop: 0.004}], [{head: "L0H0", alignment: 0.4, drop: 0.002}]]};
    const c = ablationClaim({mha: none, talking_heads: none, iha: none});
    expect(c.title).toBe("no single head matters yet");
    expect(c.conclusion).toContain("MHA undefined");
  });

  it("reads each seed's heads and correlation from metrics.json", () => {
    const run = (seed: number, r: number | null) => ({seed, test_f1: 1, maps: {raw: {alignment: 0, redundancy: 0, entropy: 0, best_head_alignment: 0, per_head: {alignment: [0.5, 0.1]}}}, ablation: {f1_lost: [0.2, seed / 10], alignment_r: r}});
    const arch = (r: (number | null)[]) => ({...run(0, r[0]), per_seed: r.map((v, seed) => run(seed, v))});
    const m = {head_labels: ["L0H0", "L0H1"], architectures: {mha: arch([1, 0.9]), talking_heads: arch([null, 0.2]), iha: arch([0.7, 0.6])}} as unknown as MetricsLike;
    const by = ablationBySeed(m)!;
    expect(by.talking_heads.r).toEqual([NaN, 0.2]);
    expect(by.mha.seeds[1]).toEqual([{head: "L0H0", alignment: 0.5, drop: 0.2}, {head: "L0H1", alignment: 0.1, drop: 0.1}]);
    expect(ablationClaim(by).fails).toEqual(["talking_heads"]);
    expect(ablationRows(by, [4, 7]).filter((r) => r.arch === "iha" && r.seed === 7)).toEqual([
      {arch: "iha", seed: 7, head: "L0H0", alignment: 0.5, drop: 0.2},
      {arch: "iha", seed: 7, head: "L0H1", alignment: 0.1, drop: 0.1}
    ]);
    const old = {architectures: {mha: {...arch([1]), ablation: undefined, per_seed: []}, talking_heads: arch([1]), iha: arch([1])}} as unknown as MetricsLike;
    expect(ablationBySeed(old)).toBeNull();
  });
});

describe("the exercises that depend on the run", () => {
  const f1 = (v: number) => v.toFixed(4);
  const heads = [
    {head: "L0H0", alignment: 0.6, drop: 0.3},
    {head: "L0H1", alignment: 0.05, drop: 0.25},
    {head: "L0H2", alignment: 0.5, drop: 0.01},
    {head: "L0H3", alignment: 0.3, drop: 0.0}
  ];

  it("exercise 6: a low-aligned head near chance that costs F1 looks idle but matters", () => {
    const s = idleHeadAnswer(heads, 0.07, 0.3, f1);
    expect(s).toContain("L0H1");
    expect(s).toContain("A head that looks idle but matters.");
  });

  it("exercise 6: a head at 4× chance is not called idle", () => {
    const s = idleHeadAnswer(heads.map((h) => (h.head === "L0H1" ? {...h, alignment: 0.28} : h)), 0.07, 0.3, f1);
    expect(s).toContain("does not look idle");
    expect(s).not.toContain("A head that looks idle but matters.");
  });

  it("exercise 6: nothing stands out when no low-aligned head costs F1", () => {
    const s = idleHeadAnswer(heads.map((h) => (h.alignment < 0.4 ? {...h, drop: 0} : h)), 0.07, 0.3, f1);
    expect(s).toMatch(/^Nothing stands out/);
  });

  it("exercise 4: the words agree with the printed shares", () => {
    // 0.597 vs 0.602: the misleading head's value share is smaller, its collapse share larger
    const s = shareContrast({q: 0.5, k: 0.5, v: 0.597, r: 0.7}, {q: 0.5, k: 0.5, v: 0.602, r: 0.6});
    expect(s).toContain("Its value share is smaller and its collapse share larger");
    expect(shareContrast({q: 0.1, k: 0.1, v: 0.1, r: 0.1}, {q: 0.5, k: 0.5, v: 0.5, r: 0.5})).toBe("All four of its shares are smaller than the faithful head's, as that predicts.");
    expect(shareContrast({q: 0.5, k: 0.5, v: 0.5, r: 0.5}, {q: 0.5, k: 0.5, v: 0.5, r: 0.5})).toMatch(/^Nothing in its shares stands out/);
    // equal as printed: not called smaller
    expect(shareContrast({q: 0.5, k: 0.5, v: 0.6001, r: 0.5}, {q: 0.5, k: 0.5, v: 0.6004, r: 0.5})).toMatch(/^Nothing in its shares stands out/);
  });
});

describe("the naive reading and IHA's head identity", () => {
  const withNaive = (entropy: number, renorm: number, mass: number): MetricsLike => {
    const m = synthetic(GROWS);
    for (const r of m.architectures.iha.per_seed) {
      r.maps.naive.entropy = entropy;
      r.maps.naive_renormalised = {alignment: 0.07, redundancy: 0.1, entropy: renorm, best_head_alignment: 0.1};
      r.naive_rows = {mass: {mean: mass, median: mass, q1: 0, q3: 1, n: 10, min: 1e-8}, share_below: 0.2, threshold: 0.01, renormalised_entropy_mass_weighted: renorm - 0.1, renormalised_entropy_above_threshold: renorm + 0.1};
    }
    return m;
  };

  it("says the naive entropy is not a distribution's, with the row mass and the renormalised value", () => {
    const s = naiveEntropySentence(naiveClaim(withNaive(0.5, 2.4, 0.31))!, {iha: 0.503, mha: 1.604});
    expect(s).toContain("is not the entropy of a distribution: its rows keep on average 0.310 ± 0.000 of a row's weight");
    expect(s).toContain("Renormalised (each row divided by its own sum, so that it sums to 1) it is 2.40 ± 0.00");
    expect(s).toContain("Leaving out the rows below 0.010 gives 2.50");
    expect(s).toContain("is nearest to the naive reading as sliced here (0.500)");
    // when the renormalised reading is the nearer one, the sentence says so
    expect(naiveEntropySentence(naiveClaim(withNaive(0.1, 0.6, 0.31))!, {iha: 0.503, mha: 1.604})).toContain("is nearest to the renormalised one here (0.600)");
  });

  it("counts the IHA heads whose nearest raw map is their own", () => {
    expect(ihaHeadIdentity([0, 1, 2, 3], 4)).toContain("For every one of the 4 IHA heads");
    expect(ihaHeadIdentity([0, 2, 1, 3], 4)).toContain("For 2 of the 4 IHA heads, the raw map nearest its effective map (least total variation over the test set) is its own; for the other 2 it is another head's");
    expect(ihaHeadIdentity(undefined, 4)).toBe("");
  });
});
