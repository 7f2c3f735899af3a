// Which IHA head the essay shows the pseudo blocks of for a sample: the one whose raw and effective maps differ
// most (figures.mapGaps). The essay's source reads that head's blocks ahead with each neighbouring sample's maps
// (parquetSource's blocksAhead), so the next step of the sample slider finds them read.
import {argmax, mapGaps} from "./figures.js";
import type {LayerMaps, LayerSlice} from "../sources/source.js";

/** The IHA head whose pseudo blocks the essay shows, from one layer's raw and effective maps. */
export function blocksHead(maps: LayerMaps): number {
  return argmax(mapGaps(maps.raw!, maps.effective!));
}

/** For parquetSource's blocksAhead: the shown head of an IHA slice read ahead; none for another model. */
export function blocksAhead(slice: LayerSlice, maps: LayerMaps): number | null {
  return slice.arch === "iha" && maps.raw && maps.effective ? blocksHead(maps) : null;
}
