// The essay's claims, computed from metrics.json: every comparison word ("higher", "about the same"),
// every "real" difference, the thesis sentence, the ablation section's title and conclusion and the answers
// of the exercises that depend on the run. A rebuild with other numbers rewrites these sentences; a claim
// the numbers do not support is not made.
import {direction, fmt, relation} from "./prose.js";
import {ARCH_NAMES, ARCHS, type Arch} from "../model/vocabulary.js";

/** Mean, sample standard deviation (null with one seed), min and max of one number over seeds. */
export interface Spread {
  mean: number;
  std: number | null;
  min: number;
  max: number;
}

/** The scalars of one map reading of one run. */
export interface MapScalars {
  alignment: number;
  redundancy: number;
  entropy: number;
  best_head_alignment: number;
}

/** The per-head faithfulness of one run: total variation between a head's raw and effective rows. */
export interface Faithfulness {
  tv: {mean: number; median: number; q1: number; q3: number; n: number};
  per_head_median?: number[];
  /** per head: the raw head whose map is nearest this head's effective map */
  nearest_raw_head?: number[];
}

/** IHA's naive slice: the mass its rows keep, and the renormalised entropy with near-empty rows treated two ways. */
export interface NaiveRows {
  mass: {mean: number; median: number; q1: number; q3: number; n: number; min: number};
  share_below: number;
  threshold: number;
  renormalised_entropy_mass_weighted: number;
  renormalised_entropy_above_threshold: number;
}

/** Rank correlation of the raw and the effective row with the effect of removing each key. */
export interface KeyEffect {
  head_output: {raw: number; effective: number};
  logit: {raw: number; effective: number};
  n: number;
}

/** Zero-ablation of every head of one run (layer-major); alignment_r is null in JSON when undefined. */
export interface AblationScalars {
  f1_lost: number[];
  alignment_r: number | null;
}

export interface RunScalars {
  seed?: number;
  test_f1: number;
  maps: Record<string, MapScalars & {per_head?: {alignment: number[]}}>;
  faithfulness?: Faithfulness;
  key_effect?: KeyEffect;
  ablation?: AblationScalars;
  naive_rows?: NaiveRows;
}

export interface ArchMetrics extends RunScalars {
  per_seed: RunScalars[];
}

export interface MetricsLike {
  head_labels?: string[];
  architectures: Record<Arch, ArchMetrics>;
}

/** A comparison word. */
export type Word = "higher" | "lower" | "about the same";

/**
 * Whether a difference exceeds the spread over seeds:
 * - "real": two architectures (independent runs) differ when |Δ mean| is larger than the sum of their two
 *   standard deviations over seeds; a change within one architecture (paired by seed, e.g. raw → effective)
 *   is real when |mean change| is larger than the standard deviation of that change and every seed's change
 *   has the same sign. Either way the difference must also exceed SAME_WITHIN of the larger value: a
 *   consistent but negligible difference is "about the same";
 * - "negligible": it exceeds the spread but not SAME_WITHIN of the larger value;
 * - "within spread": it does not exceed the spread;
 * - "one seed": a single seed has no spread to judge by.
 */
export type Verdict = "real" | "negligible" | "within spread" | "one seed";

/** Values closer than this (relative to the larger) are about the same, whatever the seeds say. */
export const SAME_WITHIN = 0.1;

const negligible = (delta: number, a: number, b: number) => Math.abs(delta) <= SAME_WITHIN * Math.max(Math.abs(a), Math.abs(b));

export interface Comparison {
  a: Spread;
  b: Spread;
  /** a.mean − b.mean */
  delta: number;
  verdict: Verdict;
  /** how a compares with b: "about the same" whenever the difference is not real */
  word: Word;
}

/** Mean, sample std (null for one value), min and max. */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return {mean: NaN, std: null, min: NaN, max: NaN};
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return {mean, std, min: Math.min(...values), max: Math.max(...values)};
}

function oneSeedWord(a: number, b: number): Word {
  if (negligible(a - b, a, b)) return "about the same";
  return a > b ? "higher" : "lower";
}

/** How spread `a` compares with spread `b` (two independent sets of runs). */
export function compare(a: Spread, b: Spread): Comparison {
  const delta = a.mean - b.mean;
  if (a.std === null || b.std === null) return {a, b, delta, verdict: "one seed", word: oneSeedWord(a.mean, b.mean)};
  const beyond = Math.abs(delta) > a.std + b.std;
  const verdict: Verdict = !beyond ? "within spread" : negligible(delta, a.mean, b.mean) ? "negligible" : "real";
  return {a, b, delta, verdict, word: verdict === "real" ? (delta > 0 ? "higher" : "lower") : "about the same"};
}

/** A paired change over seeds (after − before per seed). */
export interface Change {
  before: Spread;
  after: Spread;
  change: Spread;
  verdict: Verdict;
  word: Word;
}

