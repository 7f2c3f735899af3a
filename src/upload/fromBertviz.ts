// BertViz-style JSON → an AttentionSet: {"tokens": [...], "attention": layers × heads × query × key}, or
// with BertViz's batch axis, layers × batch × heads × query × key (each batch entry becomes a sample,
// all sharing the tokens). BertViz's own params, as head_view and model_view embed them in their pages
// ({"attention": [{"name", "attn", "left_text", "right_text"}, …]}), give their first view. Every nesting
// level is checked, and a problem names its index path. Pure.
import type {AttentionSet} from "./attentionSet.js";
import type {IssueList} from "./issues.js";
import {MAX_WEIGHTS} from "./limits.js";
import {checkTokenList} from "./tokens.js";

const LEVELS_PLAIN = 4;
const LEVELS_BATCHED = 5;

/** Where a page saved from head_view / model_view (html_action="return") assigns its params. */
const PARAMS_ASSIGNMENT = /(?:\b(?:const|let|var)\s+|\bwindow\.)params\s*=\s*/;
/** The comment BertViz's template leaves after the params on the same line. */
const TRAILING_COMMENT = /;\s*\/\/[^"]*$/;

/** The params JSON text of a saved BertViz page, or null when the page has none (json.dumps writes one line). */
export function bertvizParamsFromHtml(html: string): string | null {
  const match = PARAMS_ASSIGNMENT.exec(html);
  if (!match) return null;
  const start = match.index + match[0].length;
  const end = html.indexOf("\n", start);
  return html.slice(start, end < 0 ? undefined : end).replace(TRAILING_COMMENT, "").trim().replace(/;$/, "");
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * BertViz's params → {tokens, attention} of their first view, or the value itself when it is not BertViz's
 * params. Warns when the params hold more views than the one read, or only some of the model's layers.
 */
function firstView(value: Record<string, unknown>, name: string, issues: IssueList): Record<string, unknown> | null {
  const {attention} = value;
  // Older BertViz keyed its views by filter ({"all": {...}, "aa": {...}}, "default_filter": "all").
  const views = Array.isArray(attention) ? attention : isRecord(attention) ? Object.entries(attention).sort(([a], [b]) => Number(b === value.default_filter) - Number(a === value.default_filter)).map(([, v]) => v) : null;
  if (!views || !isRecord(views[0])) return value;
  const view = views[0];
  const label = (v: unknown, i: number) => (isRecord(v) && typeof v.name === "string" ? `"${v.name}"` : `view ${i}`);
  if (!Array.isArray(view.left_text) || !Array.isArray(view.right_text)) {
    issues.error("missing_column", `${name}: BertViz's first view needs "left_text" and "right_text" token lists next to "attn"`);
    return null;
  }
  if (view.left_text.length !== view.right_text.length || view.left_text.some((t, i) => t !== (view.right_text as unknown[])[i])) {
    issues.error("shape", `${name}: BertViz's first view, ${label(view, 0)}, is cross-attention (its query tokens are not its key tokens); this page draws self-attention only`);
    return null;
  }
  if (views.length > 1) issues.warn("extra_file", `${name} holds ${views.length} BertViz views (${views.map(label).join(", ")}); the first, ${label(view, 0)}, is shown`);
  const layers = value.include_layers;
  if (Array.isArray(layers) && layers.some((l, i) => l !== i)) issues.warn("extra_file", `${name} holds layers ${layers.join(", ")} of the model; they are numbered from 0 here`);
  return {tokens: view.left_text, attention: view.attn};
}

function depth(value: unknown): number {
  let d = 0;
  while (Array.isArray(value)) {
    d++;
    value = value[0];
  }
  return d;
}

export function attentionFromBertviz(value: Record<string, unknown>, name: string, format: string, issues: IssueList): AttentionSet | null {
  const view = firstView(value, name, issues);
  if (!view) return null;
  const {tokens, attention} = view;
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
  const groups = Array.from({length: B}, (_, b) => ({label: B > 1 ? `sample ${b}` : "sequence", model: null, sample: B > 1 ? String(b) : null, tokens: tokens as string[], numbered: false}));
  return {source: format === "JSON" ? "BertViz JSON" : format, layers: L, heads: H, n: N, groups, values, effective: null, mixing: null, ablation: null};
}
