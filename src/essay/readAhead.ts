// What the essay's next step of the sample slider needs, read while the page is idle: the pseudo blocks of the
// IHA head the samples on either side will show (the one whose raw and effective maps differ most, figures.mapGaps;
// the maps it is picked from are read ahead by the source itself, parquetSource's readAhead).
import {argmax, mapGaps} from "./figures.js";
import {whenIdle, type AttentionSource} from "../sources/source.js";

/** Reads ahead the blocks of the samples next to `sample` (of `samples`) at `layer`, for the head each will show. */
export function readAheadBlocks(source: AttentionSource, sample: number, samples: number, layer: number): void {
  whenIdle(() => {
    for (const next of [sample + 1, sample - 1]) {
      if (next < 0 || next >= samples) continue;
      source
        .maps({arch: "iha", sample: next, layer}, ["raw", "effective", "naive"])
        .then((maps) => source.blocks({sample: next, layer, head: argmax(mapGaps(maps.raw!, maps.effective!))}))
        .catch(() => undefined); // the step itself reads again, and says why if it fails
    }
  });
}