/** How a value changes from `before[i]` to `after[i]` over the same seeds. */
export function change(before: readonly number[], after: readonly number[]): Change {
  const diffs = after.map((v, i) => v - before[i]);
  const c = spreadOf(diffs);
  const base = {before: spreadOf(before), after: spreadOf(after), change: c};
  if (c.std === null) return {...base, verdict: "one seed", word: oneSeedWord(after[0], before[0])};
  const sameSign = diffs.every((d) => d > 0) || diffs.every((d) => d < 0);
  const beyond = sameSign && Math.abs(c.mean) > c.std;
  const verdict: Verdict = !beyond ? "within spread" : negligible(c.mean, base.before.mean, base.after.mean) ? "negligible" : "real";
  return {...base, verdict, word: verdict === "real" ? (c.mean > 0 ? "higher" : "lower") : "about the same"};
}

/** A value with as many decimals as `fmt` gives `ref` (so that a spread reads with its mean's digits). */
function fmtLike(value: number, ref: number): string {
  const decimals = fmt(ref).split(".")[1]?.length ?? 0;
  return Number.isFinite(value) ? value.toFixed(decimals) : "—";
}

/** A spread's standard deviation with its mean's digits ("" with one seed). */
export function pmStd(s: Spread): string {
  return s.std === null ? "" : fmtLike(s.std, s.mean);
}

