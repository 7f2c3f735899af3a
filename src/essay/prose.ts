// Numbers in sentences: the essay never types a result by hand; it formats measured values and compares
// them with these helpers, so a rebuild with other seeds keeps every sentence true.

/** Within this relative difference two values read as "about the same". */
export const SAME_WITHIN = 0.1;

/** A value with a sensible number of digits for prose (3 significant digits, at most 3 decimals). */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

/** Test F1 as the essay prints it everywhere, results table included: four decimals. */
export function f1Text(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : "—";
}

/**
 * How `a` compares with `b` in words: "about the same as", "2.4 times", "half of"… Ratios of 2 or more
 * are said as "N times"; smaller differences as a percentage.
 */
export function relation(a: number, b: number): string {
  if (!(Number.isFinite(a) && Number.isFinite(b)) || b === 0) return "not comparable with";
  const ratio = a / b;
  if (Math.abs(ratio - 1) <= SAME_WITHIN) return "about the same as";
  if (ratio >= 2) return `${ratio.toFixed(1)} times`;
  if (ratio <= 0.5) return `${(1 / ratio).toFixed(1)} times smaller than`;
  const percent = Math.round(Math.abs(ratio - 1) * 100);
  return `${percent}% ${ratio > 1 ? "higher than" : "lower than"}`;
}

/** "higher", "lower" or "about the same": the direction of a change from `before` to `after`. */
export function direction(before: number, after: number): "higher" | "lower" | "about the same" {
  if (Math.abs(after - before) <= SAME_WITHIN * Math.abs(before)) return "about the same";
  return after > before ? "higher" : "lower";
}
