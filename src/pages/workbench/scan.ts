// The head workbench's scans of a file read in parts (src/heads.md): detection scores every head, and the head grid
// and the cross-layer flow draw every layer, so an input is read whole, part by part, each part summarised in the
// part worker (sources/partSummary.ts) after the reads a view waits on. What a scan has given so far reaches the
// page as it comes, so the views fill in with their progress shown. An input's heads are kept once read; the means
// the flow draws (layers × N² weights) only for the latest input, kind and first-token choice asked. No DOM.
import type {HeadMap} from "../../components/headStack.js";
import type {HeadSummary, PartKind, SummaryRequest} from "../../sources/partSummary.js";
import type {PartsFile} from "../../sources/readerParquet.js";
import {modelsOf} from "../../sources/uploadSource.js";
import type {InputScores} from "./detection.js";
import {DETECTION_INPUTS, scanRequest} from "./maps.js";
import type {WorkbenchModel} from "./state.js";

/** What a scan of one input has given so far. */
export interface InputScan {
  /** the heads read so far, [layer][head] (undefined until read) */
  heads: (HeadSummary | undefined)[][];
  /** heads read, of `total` (layers × heads) */
  done: number;
  total: number;
  /** each layer's mean over its heads of the asked kind once the layer is read (null until then); null when none was asked */
  means: (HeadMap | null)[] | null;
  /** the part that could not be read, in words */
  error: string | null;
  complete: boolean;
}

/** The least time between two reports of a running scan (each one redraws the views that show it), ms. */
export const SCAN_REPORT_MS = 400;
/** The same for detection, whose report redraws a grid of every head: on a large model about 0.1–0.2 s of the page's thread. */
export const DETECTION_REPORT_MS = 2000;

/**
 * Scans one input: `notify` gets what it has given after each part (at most every `reportMs`) and at its end; the
 * returned function stops it. `known`: the input's heads from an earlier scan, given from the start (a scan for
 * other means reads them again, and the thumbnails and scores need not wait for it).
 */
export function scanInput(parts: PartsFile, group: number, request: SummaryRequest, notify: (scan: InputScan) => void, reportMs = SCAN_REPORT_MS, known: InputScan["heads"] | null = null): () => void {
  const {layers, heads, n} = parts;
  const scan: InputScan = {heads: Array.from({length: layers}, (_, l) => (known ? [...known[l]] : new Array(heads).fill(undefined))), done: 0, total: layers * heads, means: request.sum ? new Array(layers).fill(null) : null, error: null, complete: false};
  let stopped = false;
  let last = 0;
  let sum: {layer: number; acc: Float64Array} | null = null;
  /** A layer's mean over its heads, summed in float64 and rounded to 32-bit floats once (as mapOps.reduceHeads does); a head without rows counts as 0. */
  const close = () => {
    if (!sum || !scan.means) return;
    const {acc} = sum;
    const mean = new Float32Array(acc.length); // [N·N]
    for (let i = 0; i < acc.length; i++) mean[i] = acc[i] / heads;
    scan.means[sum.layer] = Array.from({length: n}, (_, q) => mean.subarray(q * n, (q + 1) * n));
    sum = null;
  };
  const report = (force: boolean) => {
    const now = Date.now();
    if (force || now - last >= reportMs) {
      last = now;
      notify({...scan});
    }
  };
  report(true); // nothing read yet: the views show their progress from the start
  parts
    .scan(group, request, (place, summary) => {
      summary.heads.forEach((head, i) => (scan.heads[place.layer][place.firstHead + i] = head));
      scan.done += place.headCount;
      if (summary.sum) {
        if (sum?.layer !== place.layer) close();
        sum ??= {layer: place.layer, acc: new Float64Array(n * n)};
        const acc = sum.acc;
        const part = summary.sum;
        for (let i = 0; i < part.length; i++) acc[i] += part[i];
      }
      report(false);
    }, () => stopped)
    .then(() => {
      close();
      scan.complete = !stopped;
      // A layer without rows in the file is drawn as 0, as its heads are (readerParquet's head of no part).
      if (scan.complete && scan.means) scan.means = scan.means.map((mean) => mean ?? Array.from({length: n}, () => new Float32Array(n)));
    }, (error: Error) => (scan.error = error.message))
    .finally(() => stopped || report(true));
  return () => (stopped = true);
}

/** How long a scan nobody listens to runs on, for a view drawn again to take it up (ms). */
export const SCAN_GRACE_MS = 1000;

/** The key of a sum asked for ("" for none). */
const sumKey = (request: SummaryRequest) => (request.sum ? `${request.sum.kind}|${request.sum.hideFirst}` : "");

/**
 * The scans of one file, shared by the views that ask: a scan of an input already read whole is given at once (its
 * heads; its means when the latest scan with a sum asked for the same one), a scan of an input being read is joined
 * (any scan of it, when no sum is asked), and a scan no view listens to any more stops, unless one asks for it again
 * within `graceMs` (a view drawn again, as a page redraws its cells when the reader changes another setting).
 */
export type Scanner = (at: {arch: string; sample: number}, request: SummaryRequest, notify: (scan: InputScan) => void) => () => void;