/** "0.532 ± 0.021" (mean ± standard deviation over seeds, with the mean's digits), or "0.532" with one seed. */
export function pm(s: Spread): string {
  return s.std === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmtLike(s.std, s.mean)}`;
}

/** "+0.333 ± 0.020": a signed change. */
export function signedPm(s: Spread): string {
  const sign = s.mean > 0 ? "+" : s.mean < 0 ? "−" : "";
  const mean = `${sign}${fmt(Math.abs(s.mean))}`;
  return s.std === null ? mean : `${mean} ± ${fmtLike(s.std, s.mean)}`;
}

/** What a verdict means for the reader, in a parenthesis-sized phrase. */
export function verdictPhrase(v: Verdict): string {
  if (v === "real") return "larger than the spread over seeds";
  if (v === "negligible") return `beyond the spread over seeds but under ${Math.round(SAME_WITHIN * 100)}% of the value`;
  return v === "within spread" ? "within the spread over seeds" : "one seed, so no spread to judge by";
}

/** "about the same as the raw maps' (change +0.012 ± 0.020, within the spread over seeds)". */
export function changeText(c: Change, of: string): string {
  const word = c.word === "about the same" ? "about the same as" : `${c.word} than`;
  return `${word} ${of} (change ${signedPm(c.change)}, ${verdictPhrase(c.verdict)})`;
}

/** "higher than MHA's (0.45 ± 0.01 against 0.05 ± 0.01, larger than the spread over seeds)". */
export function compareText(c: Comparison, of: string): string {
  const word = c.word === "about the same" ? "about the same as" : `${c.word} than`;
  return `${word} ${of} (${pm(c.a)} against ${pm(c.b)}, ${verdictPhrase(c.verdict)})`;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the metrics

const runsOf = (m: MetricsLike, arch: Arch): RunScalars[] => (m.architectures[arch].per_seed.length ? m.architectures[arch].per_seed : [m.architectures[arch]]);

/** One map scalar over seeds. */
export function mapValues(m: MetricsLike, arch: Arch, kind: string, key: keyof MapScalars): number[] {
  return runsOf(m, arch).map((r) => r.maps[kind]?.[key] ?? NaN);
}

/** The raw → effective change of one scalar, per architecture, paired by seed. */
export function readingChange(m: MetricsLike, arch: Arch, key: keyof MapScalars): Change {
  return change(mapValues(m, arch, "raw", key), mapValues(m, arch, "effective", key));
}

/** Faithfulness (median TV between raw and effective rows) over seeds; null when the build did not measure it. */
export function faithfulnessValues(m: MetricsLike, arch: Arch): number[] | null {
  const runs = runsOf(m, arch);
  return runs.every((r) => r.faithfulness) ? runs.map((r) => r.faithfulness!.tv.median) : null;
}

/** Key-effect rank correlations over seeds (raw and effective), or null. */
export function keyEffectValues(m: MetricsLike, arch: Arch, target: "head_output" | "logit"): {raw: number[]; effective: number[]} | null {
  const runs = runsOf(m, arch);
  if (!runs.every((r) => r.key_effect)) return null;
  return {raw: runs.map((r) => r.key_effect![target].raw), effective: runs.map((r) => r.key_effect![target].effective)};
}

export function seedCount(m: MetricsLike): number {
  return runsOf(m, "mha").length;
}

// ---------------------------------------------------------------------------------------------------------
// Specialisation: does the raw map overstate it, and does that grow with mixing?

export interface GapClaim {
  key: "redundancy" | "entropy";
  changes: Record<Arch, Change>;
  /** each mixing architecture's change against MHA's (independent runs) */
  vsMha: Record<"talking_heads" | "iha", Comparison>;
  /** mixing architectures whose raw maps look more specialised than their effective ones, beyond MHA's gap */
  overstated: Arch[];
  /** the gap rises from MHA through Talking Heads to IHA, each step beyond the spread */
  growsWithMixing: boolean;
}

export function gapClaim(m: MetricsLike, key: "redundancy" | "entropy"): GapClaim {
  const changes = Object.fromEntries(ARCHS.map((a) => [a, readingChange(m, a, key)])) as Record<Arch, Change>;
  const vsMha = {talking_heads: compare(changes.talking_heads.change, changes.mha.change), iha: compare(changes.iha.change, changes.mha.change)};
  const overstated = (["talking_heads", "iha"] as const).filter((a) => changes[a].word === "higher" && vsMha[a].word === "higher");
  const growsWithMixing = overstated.length === 2 && compare(changes.iha.change, changes.talking_heads.change).word === "higher";
  return {key, changes, vsMha, overstated, growsWithMixing};
}

/** One sentence on the raw → effective gap of redundancy or entropy across the three architectures. */
export function gapSentence(g: GapClaim): string {
  const what = g.key === "redundancy" ? "Redundancy (how alike the heads' rows are)" : "Entropy (how spread a row is)";
  const parts = ARCHS.map((a) => `${ARCH_NAMES[a]} ${fmt(g.changes[a].before.mean)} → ${fmt(g.changes[a].after.mean)} (${signedPm(g.changes[a].change)}, ${g.changes[a].word === "about the same" ? "no real change" : g.changes[a].word})`);
  const head = `${what} from raw to effective maps: ${parts.join("; ")}.`;
  const seeds = g.changes.mha.verdict === "one seed" ? " With one seed there is no spread to judge these differences by." : "";
  const more = g.key === "redundancy" ? "more alike" : "more spread";
  if (g.growsWithMixing) return `${head} The gap grows with how much the heads mix: Talking Heads' rise exceeds MHA's change and IHA's exceeds Talking Heads', each by more than the spread over seeds. Read raw, the heads of the mixing models look more specialised than they are.${seeds}`;
  const reverse = g.changes.iha.word === "lower" ? ` In IHA the effective maps are less ${g.key === "redundancy" ? "alike" : "spread"} than the raw ones, the reverse of what mixing would suggest.` : "";
  if (g.overstated.length) {
    const names = listWords(g.overstated.map((a) => ARCH_NAMES[a]));
    const others = ARCHS.filter((a) => !g.overstated.includes(a)).map((a) => ARCH_NAMES[a]);
    return `${head} Only in ${names} are the effective maps ${more} than the raw ones by more than MHA's change and the spread over seeds: read raw, ${g.overstated.length > 1 ? "their" : "its"} heads look more specialised than they are; not so in ${listWords(others)}.${reverse}${seeds}`;
  }
  if (ARCHS.every((a) => g.changes[a].word === "about the same")) return `${head} In no architecture does the gap exceed the spread over seeds: on this measure the raw maps do not overstate how specialised the heads are.${seeds}`;
  if (reverse) return `${head}${reverse}${seeds}`;
  return `${head} The gap does not grow with mixing in this build: no mixing model's change exceeds MHA's by more than the spread over seeds.${seeds}`;
}

// ---------------------------------------------------------------------------------------------------------
// Where attention goes: raw and effective alignment

export interface WhereClaim {
  changes: Record<Arch, Change>;
  /** raw and effective alignment agree (no real change) for both mixing architectures */
  faithful: boolean;
}

export function whereClaim(m: MetricsLike): WhereClaim {
  const changes = Object.fromEntries(ARCHS.map((a) => [a, readingChange(m, a, "alignment")])) as Record<Arch, Change>;
  return {changes, faithful: changes.talking_heads.word === "about the same" && changes.iha.word === "about the same"};
}

// ---------------------------------------------------------------------------------------------------------
// What a head writes: the faithfulness distribution and the key-level causal check

export interface WritesClaim {
  medians: Record<Arch, Spread>;
  vsMha: Record<"talking_heads" | "iha", Comparison>;
  /** mixing architectures whose raw rows are further from what the head writes than MHA's, beyond the spread */
  misreported: Arch[];
}

