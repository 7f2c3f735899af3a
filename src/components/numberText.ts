// Numbers as the views print them. A value that rounds to zero prints without a sign: "0.00" and ".00",
// never "-0.00" or "-.00" (toFixed keeps the sign of a small negative value).

/** `value` with `digits` decimals. */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** The same without the leading zero of a value under 1 in size (".25", "-.25"), for cells too small for it. */
export function bareFixed(value: number, digits: number): string {
  return fixed(value, digits).replace(/^(-?)0\./, "$1.");
}

/** A weight has at least this many decimals ("0.984", "0.500")… */
const WEIGHT_DECIMALS = 3;
/** …and at least this many significant digits, so that small weights keep their size ("0.0012", "0.00047"). */
const WEIGHT_SIGNIFICANT = 2;
/** Below this size a weight is written with an exponent ("3.1e-7") rather than a run of zeros. */
const WEIGHT_EXPONENT_BELOW = 1e-5;

/**
 * A weight (or a difference of weights) as every view prints it: three decimals, more when the value is
 * small, so that it keeps two significant digits (0.984 → "0.984", 0.0012 → "0.0012", 0.000473 →
 * "0.00047"); under 1e-5 with an exponent ("3.1e-7"). Zero, and a value that rounds to zero, has no sign.
 */
export function weightText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size === 0) return fixed(0, WEIGHT_DECIMALS);
  if (size < WEIGHT_EXPONENT_BELOW) return value.toExponential(WEIGHT_SIGNIFICANT - 1);
  const decimals = Math.max(WEIGHT_DECIMALS, WEIGHT_SIGNIFICANT - 1 - Math.floor(Math.log10(size)));
  return fixed(value, decimals);
}
