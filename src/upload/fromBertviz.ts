// BertViz-style JSON → an AttentionSet: {"tokens": [...], "attention": layers × heads × query × key}, or
// with BertViz's batch axis, layers × batch × heads × query × key (each batch entry becomes a sample,
// all sharing the tokens). Every nesting level is checked, and a problem names its index path. Pure.
import type {AttentionSet} from "./attentionSet.js";
import type {IssueList} from "./issues.js";
import {MAX_WEIGHTS} from "./limits.js";
import {checkTokenList} from "./tokens.js";

const LEVELS_PLAIN = 4;
const LEVELS_BATCHED = 5;

function depth(value: unknown): number {
  let d = 0;
  while (Array.isArray(value)) {
    d++;
    value = value[0];
  }
  return d;
}

export function attentionFromBertviz(value: Record<string, unknown>, name: string, issues: IssueList): AttentionSet | null {
  const {tokens, attention} = value;
  if (!Array.isArray(tokens)) {
    issues.error("missing_column", `${name}: BertViz JSON needs a "tokens" list next to "attention"`);
    return null;
  }
  if (!checkTokenList(tokens, name, "tokens", issues)) return null;
  if (!Array.isArray(attention) || attention.length === 0) {
    issues.error("no_rows", `${name}: "attention" is empty; expected layers × heads × query × key`);
    return null;
  }
  const d = depth(attention);
  if (d !== LEVELS_PLAIN && d !== LEVELS_BATCHED) {
    issues.error("shape", `${name}: "attention" is nested ${d} deep; expected 4 (layers × heads × query × key) or 5 (layers × batch × heads × query × key)`);
    return null;
  }
  const batched = d === LEVELS_BATCHED;
  const L = attention.length;
  const B = batched ? (attention[0] as unknown[]).length : 1;
  const H = ((batched ? attention[0][0] : attention[0]) as unknown[]).length;
  const N = tokens.length;
  const weights = B * L * H * N * N;
  if (weights > MAX_WEIGHTS) {
    issues.error("too_many_weights", `${name} holds ${weights.toLocaleString("en-US")} weights, more than this page keeps in memory (${MAX_WEIGHTS.toLocaleString("en-US")})`);
    return null;
  }
  const values = Array.from({length: B}, () => new Float32Array(L * H * N * N));
  const shape = (path: string, list: unknown, expected: number, what: string): list is unknown[] => {
    if (Array.isArray(list) && list.length === expected) return true;
    const got = Array.isArray(list) ? `${list.length} entries` : list === null ? "null" : typeof list;
    issues.error(what === "keys" || what === "queries" ? "token_mismatch" : "shape", `${name}: every ${path.includes("][") ? "entry" : "layer"} of "attention" must have the same shape`, `${path} has ${got}, expected ${expected} ${what}${what === "keys" || what === "queries" ? ` (one per token: "tokens" has ${N})` : ""}`);
    return false;
  };
  for (let l = 0; l < L; l++) {
    const layer = attention[l];
    const batches = batched ? layer : [layer];
    if (batched && !shape(`attention[${l}]`, layer, B, "batch entries")) continue;
    for (let b = 0; b < B; b++) {
      const heads = (batches as unknown[])[b];
      const at = batched ? `attention[${l}][${b}]` : `attention[${l}]`;
      if (!shape(at, heads, H, "heads")) continue;
      for (let h = 0; h < H; h++) {
        const rows = heads[h];
        if (!shape(`${at}[${h}]`, rows, N, "queries")) continue;
        for (let q = 0; q < N; q++) {
          const row = rows[q];
          if (!shape(`${at}[${h}][${q}]`, row, N, "keys")) continue;
          const offset = ((l * H + h) * N + q) * N;
          for (let k = 0; k < N; k++) {
            const v = row[k];
            const where = () => `${at}[${h}][${q}][${k}] (layer ${l}, head ${h}, query ${q}, key ${k}) is ${JSON.stringify(v)}`;
            if (typeof v !== "number") issues.error(v === null ? "null_value" : "wrong_type", `${name}: attention weights must be numbers`, where);
            else if (v < 0) issues.error("negative", `${name}: attention weights cannot be negative`, where);
            else values[b][offset + k] = v;
          }
        }
      }
    }
  }
  if (issues.hasErrors) return null;
  const groups = Array.from({length: B}, (_, b) => ({label: B > 1 ? `sample ${b}` : "sequence", model: null, sample: B > 1 ? String(b) : null, tokens: tokens as string[]}));
  return {source: "BertViz JSON", layers: L, heads: H, n: N, groups, values, effective: null, mixing: null};
}