export function writesClaim(m: MetricsLike): WritesClaim | null {
  const values = ARCHS.map((a) => faithfulnessValues(m, a));
  if (values.some((v) => v === null)) return null;
  const medians = Object.fromEntries(ARCHS.map((a, i) => [a, spreadOf(values[i]!)])) as Record<Arch, Spread>;
  const vsMha = {talking_heads: compare(medians.talking_heads, medians.mha), iha: compare(medians.iha, medians.mha)};
  return {medians, vsMha, misreported: (["talking_heads", "iha"] as const).filter((a) => vsMha[a].word === "higher")};
}

export function writesSentence(w: WritesClaim | null): string {
  if (!w) return "This build did not measure how far each head's raw row is from its effective row.";
  const list = ARCHS.map((a) => `${ARCH_NAMES[a]} ${pm(w.medians[a])}`).join(", ");
  const head = `Over every head and every scored query, the median total variation between a head's raw and effective rows is ${list}.`;
  const seeds = w.vsMha.iha.verdict === "one seed" ? " (one seed: no spread to judge by)" : " (by more than the spread over seeds)";
  if (w.misreported.length) {
    const names = listWords(w.misreported.map((a) => ARCH_NAMES[a]));
    const rest = (["talking_heads", "iha"] as const).filter((a) => !w.misreported.includes(a));
    const tail = rest.length ? ` ${possessive(listWords(rest.map((a) => ARCH_NAMES[a])))} is not.` : "";
    return `${head} ${possessive(names)} ${w.misreported.length > 1 ? "are" : "is"} higher than MHA's${seeds}: there the per-head maps misreport what each head writes.${tail}`;
  }
  return `${head} Neither mixing model's is higher than MHA's${seeds.replace("by more than", "beyond")}: by this measure their raw maps describe what each head writes no worse than MHA's.`;
}

export interface KeyEffectClaim {
  arch: Arch;
  target: "head_output" | "logit";
  raw: Spread;
  effective: Spread;
  /** effective − raw, paired by seed */
  change: Change;
}

export function keyEffectClaims(m: MetricsLike, target: "head_output" | "logit"): KeyEffectClaim[] | null {
  const out: KeyEffectClaim[] = [];
  for (const arch of ARCHS) {
    const v = keyEffectValues(m, arch, target);
    if (!v) return null;
    const c = change(v.raw, v.effective);
    out.push({arch, target, raw: c.before, effective: c.after, change: c});
  }
  return out;
}

export function keyEffectSentence(claims: KeyEffectClaim[] | null): string {
  if (!claims) return "This build did not run the key-level check.";
  const parts = claims.map((c) => `${ARCH_NAMES[c.arch]}: raw ${pm(c.raw)}, effective ${pm(c.effective)}`);
  const wins = claims.filter((c) => c.change.word === "higher").map((c) => ARCH_NAMES[c.arch]);
  const loses = claims.filter((c) => c.change.word === "lower").map((c) => ARCH_NAMES[c.arch]);
  const head = `Rank correlation with the effect of removing each key from the head's ${claims[0].target === "logit" ? "contribution to the model's logit" : "output"}: ${parts.join("; ")}.`;
  const win = wins.length ? ` The effective map ranks the keys better in ${listWords(wins)}` : " The effective map ranks the keys better than the raw map in no architecture";
  const lose = loses.length ? `, worse in ${listWords(loses)}` : "";
  return `${head}${win}${lose}${claims[0].change.verdict === "one seed" ? " (one seed: no spread to judge by)" : " (by more than the spread over seeds)"}.`;
}

// ---------------------------------------------------------------------------------------------------------
// The naive reading of IHA

export interface NaiveClaim {
  raw: Spread;
  naive: Spread;
  renormalised: Spread | null;
  /** raw ÷ naive alignment (how many times lower the naive slice makes IHA look) */
  factor: number;
  /** entropy of the naive rows as sliced (not a distribution's entropy) and renormalised */
  entropy: {naive: Spread; renormalised: Spread | null; aboveThreshold: Spread | null; massWeighted: Spread | null};
  /** the mean mass a naive row keeps, over seeds */
  rowSum: Spread | null;
  /** share of naive rows below the near-empty threshold, and the threshold */
  nearEmpty: {share: Spread; threshold: number} | null;
}

export function naiveClaim(m: MetricsLike): NaiveClaim | null {
  if (!m.architectures.iha.maps.naive) return null;
  const raw = spreadOf(mapValues(m, "iha", "raw", "alignment"));
  const naive = spreadOf(mapValues(m, "iha", "naive", "alignment"));
  const hasRenorm = Boolean(m.architectures.iha.maps.naive_renormalised);
  const runs = runsOf(m, "iha");
  const rows = runs.every((r) => r.naive_rows) ? runs.map((r) => r.naive_rows!) : null;
  return {
    raw,
    naive,
    renormalised: hasRenorm ? spreadOf(mapValues(m, "iha", "naive_renormalised", "alignment")) : null,
    factor: raw.mean / naive.mean,
    entropy: {
      naive: spreadOf(mapValues(m, "iha", "naive", "entropy")),
      renormalised: hasRenorm ? spreadOf(mapValues(m, "iha", "naive_renormalised", "entropy")) : null,
      aboveThreshold: rows ? spreadOf(rows.map((r) => r.renormalised_entropy_above_threshold)) : null,
      massWeighted: rows ? spreadOf(rows.map((r) => r.renormalised_entropy_mass_weighted)) : null
    },
    rowSum: rows ? spreadOf(rows.map((r) => r.mass.mean)) : null,
    nearEmpty: rows ? {share: spreadOf(rows.map((r) => r.share_below)), threshold: rows[0].threshold} : null
  };
}

