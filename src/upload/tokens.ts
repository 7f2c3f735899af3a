// Token lists: from a JSON list (["The", "cat", …] or {"tokens": […]}) or a table with columns
// `position`, `token` and optionally `sample` (one list per sample). Tokens are untrusted text: they are
// kept as strings and the views only ever set them as text. Pure.
import type {Table} from "apache-arrow";
import {checkColumns, checkNulls, labels, numbers} from "./columns.js";
import type {IssueList} from "./issues.js";

export interface TokenLists {
  /** one list for every sample, or null when the lists are per sample */
  shared: string[] | null;
  /** per sample (keyed by the sample value as text) */
  bySample: Map<string, string[]>;
}

export function tokensFromJson(value: unknown, name: string, issues: IssueList): TokenLists | null {
  const list = Array.isArray(value) ? value : (value as {tokens?: unknown}).tokens;
  if (!Array.isArray(list)) {
    issues.error("wrong_type", `${name}: expected a list of token strings or {"tokens": [...]}`);
    return null;
  }
  return checkTokenList(list, name, "tokens", issues) ? {shared: list as string[], bySample: new Map()} : null;
}

/** Every entry a string, at least one. */
export function checkTokenList(list: readonly unknown[], name: string, where: string, issues: IssueList): boolean {
  if (list.length === 0) {
    issues.error("no_rows", `${name}: ${where} is an empty list`);
    return false;
  }
  let ok = true;
  list.forEach((token, i) => {
    if (typeof token !== "string") {
      issues.error("wrong_type", `${name}: tokens must be strings`, `${where}[${i}] is ${token === null ? "null" : typeof token}`, "tokens");
      ok = false;
    }
  });
  return ok;
}

export function tokensFromTable(table: Table, name: string, issues: IssueList): TokenLists | null {
  if (table.numRows === 0) {
    issues.error("no_rows", `${name} has no rows`);
    return null;
  }
  if (!checkColumns(table, name, {position: "integer", token: "label"}, {sample: "label"}, issues)) return null;
  if (!checkNulls(table, name, ["position", "token", ...(table.getChild("sample") ? ["sample"] : [])], issues)) return null;
  const position = numbers(table.getChild("position")!);
  const token = labels(table.getChild("token")!);
  const sample = table.getChild("sample") ? labels(table.getChild("sample")!) : null;
  const lists = new Map<string, (string | undefined)[]>();
  let ok = true;
  for (let i = 0; i < table.numRows; i++) {
    const key = sample ? sample[i] : "";
    const p = position[i];
    if (!lists.has(key)) lists.set(key, []);
    const list = lists.get(key)!;
    if (p < 0) {
      issues.error("out_of_range", `${name}: "position" is negative`, `row ${i} has position ${p}`);
      ok = false;
    } else if (list[p] !== undefined) {
      issues.error("duplicate", `${name}: a token position appears twice`, `row ${i} repeats position ${p}${sample ? ` of sample ${key}` : ""}`);
      ok = false;
    } else list[p] = token[i];
  }
  for (const [key, list] of lists) {
    const hole = Array.from(list, (t) => t).findIndex((t) => t === undefined);
    if (hole >= 0) {
      issues.error("token_mismatch", `${name}: token positions must run 0, 1, 2, … without gaps`, `position ${hole}${sample ? ` of sample ${key}` : ""} is missing`);
      ok = false;
    }
  }
  if (!ok) return null;
  return sample ? {shared: null, bySample: lists as Map<string, string[]>} : {shared: lists.get("") as string[], bySample: new Map()};
}
/** A sequence's tokens from the tokens file: its one list, or the list of its sample; null when there is none. */
export function tokensFor(tokens: TokenLists | null, sample: string | null): string[] | null {
  return tokens ? tokens.shared ?? (sample !== null ? tokens.bySample.get(sample) ?? null : null) : null;
}

