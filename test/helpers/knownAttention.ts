// The one known tensor of the upload fixtures (test/fixtures/upload/make.py's known()): 2 layers × 3 heads × 6
// tokens of causal rows proportional to 1 + ((l·7 + h·5 + q·3 + k) mod 4), and the tokens those files carry.
export const [LAYERS, HEADS, N] = [2, 3, 6];
export const TOKENS = ["<|endoftext|>", "The", " cat", " sat", " <b>on</b>", " it"];

/** The tensor, index ((l·H + h)·N + q)·N + k. */
export function knownWeights(): Float64Array {
  const a = new Float64Array(LAYERS * HEADS * N * N);
  for (let l = 0; l < LAYERS; l++) {
    for (let h = 0; h < HEADS; h++) {
      for (let q = 0; q < N; q++) {
        const row = ((l * HEADS + h) * N + q) * N;
        let sum = 0;
        for (let k = 0; k <= q; k++) sum += a[row + k] = 1 + ((l * 7 + h * 5 + q * 3 + k) % 4);
        for (let k = 0; k <= q; k++) a[row + k] /= sum;
      }
    }
  }
  return a;
}

/** Float16 keeps 11 significant bits: a weight ≤ 1 is off by at most 2⁻¹². Float32 and wider: 1e-7. */
export const HALF = 2 ** -12;
export const SINGLE = 1e-7;
