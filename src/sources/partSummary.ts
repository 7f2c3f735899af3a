// What the head workbench keeps of a part of a file read in parts when it scans a whole input (every head of every
// layer: detection scores them all): each head's scores, a thumbnail and whether it is causal, and, for the input
// the page shows, the sum over the part's heads of the kind the cross-layer flow draws. Computed where the part is
// decoded (the part worker, readerParquet.partAnswer), so a scan sends back kilobytes a head instead of its map.
// Pure: the scores are model/headTypes', the thumbnails and the first-token choice model/mapOps'.
import type {HeadMap} from "../components/headStack.js";
import {mapScores, type DetectionSetting, type HeadType} from "../model/headTypes.js";
import {blockMax, isCausal, withoutFirstToken} from "../model/mapOps.js";

/** The kinds a reader's file holds: its pattern, and its effective maps where it has them. */
export type PartKind = "raw" | "effective";

/** What the workbench asks of each part of an input it scans. */
export interface SummaryRequest {
  setting: DetectionSetting;
  /** the types scored on this input (workbench/detection.inputTypes) */
  types: HeadType[];
  /** the input's token ids, for the token scores */
  ids: number[] | null;
  /** largest side of a thumbnail (mapOps.blockMax) */
  thumb: number;
  /** the maps whose sum over the part's heads comes back (the flow's kind, first token hidden or not), or none */
  sum: {kind: PartKind; hideFirst: boolean} | null;
}

/** A head's thumbnails: each kind as it is and with the first token hidden (effective null where the file has none). */
export interface HeadThumbs {
  raw: HeadMap;
  rawHidden: HeadMap;
  effective: HeadMap | null;
  effectiveHidden: HeadMap | null;
}

export interface HeadSummary {
  scores: Record<PartKind, Partial<Record<HeadType, number>>> | {raw: Partial<Record<HeadType, number>>; effective: null};
  thumbs: HeadThumbs;
  /** no weight after the query (mapOps.isCausal) */
  causal: boolean;
}

/** A part's summary: its heads' in file order, and the asked sum over them ([N·N], row-major, float64), or null. */
export interface PartSummary {
  heads: HeadSummary[];
  sum: Float64Array | null;
}

/** The summary of a part's heads (`pattern`, and `effective` where the file has it). */
export function summarise(maps: {pattern: HeadMap[]; effective: HeadMap[] | null}, request: SummaryRequest): PartSummary {
  const {setting, types, ids, thumb} = request;
  // Each head's maps with the first token hidden, made once: for its thumbnails and for the sum when it hides it.
  const hidden = (stack: HeadMap[] | null) => stack?.map(withoutFirstToken) ?? null;
  const patternHidden = hidden(maps.pattern)!;
  const effectiveHidden = hidden(maps.effective);
  const heads = maps.pattern.map((pattern, i): HeadSummary => {
    const effective = maps.effective?.[i] ?? null;
    const score = (map: HeadMap) => mapScores(types, map, setting, ids);
    return {
      scores: effective ? {raw: score(pattern), effective: score(effective)} : {raw: score(pattern), effective: null},
      thumbs: {
        raw: blockMax(pattern, thumb),
        rawHidden: blockMax(patternHidden[i], thumb),
        effective: effective && blockMax(effective, thumb),
        effectiveHidden: effectiveHidden && blockMax(effectiveHidden[i], thumb)
      },
      causal: isCausal(pattern)
    };
  });
  if (!request.sum) return {heads, sum: null};
  const {kind, hideFirst} = request.sum;
  const effectiveKind = kind === "effective" && maps.effective;
  return {heads, sum: headSum(hideFirst ? (effectiveKind ? effectiveHidden! : patternHidden) : effectiveKind ? maps.effective! : maps.pattern)};
}

/** The sum over a part's heads, row-major (the pattern where the file has no effective maps). */
function headSum(stack: HeadMap[]): Float64Array {
  const n = stack[0]?.length ?? 0;
  const sum = new Float64Array(n * n); // [N, N]
  for (const map of stack) {
    map.forEach((row, q) => {
      const at = q * n;
      for (let k = 0; k < n; k++) sum[at + k] += row[k];
    });
  }
  return sum;
}
