// The head workbench on a file read in parts (src/pages/workbench/scan.ts, src/sources/partSummary.ts): pyarrow's
// file of planted heads (test/fixtures/upload/make_parts.py: BOS and a segment of 40 tokens twice; L0H1 a
// previous-token head, L1H2 an induction head) read part by part as the page reads it, each part summarised where it
// is decoded. What a scan gives equals what the page computes from the maps held: every score, every thumbnail, every
// layer's mean; detection finds the planted heads; a scan stops when asked and is not read twice; a bad part is a message.
import {readFileSync} from "node:fs";
import * as Parquet from "parquet-wasm/node";
import {describe, expect, test} from "vitest";
import {meanScores} from "../src/model/headTypes.js";
import {blockMax, reduceHeads} from "../src/model/mapOps.js";
import {blobBuffer, openParts, partAnswer, readFooter, type PartRequest, type PartsFile} from "../src/sources/readerParquet.js";
import {partsSource} from "../src/sources/uploadSource.js";
import {IssueList} from "../src/upload/issues.js";
import {detectHeads, inputScores} from "../src/pages/workbench/detection.js";
import {gridThumbs, layerMeans, layerSummaries, loadMaps, partsFileModels, scanRequest, shownMaps, THUMB_SIDE} from "../src/pages/workbench/maps.js";
import {partsScanner, scanDetection, scanInput, scanNote, scanScores, scanThumbs, thumbsNote, type InputScan} from "../src/pages/workbench/scan.js";

const DIR = new URL("./fixtures/upload/", import.meta.url);
const SEGMENT = 40;
const N = 1 + 2 * SEGMENT;
const TOKENS = ["<|endoftext|>", ...Array.from({length: SEGMENT}, (_, i) => `w${(i * 7) % SEGMENT}`)];
TOKENS.push(...TOKENS.slice(1));

/**
 * The planted file opened in parts (with its tokens, as a tokens file would give them), counting the parts decoded;
 * with `scanReader`, the parts a scan reads are decoded by a reader of their own (the page's second part worker).
 */
async function planted(name = "parts-planted.parquet", tokens: string[] | null = TOKENS, {scanReader = false, delayMs = 0} = {}): Promise<{parts: PartsFile; requests: PartRequest[]; scanned: PartRequest[]}> {
  const file = new File([readFileSync(new URL(name, DIR))], name);
  const issues = new IssueList();
  const index = await readFooter(name, blobBuffer(file), issues);
  const decoder = await Parquet.ParquetFile.fromFile(file);
  const requests: PartRequest[] = [];
  const scanned: PartRequest[] = [];
  const counted = (into: PartRequest[]) => async (request: PartRequest) => {
    into.push(request);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs)); // a slow disk or network: a part in flight for a while
    return partAnswer(async () => decoder, request);
  };
  const parts = openParts({name, index: index!, reader: counted(requests), ...(scanReader && {scanReader: counted(scanned)}), tokens: tokens && {shared: tokens, bySample: new Map()}}, issues);
  return {parts: parts!, requests, scanned};
}

/** A scan run to its end. */
const finished = (run: (notify: (scan: InputScan) => void) => () => void) =>
  new Promise<InputScan>((resolve) => {
    run((scan) => (scan.complete || scan.error) && resolve(scan));
  });