/** A naive slice that makes IHA look at least this many times worse is called a big drop. */
export const BIG_DROP = 2;

// ---------------------------------------------------------------------------------------------------------
// The thesis

export interface Thesis {
  where: WhereClaim;
  redundancy: GapClaim;
  entropy: GapClaim;
  writes: WritesClaim | null;
  naive: NaiveClaim | null;
  sentence: string;
}

const archNames = (as: readonly Arch[]) => listWords(as.map((a) => ARCH_NAMES[a]));

/** The essay's thesis, one sentence assembled from the claims the numbers support. */
export function thesis(m: MetricsLike): Thesis {
  const where = whereClaim(m);
  const redundancy = gapClaim(m, "redundancy");
  const entropy = gapClaim(m, "entropy");
  const writes = writesClaim(m);
  const naive = naiveClaim(m);
  const overstated = ARCHS.filter((a) => redundancy.overstated.includes(a) || entropy.overstated.includes(a));
  const keeps: string[] = [];
  const breaks: string[] = [];
  if (where.faithful) keeps.push("where the model attends");
  else breaks.push(`misplace where the model attends (${archNames(ARCHS.filter((a) => a !== "mha" && where.changes[a].word !== "about the same"))})`);
  if (overstated.length) breaks.push(`overstate how specialised each head is (${archNames(overstated)})`);
  else keeps.push("how specialised each head is");
  if (writes?.misreported.length) breaks.push(`misreport what each head writes (${archNames(writes.misreported)})`);
  else if (writes) keeps.push("what each head writes");
  let sentence: string;
  if (breaks.length === 0) sentence = `In this build, the per-head maps of the models that mix heads still show ${listWords(keeps)}: the measurements do not show the mixing misleading them.`;
  else if (keeps.length === 0) sentence = `In this build, the per-head maps of the models that mix heads ${listWords(breaks)}.`;
  else sentence = `Per-head maps of the models that mix heads still show ${listWords(keeps)}, but ${listWords(breaks)}.`;
  if (naive && naive.factor >= BIG_DROP) sentence += ` Reading IHA's interleaved map naively, as a per-head tool would, makes its alignment look ${timesText(naive.factor)} lower than it is.`;
  return {where, redundancy, entropy, writes, naive, sentence};
}

/** "2.4 times", "12 times". */
export function timesText(factor: number): string {
  return `${factor >= 10 ? factor.toFixed(0) : factor.toFixed(1)} times`;
}

/** The limits the thesis is stated with. */
export function thesisLimits(m: MetricsLike, preset: string): string {
  const n = seedCount(m);
  const seeds = n > 1 ? `${n} seeds per architecture; a difference is called real only when it exceeds the spread over them (the rule is given with the evidence below)` : "one seed per architecture, so no difference can be told from seed-to-seed variation";
  return `Measured on one-layer models of the ${preset} preset trained on a toy task, ${seeds}.`;
}

// ---------------------------------------------------------------------------------------------------------
// Ablation: do the drawn maps point at the heads that matter?

/** One head's ablation result. */
export interface AblationHead {
  head: string;
  alignment: number;
  /** test F1 lost when the head's output is zeroed */
  drop: number;
}

/** Correlation at or above which alignment is said to predict the heads that matter. */
export const PREDICTS_AT = 0.5;

/** A head "matters" when removing it costs at least this much test F1 (one point). */
export const MATTERS_AT = 0.01;

export interface AblationClaim {
  /** per architecture: the correlation across heads of each seed (NaN where alignment or F1 lost is constant) */
  r: Record<Arch, number[]>;
  /** every seed's correlation is at least PREDICTS_AT */
  predicts: Arch[];
  /** every seed's correlation is below PREDICTS_AT (or undefined) */
  fails: Arch[];
  /** some seeds above, some below */
  varies: Arch[];
  /** no head's removal costs MATTERS_AT of F1 in any architecture and seed */
  nothingToRemove: boolean;
  /** the section title after "Ablation: " */
  title: string;
  conclusion: string;
}

/** One architecture's ablation over seeds: per seed, the correlation across heads and the heads. */
export interface AblationBySeed {
  r: number[];
  seeds: AblationHead[][];
}

