// Head types from head-pattern scores (metrics.ts): a head "is" a type when its score reaches the type's
// threshold. Defaults: 0.4 for the one-key-per-row types (previous, first, current token: mean attention on
// that key; 1 is a perfect head), 0.2 for duplicate-token and induction, whose "mul" detection score on
// BOS + a segment of L tokens repeated twice is at most L/(2L+1) < 0.5 (only the second copy's rows have a
// target), so 0.2 asks for about 40 % of the attainable mass. Browser-safe.

export const HEAD_TYPES = ["previous_token", "first_token", "current_token", "duplicate_token", "induction"] as const;
export type HeadType = (typeof HEAD_TYPES)[number];

export const DEFAULT_HEAD_THRESHOLDS: Readonly<Record<HeadType, number>> = Object.freeze({
  previous_token: 0.4,
  first_token: 0.4,
  current_token: 0.4,
  duplicate_token: 0.2,
  induction: 0.2,
});

/** The types whose score reaches its threshold, in HEAD_TYPES order (missing scores never match). */
export function detectHeadTypes(
  scores: Partial<Record<HeadType, number | null>>,
  thresholds: Readonly<Record<HeadType, number>> = DEFAULT_HEAD_THRESHOLDS,
): HeadType[] {
  return HEAD_TYPES.filter((type) => {
    const score = scores[type];
    return typeof score === "number" && Number.isFinite(score) && score >= thresholds[type];
  });
}