describe("map helpers of a scan", () => {
  test("blockMax keeps a thin pattern at full strength, each cell the largest weight it covers; a short map is itself", () => {
    const n = 100;
    const diagonal = Array.from({length: n}, (_, q) => Float32Array.from({length: n}, (_, k) => (k === q ? 1 : k < q ? 0.001 : 0)));
    const small = blockMax(diagonal, 48);
    expect(small.length).toBe(48);
    small.forEach((row, i) => {
      expect(row[i]).toBe(1); // every block on the diagonal holds a 1
      expect(row[i + 1] ?? 0).toBe(0); // keys after the query: nothing
      if (i > 1) expect(row[0]).toBeCloseTo(0.001, 6);
    });
    expect(blockMax(diagonal, 100)).toBe(diagonal);
    // Block i holds positions ⌊i·N/side⌋ up to the next block's first: query 2 and key 99 fall in blocks 0 and 47, query 3 in block 1.
    const point = (q: number, k: number) => Array.from({length: n}, (_, r) => Float32Array.from({length: n}, (_, c) => (r === q && c === k ? 0.5 : 0)));
    expect(blockMax(point(2, 99), 48)[0][47]).toBe(0.5);
    expect(blockMax(point(3, 99), 48)[1][47]).toBe(0.5);
    expect(blockMax(point(3, 99), 48).flatMap((row) => [...row]).filter((v) => v !== 0)).toEqual([0.5]);
  });

  test("meanScores averages each type over the sets that have it, in order", () => {
    expect(meanScores([{previous_token: 0.2, induction_position: 1}, {previous_token: 0.4}, {}])).toEqual({previous_token: (0 + 0.2 + 0.4) / 2, induction_position: 1});
  });
});

