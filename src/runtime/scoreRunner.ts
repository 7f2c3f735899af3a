// Runs a reader's scoring function over every head off the main thread, with a time limit. The function
// is compiled and called inside a Web Worker (built from a Blob, so no extra file is needed); a syntax
// error, a thrown exception, a non-numeric result or a run past the time limit comes back as a message
// naming what went wrong, and a worker stuck in a loop is terminated and replaced. The page never runs
// the reader's code itself.

/** One head handed to the scoring function: its label and its n×n map, row-major (rows = queries). */
export interface ScoreHead {
  label: string;
  layer: number;
  head: number;
  n: number;
  map: Float32Array;
}

export type ScoreResult =
  | {ok: true; scores: {label: string; layer: number; head: number; value: number}[]; ms: number}
  | {ok: false; message: string};

/** The worker's code. It receives {code, heads, tokens} and answers {scores} or {error}. */
const WORKER_SOURCE = `
const describe = (value) => {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return "the string " + JSON.stringify(value.slice(0, 40));
  return "a value of type " + typeof value;
};
self.onmessage = (event) => {
  const {code, heads, tokens} = event.data;
  let score;
  try {
    score = new Function('"use strict"; return (' + code + "\\n);")();
  } catch (error) {
    self.postMessage({error: "Syntax error: " + error.message});
    return;
  }
  if (typeof score !== "function") {
    self.postMessage({error: "The editor must hold one function, such as (map, tokens) => map[0][0]; it holds " + describe(score) + "."});
    return;
  }
  const scores = [];
  for (const head of heads) {
    const rows = Array.from({length: head.n}, (_, q) => head.map.subarray(q * head.n, (q + 1) * head.n));
    let value;
    try {
      value = score(rows, tokens, {layer: head.layer, head: head.head, label: head.label});
    } catch (error) {
      self.postMessage({error: "The function threw on " + head.label + ": " + (error && error.message ? error.message : String(error))});
      return;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      self.postMessage({error: "The function must return a finite number; on " + head.label + " it returned " + describe(value) + "."});
      return;
    }
    scores.push({label: head.label, layer: head.layer, head: head.head, value});
  }
  self.postMessage({scores});
};`;

export interface ScoreRunner {
  /** Scores every head with `code` (a function expression (map, tokens, info) => number). */
  run(code: string, heads: readonly ScoreHead[], tokens: readonly string[]): Promise<ScoreResult>;
  /** Stops any run and frees the worker. */
  dispose(): void;
}

export function createScoreRunner({timeoutMs = 2000}: {timeoutMs?: number} = {}): ScoreRunner {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], {type: "text/javascript"}));
  let worker: Worker | null = null;
  let pending: {finish: (result: ScoreResult) => void} | null = null;
  const stop = () => {
    worker?.terminate();
    worker = null;
  };
  return {
    run(code, heads, tokens) {
      pending?.finish({ok: false, message: "Replaced by a newer run."});
      if (!code.trim()) return Promise.resolve({ok: false, message: "The editor is empty: write a function such as (map) => map[0][0]."});
      return new Promise<ScoreResult>((resolve) => {
        worker ??= new Worker(url);
        const started = performance.now();
        const timer = setTimeout(() => {
          stop(); // a stuck worker cannot be interrupted, only replaced
          job.finish({ok: false, message: `The function did not finish within ${timeoutMs / 1000} s (an endless loop?), so it was stopped.`});
        }, timeoutMs);
        const job = {
          finish(result: ScoreResult) {
            clearTimeout(timer);
            if (pending === job) pending = null;
            resolve(result);
          }
        };
        pending = job;
        worker.onmessage = (event: MessageEvent) => {
          if (pending !== job) return;
          const data = event.data as {error?: string; scores?: {label: string; layer: number; head: number; value: number}[]};
          job.finish(data.error ? {ok: false, message: data.error} : {ok: true, scores: data.scores!, ms: performance.now() - started});
        };
        worker.onerror = (event: ErrorEvent) => {
          event.preventDefault();
          stop();
          job.finish({ok: false, message: `The function could not run: ${event.message || "the worker failed"}.`});
        };
        worker.postMessage({code, heads: heads.map((h) => ({...h})), tokens: [...tokens]});
      });
    },
    dispose() {
      pending?.finish({ok: false, message: "Stopped."});
      stop();
      URL.revokeObjectURL(url);
    }
  };
}

/** Built-in scoring functions the editor offers as starting points. */
export const SCORE_EXAMPLES: readonly {name: string; code: string}[] = [
  {
    name: "Diagonal (attends to itself)",
    code: `(map) => {
  // mean weight on the query's own position
  let sum = 0;
  for (let q = 0; q < map.length; q++) sum += map[q][q];
  return sum / map.length;
}`
  },
  {
    name: "Local window (±2 positions)",
    code: `(map) => {
  const width = 2;
  let sum = 0;
  for (let q = 0; q < map.length; q++) {
    for (let k = Math.max(0, q - width); k <= Math.min(map.length - 1, q + width); k++) sum += map[q][k];
  }
  return sum / map.length;
}`
  },
  {
    name: "Sparse (weight of the top key)",
    code: `(map) => {
  // 1 = every query looks at exactly one key; 1/n = spread evenly
  let sum = 0;
  for (const row of map) sum += Math.max(...row);
  return sum / map.length;
}`
  },
  {
    name: "Position, not content (constant diagonals)",
    code: `(map) => {
  // A positional head gives the same weight to the same offset q − k whatever the tokens:
  // its diagonals are constant. 1 − (variance within diagonals / total variance), over the
  // query itself and the keys before it.
  const n = map.length;
  const byOffset = new Map();
  let mean = 0, count = 0;
  for (let q = 0; q < n; q++) for (let k = 0; k <= q; k++) {
    const list = byOffset.get(q - k) ?? [];
    list.push(map[q][k]);
    byOffset.set(q - k, list);
    mean += map[q][k]; count++;
  }
  mean /= count;
  let total = 0, within = 0;
  for (const list of byOffset.values()) {
    const m = list.reduce((a, b) => a + b, 0) / list.length;
    for (const v of list) { total += (v - mean) ** 2; within += (v - m) ** 2; }
  }
  return total > 0 ? 1 - within / total : 0;
}`
  }
];
