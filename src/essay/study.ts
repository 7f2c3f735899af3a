// The published MixViz study's results table (its README), quoted so that our own numbers can be shown
// beside it. These are theirs, not ours: every view that shows them labels them as the study's.
export interface StudyRow {
  alignment: number;
  redundancy: number;
  entropy: number;
  best_epoch: number;
}

export const STUDY_SOURCE = "MixViz study (Adeyemi, 2026), results table";

export const STUDY: Readonly<Record<"mha" | "talking_heads" | "iha", StudyRow>> = {
  mha: {alignment: 0.507, redundancy: 0.19, entropy: 1.604, best_epoch: 46},
  talking_heads: {alignment: 0.56, redundancy: 0.289, entropy: 1.423, best_epoch: 27},
  iha: {alignment: 0.055, redundancy: 0.139, entropy: 0.503, best_epoch: 44}
};

/** Where the study is published. */
export const STUDY_URL = "https://github.com/danielle34/mixviz";
