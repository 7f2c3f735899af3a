// Problems found in an uploaded file: each names what is wrong and where (file, column, row, layer/head/
// position). Errors stop anything from being drawn; warnings are shown next to the views. Pure.
import {MAX_LOCATIONS} from "./limits.js";

export type IssueLevel = "error" | "warning";

/** Machine-readable kinds, one per check (the page and the tests key on them). */
export type IssueCode =
  | "empty"
  | "too_large"
  | "unknown_format"
  | "corrupt"
  | "no_rows"
  | "no_attention"
  | "missing_column"
  | "wrong_type"
  | "null_value"
  | "not_finite"
  | "negative"
  | "out_of_range"
  | "duplicate"
  | "token_mismatch"
  | "shape"
  | "too_many_weights"
  | "row_sum"
  | "not_probability"
  | "missing_cells"
  | "no_tokens"
  | "extra_file"
  | "parts";

export interface Issue {
  level: IssueLevel;
  code: IssueCode;
  /** the whole message, ready to show as text */
  message: string;
}

/** A location, or a function that builds it (only called for the few locations that are named). */
export type Where = string | (() => string);

/** One message's record as an IssueList keeps it (plain data, so it crosses to and from a worker). */
export interface IssueRecord {
  level: IssueLevel;
  code: IssueCode;
  head: string;
  where: string[];
  count: number;
  unit: string;
}

/**
 * Collects issues, one message per (file, code): the first few locations are named, the rest counted,
 * so a file with a million NaNs gives one readable line.
 */
export class IssueList {
  private readonly entries = new Map<string, IssueRecord>();

  /** Records one occurrence: `head` is the message (same for every occurrence), `where` its location. */
  add(level: IssueLevel, code: IssueCode, head: string, where: Where = "", unit = "rows"): void {
    const key = `${code}|${head}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {level, code, head, where: [], count: 0, unit};
      this.entries.set(key, entry);
    }
    entry.count++;
    if (entry.where.length < MAX_LOCATIONS) {
      const text = typeof where === "function" ? where() : where;
      if (text) entry.where.push(text);
    }
  }

  error(code: IssueCode, head: string, where: Where = "", unit = "rows"): void {
    this.add("error", code, head, where, unit);
  }

  warn(code: IssueCode, head: string, where: Where = "", unit = "rows"): void {
    this.add("warning", code, head, where, unit);
  }

  /** How often a code has been recorded (to stop scanning after enough examples). */
  count(code: IssueCode): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.code === code) n += e.count;
    return n;
  }

  /** Adds every issue of `other` (its counts, and its named locations while fewer than MAX_LOCATIONS are named). */
  absorb(other: IssueList): void {
    for (const [key, e] of other.entries) {
      const entry = this.entries.get(key);
      if (!entry) this.entries.set(key, {...e, where: [...e.where]});
      else (entry.count += e.count), entry.where.push(...e.where.slice(0, MAX_LOCATIONS - entry.where.length));
    }
  }

  /** The records, to rebuild the list elsewhere with `IssueList.from` (a worker's answer). */
  records(): IssueRecord[] {
    return [...this.entries.values()].map((e) => ({...e, where: [...e.where]}));
  }

  static from(records: readonly IssueRecord[]): IssueList {
    const list = new IssueList();
    for (const e of records) list.entries.set(`${e.code}|${e.head}`, {...e, where: [...e.where]});
    return list;
  }

  get hasErrors(): boolean {
    return [...this.entries.values()].some((e) => e.level === "error");
  }

  list(): Issue[] {
    return [...this.entries.values()].map((e) => {
      const places = e.where.length ? `: ${e.where.join("; ")}` : "";
      const more = e.count > e.where.length && e.where.length > 0 ? ` (${e.count.toLocaleString("en-US")} ${e.unit} in all)` : "";
      return {level: e.level, code: e.code, message: `${e.head}${places}${more}.`};
    });
  }
}
