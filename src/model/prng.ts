// The one seeded random source of the project: data sampling and weight init both draw from here,
// so a run is reproducible from a single seed. Browser-safe (no Node APIs).

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** The project-wide default seed; every other seed is derived from it with {@link deriveSeed}. */
export const DEFAULT_SEED = 0;

const UINT32_RANGE = 2 ** 32; // maps a uint32 to [0, 1)
const MULBERRY_INCREMENT = 0x6d2b79f5; // Weyl-sequence step of mulberry32
const FNV_OFFSET = 0x811c9dc5; // FNV-1a 32-bit offset basis
const FNV_PRIME = 0x01000193; // FNV-1a 32-bit prime
const FMIX_C1 = 0x85ebca6b; // murmur3 finaliser constants
const FMIX_C2 = 0xc2b2ae35;
const TWO_PI = 2 * Math.PI;

/**
 * mulberry32: a small, fast 32-bit generator with a full 2^32 period.
 * The seed is reduced to an unsigned 32-bit integer first.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + MULBERRY_INCREMENT) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / UINT32_RANGE;
  };
}

/**
 * One standard-normal draw (Box–Muller). Uses 1 − u for the radius so that the logarithm never sees 0.
 * Draws two uniforms per call and discards the sine partner, keeping the function stateless.
 */
export function normal(rng: Rng): number {
  const u1 = 1 - rng(); // (0, 1]
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, FMIX_C1);
  h ^= h >>> 13;
  h = Math.imul(h, FMIX_C2);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A deterministic sub-seed for a named stream, e.g. `deriveSeed(seed, "val")`, `deriveSeed(seed, "init")`.
 * Different stream names (or different parent seeds) give unrelated uint32 seeds.
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = fmix32((seed >>> 0) ^ FNV_OFFSET);
  for (let c = 0; c < stream.length; c++) {
    h = Math.imul(h ^ stream.charCodeAt(c), FNV_PRIME);
  }
  return fmix32(h ^ stream.length);
}