/** Each seed's heads (alignment of the raw map, F1 lost when ablated) and correlation, per architecture; null when not measured. */
export function ablationBySeed(m: MetricsLike): Record<Arch, AblationBySeed> | null {
  if (!ARCHS.every((a) => runsOf(m, a).every((r) => r.ablation))) return null;
  return Object.fromEntries(
    ARCHS.map((arch) => {
      const runs = runsOf(m, arch);
      return [arch, {
        r: runs.map((run) => run.ablation!.alignment_r ?? NaN),
        seeds: runs.map((run) => run.ablation!.f1_lost.map((drop, i) => ({head: m.head_labels?.[i] ?? `head ${i}`, alignment: run.maps.raw.per_head?.alignment[i] ?? NaN, drop})))
      }];
    })
  ) as Record<Arch, AblationBySeed>;
}

/** "0.87 (0.81 to 0.92 over 3 seeds)", or the single value. */
function rangeText(rs: readonly number[]): string {
  const finite = rs.filter(Number.isFinite);
  if (finite.length === 0) return "undefined";
  const s = spreadOf(finite);
  const undefinedSeeds = rs.length - finite.length;
  const range = finite.length > 1 ? ` (${fmt(s.min)} to ${fmt(s.max)} over ${finite.length} seeds)` : "";
  return `${fmt(s.mean)}${range}${undefinedSeeds ? `, undefined in ${undefinedSeeds} seed${undefinedSeeds > 1 ? "s" : ""}` : ""}`;
}

export function ablationClaim(byArch: Record<Arch, AblationBySeed>): AblationClaim {
  const r = Object.fromEntries(ARCHS.map((a) => [a, byArch[a].r])) as Record<Arch, number[]>;
  const nothingToRemove = ARCHS.every((a) => byArch[a].seeds.every((heads) => heads.every((h) => !(h.drop >= MATTERS_AT))));
  // a head in the lower half of its seed by alignment whose removal costs MATTERS_AT or more: it looks idle but matters
  const idleButMatters = ARCHS.some((a) => byArch[a].seeds.some((heads) => lowerHalf(heads).some((h) => h.drop >= MATTERS_AT)));
  const predicts = ARCHS.filter((a) => r[a].every((v) => v >= PREDICTS_AT));
  const fails = ARCHS.filter((a) => r[a].every((v) => !(v >= PREDICTS_AT)));
  const varies = ARCHS.filter((a) => !predicts.includes(a) && !fails.includes(a));
  const names = (as: Arch[]) => listWords(as.map((a) => ARCH_NAMES[a]));
  const rs = ARCHS.map((a) => `${ARCH_NAMES[a]} ${rangeText(r[a])}`).join(", ");
  const seeds = Math.max(...ARCHS.map((a) => r[a].length));
  const over = seeds > 1 ? "in every seed" : "";
  const across = `Across heads, alignment and F1 lost correlate at ${rs}`;
  const variesText = varies.length ? ` In ${names(varies)} it depends on the seed: some seeds' correlations reach ${fmt(PREDICTS_AT)}, others do not.` : "";
  let title: string;
  let conclusion: string;
  if (nothingToRemove) {
    title = "no single head matters yet";
    conclusion = `No head's removal costs ${fmt(MATTERS_AT)} of test F1 in any of the three models${seeds > 1 ? " and seeds" : ""}, so ablation cannot tell here whether the maps point at the heads that matter (the correlations, ${rs}, are of differences too small to read).`;
  } else if (predicts.length === ARCHS.length) {
    title = "the heads that look aligned are the heads that matter";
    conclusion = `${across}: in all three models${over ? ` and ${over}` : ""} the drawn maps point at the heads the model cannot lose.`;
  } else if (predicts.length === 0 && varies.length === 0) {
    title = idleButMatters ? "heads that look idle but matter" : "the drawn maps do not point at the heads that matter";
    conclusion = `${across}: in none of the models do the drawn maps point at the heads the model cannot lose.`;
  } else if (predicts.length === 0) {
    title = `whether the drawn maps point at the heads that matter depends on the seed in ${names(varies)}`;
    conclusion = `${across}.${variesText}${fails.length ? ` In ${names(fails)} they do not${seeds > 1 ? ", in any seed" : ""}.` : ""}`;
  } else {
    title = `the drawn maps point at the heads that matter in ${names(predicts)}${fails.length ? `, not in ${names(fails)}` : ""}${varies.length ? `; in ${names(varies)} it depends on the seed` : ""}`;
    conclusion = `${across}. In ${names(predicts)} the heads that follow the path are the ones the model cannot lose${over ? `, ${over}` : ""}${fails.length ? `; in ${names(fails)} they are not, so there a head's map says little about whether the model needs it` : ""}.${variesText}`;
  }
  return {r, predicts, fails, varies, nothingToRemove, title, conclusion: conclusion.replace(/ \./g, ".")};
}

