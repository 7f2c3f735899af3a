// The essay's ablation section for the main seed: per architecture, the head whose removal costs the most
// test F1 (heads.arrow's rows with their alignment, reshaped by runTables.headAblation), and the sentence
// that says so and where that head's map ranks by alignment.
import {fmt} from "./prose.js";
import {ARCH_NAMES, ARCHS, type Arch} from "../model/vocabulary.js";
import type {AblationRow} from "../sources/runTables.js";
import {argmax} from "./figures.js";

export interface ArchAblation {
  rows: AblationRow[];
  /** index in `rows` of the head whose removal costs the most (the first on ties; -1 without heads) */
  worst: number;
  worstRow: AblationRow | undefined;
}

/** The rows of each architecture and its costliest head. */
export function mainSeedAblation(rows: readonly AblationRow[]): Record<Arch, ArchAblation> {
  return Object.fromEntries(ARCHS.map((arch) => {
    const own = rows.filter((r) => r.arch === arch);
    const worst = argmax(own.map((r) => r.drop));
    return [arch, {rows: own, worst, worstRow: own[worst]}];
  })) as Record<Arch, ArchAblation>;
}

/** Which head's removal costs the most F1 in one architecture, and where its map ranks by alignment. */
export function ablationSentence(arch: Arch, a: ArchAblation, seed: number, f1Text: (v: number) => string = fmt): string {
  const w = a.worstRow;
  if (!w || !(w.drop > 0)) return `In ${ARCH_NAMES[arch]}, no single head's removal lowers test F1.`;
  return `In ${ARCH_NAMES[arch]} (seed ${seed}), removing ${w.head} costs the most (F1 ${f1Text(w.test_f1)} → ${f1Text(w.ablated_f1)}); by the alignment of its map it ranks ${w.alignRank} of ${a.rows.length}.`;
}
