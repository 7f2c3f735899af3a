// The LM's data: BOS, random filler, a random segment, the same segment again, random filler.
//   position 0                      BOS (token 0)
//   1 … first − 1                   filler, uniform over tokens 1 … d_vocab − 1
//   first … first + length − 1      the segment: `length` distinct tokens
//   second … second + length − 1    the segment again (second = first + length)
//   the rest up to n_ctx − 1        filler
// The segment length is drawn from [min_length, max_length] and `first` from every start that fits, so
// "look `length` positions back" is no fixed offset: predicting the second copy needs content (a
// previous-token head feeding an induction head), not position. Browser-safe.
import type {LmTaskConfig} from "./config.js";
import {validateLmTask} from "./config.js";
import {deriveSeed, mulberry32, type Rng} from "../prng.js";

export const BOS = 0;

/** Where the segment and its repeat sit in a sequence. */
export interface Repeat {
  first: number;
  second: number;
  length: number;
}

export interface LmSample {
  tokens: Int32Array;
  repeat: Repeat;
}

/** A uniform integer in [lo, hi]. */
function uniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** `length` distinct non-BOS tokens in random order (partial Fisher–Yates over 1 … d_vocab − 1). */
function distinctTokens(rng: Rng, length: number, d_vocab: number): number[] {
  const pool = Array.from({length: d_vocab - 1}, (_, i) => i + 1);
  for (let i = 0; i < length; i++) {
    const j = uniformInt(rng, i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, length);
}

/** One training-distribution sequence drawn from `rng`. */
export function lmSample(rng: Rng, task: LmTaskConfig): LmSample {
  const {d_vocab, n_ctx} = task;
  const length = uniformInt(rng, task.min_length, task.max_length);
  const first = uniformInt(rng, 1, n_ctx - 2 * length);
  const segment = distinctTokens(rng, length, d_vocab);
  const tokens = new Int32Array(n_ctx); // [n_ctx]
  tokens[0] = BOS;
  for (let n = 1; n < n_ctx; n++) tokens[n] = uniformInt(rng, 1, d_vocab - 1);
  for (let i = 0; i < length; i++) tokens[first + i] = tokens[first + length + i] = segment[i];
  return {tokens, repeat: {first, second: first + length, length}};
}

/** `count` sequences drawn from `rng`. */
export function lmSamples(rng: Rng, count: number, task: LmTaskConfig): LmSample[] {
  validateLmTask(task);
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  return Array.from({length: count}, () => lmSample(rng, task));
}

/** A fixed set named by (seed, stream), e.g. ("lm/eval") or ("lm/showcase"). */
export function lmSplit(seed: number, stream: string, count: number, task: LmTaskConfig): LmSample[] {
  return lmSamples(mulberry32(deriveSeed(seed, stream)), count, task);
}

/** The training sequences of one epoch, deterministic in (seed, epoch). */
export function lmTrainBatch(seed: number, epoch: number, count: number, task: LmTaskConfig): LmSample[] {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch must be a non-negative integer, got ${epoch}`);
  return lmSamples(mulberry32(deriveSeed(seed, `lm/train/${epoch}`)), count, task);
}

/** Packs sequences of one length into token ids Int32 [B*N], sample-major. */
export function lmTokens(samples: LmSample[]): Int32Array {
  const n = samples.length > 0 ? samples[0].tokens.length : 0;
  const out = new Int32Array(samples.length * n); // [B*N]
  samples.forEach((s, b) => {
    if (s.tokens.length !== n) throw new Error(`sample ${b} has ${s.tokens.length} tokens, expected ${n}`);
    out.set(s.tokens, b * n);
  });
  return out;
}

/**
 * Query positions whose next token is predictable by induction: q in [second, second + length − 2]
 * (the target q + 1 lies in the second copy and the token at q was seen before, followed by it).
 */
export function inductionPositions(repeat: Repeat): number[] {
  return Array.from({length: repeat.length - 1}, (_, i) => repeat.second + i);
}

/** The same positions one copy earlier: their targets are fresh tokens (chance level, 1/(d_vocab − 1)). */
export function firstCopyPositions(repeat: Repeat): number[] {
  return Array.from({length: repeat.length - 1}, (_, i) => repeat.first + i);
}

export interface RepeatedTokensOptions {
  /** segment length, 1 … d_vocab − 1 (its tokens are distinct) */
  length: number;
  /** how many copies of the segment, ≥ 1 */
  repeats: number;
  seed: number;
  d_vocab: number;
}

/** BOS followed by a random segment of distinct tokens repeated `repeats` times: Int32 [1 + length·repeats]. */
export function repeatedRandomTokens({length, repeats, seed, d_vocab}: RepeatedTokensOptions): Int32Array {
  if (!Number.isInteger(d_vocab) || d_vocab < 2) throw new Error(`d_vocab must be an integer ≥ 2, got ${d_vocab}`);
  if (!Number.isInteger(length) || length < 1 || length > d_vocab - 1) {
    throw new Error(`length must be an integer in [1, ${d_vocab - 1}] (distinct non-BOS tokens), got ${length}`);
  }
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be an integer ≥ 1, got ${repeats}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const segment = distinctTokens(mulberry32(deriveSeed(seed, "lm/repeated")), length, d_vocab);
  const tokens = new Int32Array(1 + length * repeats); // [1 + length*repeats]
  tokens[0] = BOS;
  for (let r = 0; r < repeats; r++) tokens.set(segment, 1 + r * length);
  return tokens;
}

const CONSONANTS = "bdfgklmnprstvz";
const VOWELS = "aeiou";

/** Display label of a token: "BOS" for 0, then short syllables "ba", "da", … ("ba2" … once they run out). */
export function lmTokenLabel(token: number): string {
  if (!Number.isInteger(token) || token < 0) throw new Error(`token must be a non-negative integer, got ${token}`);
  if (token === BOS) return "BOS";
  const i = token - 1;
  const syllables = CONSONANTS.length * VOWELS.length;
  const base = CONSONANTS[i % CONSONANTS.length] + VOWELS[Math.floor(i / CONSONANTS.length) % VOWELS.length];
  return i < syllables ? base : `${base}${Math.floor(i / syllables) + 1}`;
}

/** Labels of every token id of a vocabulary. */
export function lmTokenLabels(d_vocab: number): string[] {
  return Array.from({length: d_vocab}, (_, t) => lmTokenLabel(t));
}