/** The lower half of heads by alignment (the larger half when the count is odd). */
function lowerHalf(heads: readonly AblationHead[]): AblationHead[] {
  return [...heads].sort((a, b) => a.alignment - b.alignment).slice(0, Math.ceil(heads.length / 2));
}

/** Exercise 6: among the lower half of heads by alignment, the one whose removal costs most; does it look idle? */
export function idleHeadAnswer(heads: readonly AblationHead[], chance: number, worstDrop: number, f1Text: (v: number) => string): string {
  if (heads.length === 0) return "There are no heads to compare.";
  const best = lowerHalf(heads).reduce((a, b) => (b.drop > a.drop ? b : a));
  if (!(best.drop >= MATTERS_AT)) {
    const effect = best.drop > 0 ? `lowers it by ${f1Text(best.drop)}` : best.drop < 0 ? `raises it by ${f1Text(-best.drop)}` : "leaves it unchanged";
    return `Nothing stands out: no head in the lower half by alignment costs ${fmt(MATTERS_AT)} of test F1 or more when removed (removing the costliest of them, ${best.head}, ${effect}).`;
  }
  const times = best.alignment / chance;
  const looksIdle = times < BIG_DROP;
  const look = looksIdle
    ? `its map puts ${fmt(best.alignment)} on the path, ${relation(best.alignment, chance)} chance (${fmt(chance)}): it looks idle`
    : `its map puts ${fmt(best.alignment)} on the path, ${relation(best.alignment, chance)} chance (${fmt(chance)}), so it does not look idle: it is only less aligned than the other heads`;
  const share = worstDrop > 0 ? best.drop / worstDrop : 0;
  const matters = share >= 0.5
    ? `and removing it costs ${f1Text(best.drop)} of test F1, ${share >= 0.999 ? "the most of any head" : `${fmt(share)} of what the most needed head costs`}`
    : `and removing it costs ${f1Text(best.drop)} of test F1, a small share (${fmt(share)}) of what the most needed head costs`;
  const verdict = looksIdle && share >= 0.5 ? "A head that looks idle but matters." : looksIdle ? "It looks idle and matters little: the map does not mislead here." : "Nothing here is a head that looks idle but matters.";
  return `${best.head}: ${look}, ${matters}. ${verdict}`;
}

// ---------------------------------------------------------------------------------------------------------
// Exercise 4: which of the mixing shares separate the most misleading IHA head from the most faithful one?

export interface Shares {
  q: number;
  k: number;
  v: number;
  r: number;
}

const SHARE_NAMES: Readonly<Record<keyof Shares, string>> = {q: "query", k: "key", v: "value", r: "collapse"};

/** Compares two heads' self-shares as printed (3 decimals): which are smaller, larger, equal. */
export function shareContrast(misleading: Shares, faithful: Shares): string {
  const keys = Object.keys(SHARE_NAMES) as (keyof Shares)[];
  const printed = (v: number) => Number(fmt(v));
  const smaller = keys.filter((k) => printed(misleading[k]) < printed(faithful[k])).map((k) => SHARE_NAMES[k]);
  const larger = keys.filter((k) => printed(misleading[k]) > printed(faithful[k])).map((k) => SHARE_NAMES[k]);
  if (smaller.length === keys.length) return "All four of its shares are smaller than the faithful head's, as that predicts.";
  if (smaller.length === 0) return "Nothing in its shares stands out: none is smaller than the faithful head's, so the mixing weights alone do not explain the gap; what differs is how the other heads' pseudo-heads attend, which is why reading the mixing needs the maps of all heads beside it.";
  return `Its ${listWords(smaller)} ${smaller.length > 1 ? "shares are" : "share is"} smaller${larger.length ? ` and its ${listWords(larger)} ${larger.length > 1 ? "shares" : "share"} larger` : ""}: the shares alone separate the two heads only partly, so what differs is also how the other heads' pseudo-heads attend.`;
}

