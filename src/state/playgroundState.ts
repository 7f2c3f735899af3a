// The playground's address-bar state (architecture, relation, query cell, head) and the typed-relation
// parser. Pure: strings in, values or a message naming what is wrong out.
import {ARCHS, type Arch} from "../model/vocabulary.js";
import {choiceField, integerField, parseUrlState, serializeUrlState, textField, type Schema} from "./urlState.js";

export interface PlaygroundState {
  arch: Arch;
  /** row-major m·m bits */
  relation: Uint8Array;
  /** query cell n = i·m + j */
  query: number;
  /** the head drawn in the Sentence Views */
  head: number;
}

/** Either a relation or a message saying what is wrong with the text. */
export type ParsedRelation = {relation: Uint8Array; error?: undefined} | {relation?: undefined; error: string};

/**
 * Reads a relation typed as m rows of m digits 0/1 (rows split by new lines, "/", ";" or ","; spaces
 * ignored), or as one run of m·m digits. Every other character is named in the message with its place.
 */
export function parseRelation(text: string, m: number): ParsedRelation {
  const trimmed = text.trim();
  if (trimmed === "") return {error: `The relation is empty: type ${m} rows of ${m} digits, 0 or 1.`};
  const rows = trimmed.split(/[\n\r/;,]+/).map((row) => row.replace(/\s+/g, "")).filter((row) => row !== "");
  for (const [i, row] of rows.entries()) {
    const chars = [...row];
    const bad = chars.findIndex((c) => c !== "0" && c !== "1");
    if (bad >= 0) {
      const where = rows.length === 1 ? `Position ${bad + 1}` : `Row ${i + 1}, position ${bad + 1}`;
      return {error: `${where}: ${JSON.stringify(chars[bad])} is not 0 or 1.`};
    }
  }
  const flat = rows.length === 1 ? rows[0] : null;
  if (flat !== null && flat.length !== m * m) {
    return {error: `One line of ${flat.length} digits: a relation on one line needs exactly ${m * m} (or type ${m} rows of ${m}).`};
  }
  const grid = flat !== null ? Array.from({length: m}, (_, i) => flat.slice(i * m, (i + 1) * m)) : rows;
  if (grid.length !== m) return {error: `${grid.length} rows: the relation needs exactly ${m} rows of ${m} digits.`};
  const relation = new Uint8Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = grid[i];
    if (row.length !== m) return {error: `Row ${i + 1} has ${row.length} digits; every row needs ${m}.`};
    for (let j = 0; j < m; j++) relation[i * m + j] = row[j] === "1" ? 1 : 0;
  }
  return {relation};
}

/** The relation as m rows of digits joined by "/" (what the address bar and the text box hold). */
export function formatRelation(relation: ArrayLike<number>, m: number): string {
  return Array.from({length: m}, (_, i) => Array.from({length: m}, (_, j) => (relation[i * m + j] ? "1" : "0")).join("")).join("/");
}

/** The playground's URL schema for an m×m relation, `heads` heads and the given defaults. */
function playgroundSchema(m: number, heads: number, defaults: PlaygroundState): Schema<PlaygroundState> {
  return {
    arch: choiceField("arch", ARCHS, defaults.arch),
    relation: textField("relation", defaults.relation, (text) => parseRelation(text, m).relation, (relation) => formatRelation(relation, m)),
    query: integerField("query", 0, m * m - 1, defaults.query),
    head: integerField("head", 0, heads - 1, defaults.head)
  };
}

/** State from a query string; a missing or bad value takes its default. */
export function parsePlaygroundState(search: string, m: number, heads: number, defaults: PlaygroundState): PlaygroundState {
  return parseUrlState(search, playgroundSchema(m, heads, defaults));
}

/** The query string of a state, without the leading "?". */
export function serializePlaygroundState(state: PlaygroundState, m: number): string {
  return serializeUrlState(state, playgroundSchema(m, Infinity, state));
}