export function partsScanner(parts: PartsFile, graceMs = SCAN_GRACE_MS): Scanner {
  interface Running {
    key: string;
    /** the stop waiting for a view to ask again, once none listens */
    leaving: ReturnType<typeof setTimeout> | null;
    listeners: Set<(scan: InputScan) => void>;
    last: InputScan | null;
    stop: () => void;
  }
  const read = new Map<number, InputScan>(); // complete scans by input, without their means
  let latest: {key: string; scan: InputScan} | null = null; // the latest complete scan with means
  const running = new Map<string, Running>();
  const start = (key: string, group: number, request: SummaryRequest): Running => {
    const run: Running = {key, leaving: null, listeners: new Set(), last: null, stop: () => undefined};
    run.stop = scanInput(parts, group, request, (scan) => {
      run.last = scan;
      if (scan.complete || scan.error) running.delete(key);
      if (scan.complete) {
        read.set(group, {...scan, means: null});
        if (request.sum) latest = {key, scan};
      }
      run.listeners.forEach((listener) => listener(scan));
    }, SCAN_REPORT_MS, read.get(group)?.heads ?? null);
    running.set(key, run);
    return run;
  };
  const models = modelsOf(parts);
  return ({arch, sample}, request, notify) => {
    const group = models.get(arch)?.[sample];
    if (group === undefined) throw new Error(`the file has no sequence ${sample} of model "${arch}"`);
    const key = `${group}|${sumKey(request)}`;
    const kept = request.sum ? (latest?.key === key ? latest.scan : null) : (read.get(group) ?? null);
    if (kept) {
      notify(kept);
      return () => undefined;
    }
    // A scan that asks for no sum joins any scan of the input (one that also sums reads the same heads).
    const any = request.sum ? undefined : [...running.values()].find((r) => r.key.startsWith(`${group}|`));
    const run = running.get(key) ?? any ?? start(key, group, request);
    run.listeners.add(notify);
    if (run.last) notify(run.last);
    if (run.leaving !== null) clearTimeout(run.leaving);
    run.leaving = null;
    return () => {
      run.listeners.delete(notify);
      if (run.listeners.size > 0 || running.get(run.key) !== run) return;
      // A page redraws a view by ending its cell and starting it again: the scan waits a moment for it to ask again.
      run.leaving = setTimeout(() => {
        if (run.listeners.size > 0 || running.get(run.key) !== run) return;
        run.stop();
        running.delete(run.key);
      }, graceMs);
    };
  };
}

/** A scan's scores as detection reads them (a file without effective maps scores its pattern for both kinds). */
export function scanScores(scan: InputScan): InputScores {
  const of = (kind: PartKind) => scan.heads.map((layer) => layer.map((head) => (head ? (head.scores[kind] ?? head.scores.raw) : {})));
  return {raw: of("raw"), effective: of("effective")};
}

/** The thumbnails of one kind a scan has read, [layer][head] (null until read). */
export function scanThumbs(scan: InputScan, kind: PartKind, hideFirst: boolean): (HeadMap | null)[][] {
  return scan.heads.map((layer) => layer.map((head) => {
    if (!head) return null;
    const {thumbs} = head;
    return kind === "effective" && thumbs.effective ? (hideFirst ? thumbs.effectiveHidden! : thumbs.effective) : hideFirst ? thumbs.rawHidden : thumbs.raw;
  }));
}

/** No head read yet: every thumbnail of a model's grid is empty. */
export function pendingThumbs(model: Pick<WorkbenchModel, "layers" | "heads">): null[][] {
  return Array.from({length: model.layers}, () => new Array<null>(model.heads).fill(null));
}

/**
 * The scans detection reads: the first DETECTION_INPUTS inputs of a model read in parts, one after the other; `notify`
 * gets all of them (those not started yet empty) as they come, at most every `reportMs` and when each one ends. The
 * returned function stops them.
 */
export function scanDetection(scanner: Scanner, model: WorkbenchModel, notify: (scans: InputScan[]) => void, reportMs = DETECTION_REPORT_MS): () => void {
  const count = Math.min(DETECTION_INPUTS, model.samples.length);
  const empty = (): InputScan => ({heads: Array.from({length: model.layers}, () => new Array(model.heads).fill(undefined)), done: 0, total: model.layers * model.heads, means: null, error: null, complete: false});
  const scans = Array.from({length: count}, empty);
  let stop: () => void = () => undefined;
  let stopped = false;
  let last = -Infinity;
  const next = (sample: number) => {
    if (stopped || sample >= count) return;
    let moved = false;
    stop = scanner({arch: model.arch, sample}, scanRequest(model, sample, null), (scan) => {
      scans[sample] = scan;
      const ended = scan.complete || scan.error !== null;
      if (ended || Date.now() - last >= reportMs) {
        last = Date.now();
        notify([...scans]);
      }
      if ((scan.complete || scan.error) && !moved) {
        moved = true;
        queueMicrotask(() => next(sample + 1));
      }
    });
  };
  next(0);
  return () => {
    stopped = true;
    stop();
  };
}

/** What the head grid says while heads are missing ("" once every head of the input is read, by this scan or one before). */
export function thumbsNote(scan: InputScan): string {
  return scan.heads.every((layer) => layer.every((head) => head !== undefined)) ? "" : scanNote([scan], "the thumbnails");
}

/** What a view reading scans says of them while they run ("" once every one is read): heads read, of all. */
export function scanNote(scans: readonly InputScan[], what: string): string {
  const failed = scans.find((scan) => scan.error);
  if (failed) return `The file could not be read whole for ${what}: ${failed.error}`;
  if (scans.every((scan) => scan.complete)) return "";
  const done = scans.reduce((sum, scan) => sum + scan.done, 0);
  const total = scans.reduce((sum, scan) => sum + scan.total, 0);
  const inputs = scans.length > 1 ? ` of ${scans.length} inputs` : "";
  return `Reading every head${inputs} for ${what}: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} read…`;
}