/** "IHA's", "Talking Heads'". */
export function possessive(name: string): string {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------------------
// The figures' rows: one per architecture and seed

const seedOf = (r: RunScalars, i: number) => r.seed ?? i;

/** Raw and effective values of one scalar, per architecture and seed. */
export function readingPairs(m: MetricsLike, key: keyof MapScalars): {arch: Arch; seed: number; raw: number; effective: number}[] {
  return ARCHS.flatMap((arch) => runsOf(m, arch).map((r, i) => ({arch, seed: seedOf(r, i), raw: r.maps.raw[key] ?? NaN, effective: r.maps.effective[key] ?? NaN})));
}

/** Every seed's heads for the ablation scatter: alignment of the raw map against F1 lost. */
export function ablationRows(by: Record<Arch, AblationBySeed>, seeds: readonly number[]): {arch: Arch; seed: number; head: string; alignment: number; drop: number}[] {
  return ARCHS.flatMap((arch) => by[arch].seeds.flatMap((heads, i) => heads.map((h) => ({arch, seed: seeds[i] ?? i, ...h}))));
}

/** Quartiles of the raw-vs-effective total variation, per architecture and seed (empty when not measured). */
export function faithfulnessRows(m: MetricsLike): {arch: Arch; seed: number; q1: number; median: number; q3: number}[] {
  return ARCHS.flatMap((arch) => runsOf(m, arch).flatMap((r, i) => (r.faithfulness ? [{arch, seed: seedOf(r, i), q1: r.faithfulness.tv.q1, median: r.faithfulness.tv.median, q3: r.faithfulness.tv.q3}] : [])));
}

/** Rank correlations of the raw and effective rows with the key effect, per architecture and seed. */
export function keyEffectRows(m: MetricsLike, target: "head_output" | "logit"): {arch: Arch; seed: number; reading: "raw" | "effective"; rho: number}[] {
  return ARCHS.flatMap((arch) =>
    runsOf(m, arch).flatMap((r, i) => (r.key_effect ? (["raw", "effective"] as const).map((reading) => ({arch, seed: seedOf(r, i), reading, rho: r.key_effect![target][reading]})) : []))
  );
}

/** The naive reading's entropy is not a distribution's entropy: what it is, the renormalised values, and the study's IHA entropy beside them. */
export function naiveEntropySentence(n: NaiveClaim, study: {iha: number; mha: number}): string {
  const sums = n.rowSum ? `its rows keep on average ${pm(n.rowSum)} of a row's weight` : "its rows do not sum to 1";
  const near = n.nearEmpty ? ` (a share of ${pm(n.nearEmpty.share)} of the rows keeps less than ${fmt(n.nearEmpty.threshold)})` : "";
  const first = `The naive reading's entropy, ${pm(n.entropy.naive)} nats, is not the entropy of a distribution: ${sums}${near}, and −Σ p log p over weights that sum to less than 1 comes out small because the weight is missing, not because the row is sharp.`;
  const renorm = n.entropy.renormalised ? ` Renormalised (each row divided by its own sum, so that it sums to 1) it is ${pm(n.entropy.renormalised)}` : "";
  const treat = n.entropy.aboveThreshold && n.entropy.massWeighted && n.nearEmpty
    ? `; that average counts every row once, however little weight it kept. Leaving out the rows below ${fmt(n.nearEmpty.threshold)} gives ${pm(n.entropy.aboveThreshold)}, and weighting each row by the weight it kept gives ${pm(n.entropy.massWeighted)}.`
    : renorm ? "." : "";
  const candidates = [{name: "the naive reading as sliced", v: n.entropy.naive.mean}, ...(n.entropy.renormalised ? [{name: "the renormalised one", v: n.entropy.renormalised.mean}] : [])];
  const nearest = candidates.reduce((a, b) => (Math.abs(b.v - study.iha) < Math.abs(a.v - study.iha) ? b : a));
  const studyPart = ` The study's IHA entropy, ${fmt(study.iha)} (${relation(study.iha, study.mha)} its MHA's ${fmt(study.mha)}), is nearest to ${nearest.name} here (${fmt(nearest.v)}); the study does not say which reading it measured, so a low IHA entropy in it may be a sliced row's missing weight rather than a sharp head.`;
  return `${first}${renorm}${treat}${studyPart}`;
}

/** How many IHA heads' effective maps are nearest their own raw map (main seed): whether comparing by index pairs a head with itself. */
export function ihaHeadIdentity(nearest: readonly number[] | undefined, heads: number): string {
  if (!nearest || nearest.length === 0) return "";
  const own = nearest.slice(0, heads).filter((g, h) => g === h).length;
  return own === heads
    ? `For every one of the ${heads} IHA heads, the raw map nearest its effective map (least total variation over the test set) is its own: comparing by index pairs each head with its closest reading.`
    : `For ${own} of the ${heads} IHA heads, the raw map nearest its effective map (least total variation over the test set) is its own; for the other ${heads - own} it is another head's, so reading raw head h as "what head h does" points the reader at the wrong lane.`;
}

/** One map scalar of one architecture as a spread over seeds. */
export function mapSpread(m: MetricsLike, arch: Arch, kind: string, key: keyof MapScalars): Spread {
  return spreadOf(mapValues(m, arch, kind, key));
}

/** Whether our comparison (a against b, over seeds) points the way the study's single numbers do (10% rule). */
export function agreesWithStudy(studyA: number, studyB: number, ours: Comparison): boolean {
  return direction(studyB, studyA) === ours.word;
}
