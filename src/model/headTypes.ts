// Head types: which classic pattern a head follows, read from its maps. The scores are metrics.ts's; here
// they are averaged over inputs and compared with thresholds, and a head "is" every type whose score
// reaches its threshold. Pure and browser-safe: the build's lm-heads test and the head workbench use it.
import {
  columnScore,
  currentTokenScore,
  duplicateTokenScore,
  firstTokenScore,
  inductionPositionScore,
  inductionScore,
  previousTokenScore,
  rowScore,
  type SquareMap
} from "./metrics.js";

export const HEAD_TYPES = ["previous_token", "first_token", "current_token", "duplicate_token", "induction", "induction_position", "row", "column"] as const;
export type HeadType = (typeof HEAD_TYPES)[number];

export const HEAD_TYPE_LABELS: Record<HeadType, string> = {
  previous_token: "previous-token",
  first_token: "first-token",
  current_token: "current-token",
  duplicate_token: "duplicate-token",
  induction: "induction (token-based)",
  induction_position: "induction (position-based)",
  row: "same row",
  column: "same column"
};

/** Short tags for the detection grid's cells. */
export const HEAD_TYPE_TAGS: Record<HeadType, string> = {
  previous_token: "prev",
  first_token: "first",
  current_token: "self",
  duplicate_token: "dup",
  induction: "ind",
  induction_position: "ind·pos",
  row: "row",
  column: "col"
};

/**
 * Default thresholds. Each score is the share of a row's weight on the pattern's keys, averaged over
 * queries (chance is about 1/N for the token scores and 1/m for row and column on an m×m grid): 0.4 asks
 * a head to spend a large part of its attention on the pattern. Duplicate-token and induction use 0.2:
 * on BOS + a segment of L tokens repeated twice only the second copy's L rows have a target, so their
 * score is at most L/(2L+1) < 0.5, and 0.2 asks for about 40 % of what is attainable. The position-based
 * induction score (the one other tools report) is a mean over the repeated rows of one entry each, at most 1,
 * and takes their usual 0.4. A score labels a head when it is at or above its threshold (≥; mlxterp uses >).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<HeadType, number>> = Object.freeze({
  previous_token: 0.4,
  first_token: 0.4,
  current_token: 0.4,
  duplicate_token: 0.2,
  induction: 0.2,
  induction_position: 0.4,
  row: 0.4,
  column: 0.4
});

/** What the inputs allow: token scores need token ids, row/column scores an m×m grid. */
export interface DetectionSetting {
  /** side of the relation grid (N = m·m) for row and column scores; null for sequences */
  m: number | null;
  /** whether token ids are available (duplicate-token and induction) */
  tokens: boolean;
  /** causal model: duplicate and induction count earlier occurrences only */
  causal: boolean;
  /** the token scores are taken on BOS + a repeated segment (the induction probe), which the position-based induction score needs */
  probe: boolean;
}

/** The head types that can be scored in a setting, in HEAD_TYPES order. */
export function typesFor(setting: DetectionSetting): HeadType[] {
  return HEAD_TYPES.filter((type) => {
    if (type === "row" || type === "column") return setting.m !== null;
    if (type === "duplicate_token" || type === "induction") return setting.tokens;
    if (type === "induction_position") return setting.tokens && setting.probe;
    return true;
  });
}

/** One score of one map. */
export function scoreMap(type: HeadType, map: SquareMap, setting: DetectionSetting, tokens: ArrayLike<number> | null): number {
  const options = {causal: setting.causal};
  switch (type) {
    case "previous_token":
      return previousTokenScore(map);
    case "first_token":
      return firstTokenScore(map);
    case "current_token":
      return currentTokenScore(map);
    case "duplicate_token":
    case "induction":
      if (!tokens) throw new Error(`${HEAD_TYPE_LABELS[type]} needs token ids`);
      return type === "induction" ? inductionScore(map, tokens, options) : duplicateTokenScore(map, tokens, options);
    case "induction_position":
      if (!tokens) throw new Error(`${HEAD_TYPE_LABELS[type]} needs token ids`);
      return inductionPositionScore(map, tokens);
    case "row":
    case "column":
      if (setting.m === null) throw new Error(`${HEAD_TYPE_LABELS[type]} needs a grid size m`);
      return type === "row" ? rowScore(map, setting.m) : columnScore(map, setting.m);
  }
}

/** The scores of `types` of one map (tokens: the input's token ids, for the token scores). */
export function mapScores(types: readonly HeadType[], map: SquareMap, setting: DetectionSetting, tokens: ArrayLike<number> | null): Partial<Record<HeadType, number>> {
  return Object.fromEntries(types.map((type) => [type, scoreMap(type, map, setting, tokens)]));
}

/** Each type's mean over the score sets that have it, summed in order (a type no set has is absent). */
export function meanScores(sets: readonly Partial<Record<HeadType, number>>[]): Partial<Record<HeadType, number>> {
  const out: Partial<Record<HeadType, number>> = {};
  for (const type of HEAD_TYPES) {
    const have = sets.filter((set) => set[type] !== undefined);
    if (have.length > 0) out[type] = have.reduce((sum, set) => sum + set[type]!, 0) / have.length;
  }
  return out;
}

/** Every applicable score of one head, averaged over its maps on several inputs (tokens[i] for maps[i]). */
export function headScores(
  maps: readonly SquareMap[],
  tokens: readonly (ArrayLike<number> | null)[],
  setting: DetectionSetting
): Partial<Record<HeadType, number>> {
  if (maps.length === 0) throw new Error("headScores needs at least one map");
  if (tokens.length !== maps.length) throw new Error(`headScores got ${maps.length} maps but ${tokens.length} token lists`);
  const types = typesFor(setting);
  return meanScores(maps.map((map, i) => mapScores(types, map, setting, tokens[i])));
}

/** The types whose score reaches its threshold (score ≥ threshold), in HEAD_TYPES order (missing or non-finite scores never match). */
export function detect(
  scores: Partial<Record<HeadType, number | null>>,
  thresholds: Readonly<Record<HeadType, number>> = DEFAULT_THRESHOLDS
): HeadType[] {
  return HEAD_TYPES.filter((type) => {
    const score = scores[type];
    return typeof score === "number" && Number.isFinite(score) && score >= thresholds[type];
  });
}

/** Whether two label sets differ (the heads the page highlights between raw and effective maps). */
export function labelsDiffer(a: readonly HeadType[], b: readonly HeadType[]): boolean {
  return a.length !== b.length || a.some((type) => !b.includes(type));
}
