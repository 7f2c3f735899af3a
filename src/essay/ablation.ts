// The essay's ablation section for the main seed: per architecture, each head's test F1 with and without it
// (heads.arrow's rows, reshaped by runTables.headAblation) beside the alignment of its drawn map
// (metrics.json), the head whose removal costs the most, and the sentence that says so.
import {fmt} from "../components/prose.js";
import {ARCH_NAMES, ARCHS, type Arch} from "../model/vocabulary.js";
import type {AblationRow} from "../sources/runTables.js";
import {argmax, rankOf} from "./figures.js";

export interface HeadAblation extends AblationRow {
  /** the head's raw-map alignment with the path (test set) */
  alignment: number;
  /** test F1 lost when the head's output is zeroed */
  drop: number;
}

export interface ArchAblation {
  rows: HeadAblation[];
  /** index in `rows` of the head whose removal costs the most (-1 without heads) */
  worst: number;
  worstRow: HeadAblation | undefined;
  /** rank (1 = most aligned) of that head's alignment among the architecture's heads */
  alignRank: number;
}

/** `alignment[arch]` lists every head's alignment layer-major; `layer` and `heads` place a row's head in it. */
export function mainSeedAblation(rows: readonly AblationRow[], alignment: Record<Arch, readonly number[]>, layer: number, heads: number): Record<Arch, ArchAblation> {
  return Object.fromEntries(ARCHS.map((arch) => {
    const own = rows.filter((r) => r.arch === arch).map((r) => ({...r, alignment: alignment[arch][layer * heads + r.head_index], drop: r.test_f1 - r.ablated_f1}));
    const worst = argmax(own.map((r) => r.drop));
    return [arch, {rows: own, worst, worstRow: own[worst], alignRank: worst < 0 ? 0 : rankOf(own.map((r) => r.alignment), worst)}];
  })) as Record<Arch, ArchAblation>;
}

/** Which head's removal costs the most F1 in one architecture, and where its map ranks by alignment. */
export function ablationSentence(arch: Arch, a: ArchAblation, seed: number, f1Text: (v: number) => string = fmt): string {
  const w = a.worstRow;
  if (!w || !(w.drop > 0)) return `In ${ARCH_NAMES[arch]}, no single head's removal lowers test F1.`;
  return `In ${ARCH_NAMES[arch]} (seed ${seed}), removing ${w.head} costs the most (F1 ${f1Text(w.test_f1)} → ${f1Text(w.ablated_f1)}); by the alignment of its map it ranks ${a.alignRank} of ${a.rows.length}.`;
}