describe("a scan of a file read in parts", () => {
  test("gives every head's scores and thumbnails, and each layer's mean, equal to what the page computes from the maps held", async () => {
    const {parts, requests} = await planted();
    const [model] = await partsFileModels(parts, "planted");
    expect(model).toMatchObject({inParts: true, layers: 2, heads: 4, tokens: N, kinds: ["raw"], ablation: null});
    expect(model.setting).toEqual({m: null, tokens: true, causal: true, probe: true});
    requests.length = 0;
    for (const hideFirst of [false, true]) {
      const scan = await finished((notify) => scanInput(parts, 0, scanRequest(model, 0, {kind: "raw", hideFirst}), notify));
      expect([scan.complete, scan.error, scan.done, scan.total]).toEqual([true, null, 8, 8]);
      const held = await loadMaps(partsSource(parts), model, 0);
      const shown = shownMaps(held, "raw", hideFirst);
      expect(scanScores(scan)).toEqual(inputScores(model, held, 0));
      expect(scanThumbs(scan, "raw", hideFirst)).toEqual(gridThumbs(shown));
      expect(scanThumbs(scan, "raw", hideFirst)[0][0]!.length).toBe(THUMB_SIDE);
      expect(scan.means).toEqual(layerMeans(shown));
    }
    expect(requests.filter((r) => r.summary).length).toBe(16); // each part once a scan, summarised
    // The layer summary, summed a head at a time, is reduceHeads' (the mean the scan gives, and the max).
    const layer = shownMaps(await loadMaps(partsSource(parts), model, 0), "raw", false)[1];
    expect(await layerSummaries(layer)).toEqual([["mean", reduceHeads(layer, "mean")], ["max", reduceHeads(layer, "max")]]);
  });

  test("detection over the scan finds the planted previous-token and induction heads, and the scan's progress is told", async () => {
    const {parts} = await planted();
    const [model] = await partsFileModels(parts, "planted");
    const scanner = partsScanner(parts);
    const seen: InputScan[][] = [];
    await new Promise<void>((resolve) => scanDetection(scanner, model, (scans) => (seen.push(scans), scans.every((s) => s.complete) && resolve())));
    expect(scanNote(seen[0], "detection")).toBe("Reading every head for detection: 0 of 8 read…");
    const last = seen.at(-1)!;
    expect(scanNote(last, "detection")).toBe("");
    const {cells} = detectHeads(model, last.map(scanScores), null, {});
    expect(cells[0][1].raw).toContain("previous_token");
    expect(cells[1][2].raw).toEqual(expect.arrayContaining(["induction", "induction_position"]));
    expect(cells[1][2].rawScores.induction_position).toBe(1);
    const others = cells.flatMap((row, l) => row.filter((_, h) => !(l === 0 && h === 1) && !(l === 1 && h === 2)));
    expect(others.flatMap((c) => c.raw.filter((t) => t === "previous_token" || t.startsWith("induction")))).toEqual([]);
  });

  test("an input read whole is not read again; a scan without a sum joins one with; a scan nobody listens to stops", async () => {
    const {parts, requests} = await planted("parts-planted.parquet", TOKENS, {delayMs: 30});
    const [model] = await partsFileModels(parts, "planted");
    const scanner = partsScanner(parts, 0);
    requests.length = 0;
    const withSum = finished((notify) => scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, {kind: "raw", hideFirst: false}), notify));
    const without = finished((notify) => scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, null), notify));
    const [a, b] = await Promise.all([withSum, without]);
    expect(a.means).not.toBeNull();
    expect(b.heads).toEqual(a.heads);
    expect(requests.length).toBe(8); // one scan for both
    await finished((notify) => scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, null), notify));
    await finished((notify) => scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, {kind: "raw", hideFirst: false}), notify));
    expect(requests.length).toBe(8); // given at once
    // Another first-token choice is a new scan; stopped after its first report, it reads at most the part in flight.
    // Its heads are given from the start (the thumbnails and scores need not wait); its means are not.
    let stop = () => undefined as unknown;
    const first: InputScan[] = [];
    stop = scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, {kind: "raw", hideFirst: true}), (scan) => first.push(scan) === 1 && queueMicrotask(() => stop()));
    expect(first[0].heads).toEqual(a.heads);
    expect([first[0].done, first[0].means?.every((m) => m === null), thumbsNote(first[0]), scanNote([first[0]], "the flow")]).toEqual([0, true, "", "Reading every head for the flow: 0 of 8 read…"]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(requests.length - 8).toBeLessThanOrEqual(2); // the part in flight, and one begun before the stop's task
  });

  test("a view drawn again within the grace takes up the scan it left, where it was; after the grace the scan stops", async () => {
    const {parts, requests} = await planted("parts-planted.parquet", TOKENS, {delayMs: 30});
    const [model] = await partsFileModels(parts, "planted");
    const scanner = partsScanner(parts, 100);
    requests.length = 0;
    const ask = (notify: (scan: InputScan) => void) => scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, null), notify);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A view asks, leaves mid-scan and asks again 50 ms later, as a page ends a cell and draws it again.
    const leave = ask(() => undefined);
    await sleep(50);
    leave();
    await sleep(50);
    const again = await finished(ask);
    expect(again.complete).toBe(true);
    expect(requests.length).toBe(8); // one scan, taken up where it was
    // Left for longer than the grace, another input's scan stops.
    requests.length = 0;
    scanner({arch: model.arch, sample: 0}, scanRequest(model, 0, {kind: "raw", hideFirst: true}), () => undefined)();
    await sleep(600);
    expect(requests.length).toBeLessThanOrEqual(6); // 100 ms of grace at 30 ms a part, and the part in flight: not the whole input
  });

  test("with a scan reader of its own, a scan reads through it alone and the views' reads do not wait for it", async () => {
    const {parts, requests, scanned} = await planted("parts-planted.parquet", TOKENS, {scanReader: true});
    const [model] = await partsFileModels(parts, "planted");
    requests.length = 0;
    const scanning = finished((notify) => scanInput(parts, 0, scanRequest(model, 0, null), notify));
    await parts.head(0, 1, 3); // a view's read, while the scan runs
    expect(requests.map((r) => [r.where.layer, r.where.firstHead, r.summary])).toEqual([[1, 3, undefined]]);
    expect((await scanning).complete).toBe(true);
    expect(scanned.length).toBe(8);
    expect(scanned.every((r) => r.summary !== undefined)).toBe(true);
    expect(requests.length).toBe(1);
  });

  test("a part that cannot be read ends the scan with its message, which the note gives", async () => {
    const {parts} = await planted("parts-negative.parquet", null);
    const [model] = await partsFileModels(parts, "negative");
    const scan = await finished((notify) => scanInput(parts, 0, scanRequest(model, 0, null), notify, 0));
    expect(scan.complete).toBe(false);
    expect(scan.error).toMatch(/layer 1, head 2/);
    expect(scanNote([scan], "detection")).toMatch(/^The file could not be read whole for detection: .*layer 1, head 2/);
  });
});
