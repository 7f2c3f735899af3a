// The one palette of the site. Head colours are fixed by head index on every page, and every hue here is
// distinguishable under the common colour-vision deficiencies (Okabe–Ito first, then Paul Tol's muted set).
export const HEAD_COLORS: readonly string[] = [
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#F0E442", // yellow
  "#999999", // grey
  "#332288", // indigo
  "#117733", // green
  "#882255", // wine
  "#44AA99" // teal
];

/** The colour of head `h` (wraps around past the last colour). */
export function headColor(h: number): string {
  return HEAD_COLORS[((h % HEAD_COLORS.length) + HEAD_COLORS.length) % HEAD_COLORS.length];
}

/** Marks the ground-truth reasoning path wherever it is drawn. */
export const PATH_COLOR = "#C9A227"; // gold

/** Relation cells that hold (R_ij = 1) and the current query cell. */
export const RELATION_ON = "var(--theme-foreground-muted, #555)";
export const QUERY_COLOR = "#0072B2";
export const WRONG_COLOR = "#D55E00";

/** One colour per architecture, the same in every chart. */
export const ARCH_COLORS: Readonly<Record<string, string>> = {
  mha: "#0072B2",
  talking_heads: "#E69F00",
  iha: "#CC79A7"
};
