// The essay's small-table reshapes (src/sources/runTables.ts) on hand-built Arrow tables with known answers.
import {describe, expect, it} from "vitest";
import {arrowTable} from "../src/data/arrow.js";
import {fromArrow} from "arquero";
import {bestMixing, headAblation, mixingAt, trainingCurves} from "../src/sources/runTables.js";

describe("runTables", () => {
  const mixing = () => fromArrow(arrowTable({
      arch: ["iha", "iha", "iha", "iha", "mha", "mha"],
      seed: Int16Array.of(0, 0, 1, 0, 0, 0),
      epoch: Int16Array.of(3, 4, 4, 4, 4, 6),
      is_best: Int8Array.of(0, 1, 1, 1, 1, 0),
      layer: Int8Array.of(0, 0, 0, 1, 0, 0),
      matrix: ["R", "R", "R", "R", "P_w", "P_w"],
      source_head: Int8Array.of(0, 1, 1, 1, 1, 1),
      target_head: Int8Array.of(0, 2, 2, 2, 2, 2),
      pseudo: Int8Array.of(0, 1, 1, 1, 1, 1),
      value: Float32Array.of(0.5, 0.25, 0.75, 1, 2, 3)
    }));

  it("bestMixing keeps the best epoch of one arch, seed and layer", () => {
    expect(bestMixing(mixing(), {arch: "iha", seed: 0, layer: 0})).toEqual([{matrix: "R", source_head: 1, target_head: 2, pseudo: 1, value: 0.25, epoch: 4}]);
  });

  it("mixingAt gives one epoch's entries", () => {
    expect(mixingAt(mixing(), {arch: "iha", seed: 0, epoch: 3, layer: 0})).toEqual([{matrix: "R", source_head: 0, target_head: 0, pseudo: 0, value: 0.5}]);
  });

  it("trainingCurves keeps one seed, ordered by arch then epoch", () => {
    const history = fromArrow(arrowTable({
      arch: ["mha", "iha", "mha", "iha"],
      seed: Int32Array.of(0, 0, 0, 1),
      epoch: Int32Array.of(2, 1, 1, 1),
      val_f1: Float32Array.of(0.5, 0.25, 0.125, 1),
      train_loss: Float32Array.of(1, 2, 3, 4)
    }));
    expect(trainingCurves(history, 0).map((r) => `${r.arch}${r.epoch}:${r.val_f1}`)).toEqual(["iha1:0.25", "mha1:0.125", "mha2:0.5"]);
  });

  it("headAblation keeps the raw rows of one layer, ordered by arch then head, with each head's F1 lost and alignment rank", () => {
    const heads = fromArrow(arrowTable({
      arch: ["mha", "mha", "iha", "mha", "iha"],
      layer: Int8Array.of(0, 0, 0, 1, 0),
      head_index: Int8Array.of(1, 0, 0, 0, 0),
      head: ["L0H1", "L0H0", "L0H0", "L1H0", "L0H0"],
      map: ["raw", "raw", "raw", "raw", "effective"],
      test_f1: Float32Array.of(1, 1, 1, 1, 1),
      ablated_f1: Float32Array.of(0.5, 0.75, 0.25, 0, 0.125),
      source_ablated_f1: Float32Array.of(0, 0, 0, 0, 0)
    }));
    const alignment = {mha: [0.25, 0.5, 0.125, 0.75], iha: [0.5, 0, 0, 0]};
    const rows = headAblation(heads, {layer: 0, heads: 2, alignment});
    expect(rows.map((r) => `${r.arch} ${r.head} ${r.ablated_f1}`)).toEqual(["iha L0H0 0.25", "mha L0H0 0.75", "mha L0H1 0.5"]);
    expect(rows.map((r) => [r.drop, r.alignment, r.alignRank])).toEqual([[0.75, 0.5, 1], [0.25, 0.25, 2], [0.5, 0.5, 1]]);
    // layer 1 reads its heads' alignments from the second half, and ties share a rank
    const layer1 = headAblation(heads, {layer: 1, heads: 2, alignment: {mha: [0, 0, 0.125, 0.125], iha: []}});
    expect(layer1.map((r) => [r.head, r.alignment, r.alignRank])).toEqual([["L1H0", 0.125, 1]]);
  });
});
