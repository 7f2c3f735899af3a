// The essay's results table: per architecture and map reading, the mean over seeds of every number (with
// its standard deviation when there are several seeds), and the study's rows quoted beside them; and how
// long the longest training run took, in words.
import {f1Text, fmt} from "./prose.js";
import type {StudyRow} from "./study.js";
import {ARCH_NAMES, ARCHS, mapKindLabel, type Arch} from "../model/vocabulary.js";
import type {Spread} from "./claims.js";

/** What the table reads of metrics.json: each architecture's map readings and its over-seeds summary. */
export interface ResultsMetrics {
  architectures: Record<Arch, {
    map_kinds: string[];
    over_seeds: {
      n: number;
      test_f1: Spread;
      best_epoch: Spread;
      seconds: Spread;
      maps: Record<string, Record<"alignment" | "best_head_alignment" | "redundancy" | "entropy", Spread>>;
    };
  }>;
}

/** A best epoch averaged over seeds: whole when it is, to one decimal otherwise. */
const epochText = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** One row per architecture and map reading; the ± columns only with several seeds. */
export function resultRows(m: ResultsMetrics): Record<string, string | number | null>[] {
  return ARCHS.flatMap((arch) => {
    const {map_kinds, over_seeds: o} = m.architectures[arch];
    return map_kinds.map((kind) => ({
      architecture: ARCH_NAMES[arch],
      reading: mapKindLabel(kind),
      "test F1": o.test_f1.mean,
      "best epoch": epochText(o.best_epoch.mean),
      alignment: o.maps[kind].alignment.mean,
      "best head": o.maps[kind].best_head_alignment.mean,
      redundancy: o.maps[kind].redundancy.mean,
      entropy: o.maps[kind].entropy.mean,
      ...(o.n > 1
        ? {seeds: o.n, "± test F1": o.test_f1.std, "± alignment": o.maps[kind].alignment.std, "± redundancy": o.maps[kind].redundancy.std, "± entropy": o.maps[kind].entropy.std}
        : {})
    }));
  });
}

/** The study's rows in the same columns (it gives no best-head alignment and only a bound on F1). */
export function studyRows(study: Readonly<Record<Arch, StudyRow>>): Record<string, string | number>[] {
  return ARCHS.map((arch) => {
    const s = study[arch];
    return {architecture: ARCH_NAMES[arch], reading: "the study's", "test F1": "> 0.999", "best epoch": s.best_epoch, alignment: s.alignment, "best head": NaN, redundancy: s.redundancy, entropy: s.entropy};
  });
}

const orBlank = (format: (v: number) => string) => (v: number | null | undefined) => (v == null ? "" : format(v));
const f1Cell = (v: number | string) => (typeof v === "number" ? f1Text(v) : v);

/** Column formats of the table (Inputs.table's `format`). */
export const RESULT_FORMAT = {
  "test F1": f1Cell,
  alignment: fmt,
  "best head": fmt,
  redundancy: fmt,
  entropy: fmt,
  "± test F1": orBlank(f1Text),
  "± alignment": orBlank(fmt),
  "± redundancy": orBlank(fmt),
  "± entropy": orBlank(fmt)
};

const SECONDS_PER_MINUTE = 60;

/** The longest run of the build, in whole seconds under a minute, else in whole minutes (rounded up). */
export function trainingTimeText(m: ResultsMetrics): string {
  const longest = Math.max(...ARCHS.map((arch) => m.architectures[arch].over_seeds.seconds.max));
  return longest < SECONDS_PER_MINUTE ? `${Math.ceil(longest)} seconds` : `${Math.ceil(longest / SECONDS_PER_MINUTE)} minutes`;
}
