// The upload pipeline: files in, either a checked AttentionSet or the list of problems out — nothing is
// drawn unless there is no error. One attention file (tidy or dense table, or BertViz JSON), optionally
// with a tokens file, a mixing table and an ablation table, in any of Arrow IPC (file or stream), Parquet or JSON. Pure: the
// page reads the files and passes a Parquet decoder; everything here is testable in Node.
import type {Table} from "apache-arrow";
import {checkRowSums, type AttentionSet} from "./attentionSet.js";
import {attentionFromBertviz} from "./fromBertviz.js";
import {attentionFromTable} from "./fromTable.js";
import {IssueList, type Issue} from "./issues.js";
import {checkMixing, mixingFromTable} from "./mixing.js";
import {ABLATION_COLUMNS, ablationFromTable, checkAblation} from "./ablation.js";
import type {Rows} from "./columns.js";
import {CorruptFile, decodeFile, inMemory, type OnProgress, type ParquetDecoder, type UploadFile} from "./readers.js";
import {tokensFromJson, tokensFromTable, type TokenLists} from "./tokens.js";

export type {UploadFile, ParquetDecoder} from "./readers.js";

export interface LoadResult {
  issues: Issue[];
  /** null whenever an issue is an error */
  data: AttentionSet | null;
  /** rows that do not sum to 1 (the page offers to renormalise) */
  offRows: number;
}

export type Role =
  | {role: "attention-table"; name: string; format: string; table: Rows}
  | {role: "bertviz"; name: string; format: string; value: Record<string, unknown>}
  | {role: "tokens"; name: string; tokens: TokenLists | null}
  | {role: "mixing"; name: string; table: Table}
  | {role: "ablation"; name: string; table: Table};

const has = (table: Rows, column: string) => table.schema.fields.some((f) => f.name === column);

/** What `read` returns, or null with the file's "corrupt" issue when a Parquet row group stops decoding on the way. */
function orCorrupt<T>(read: () => T, issues: IssueList): T | null {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof CorruptFile)) throw error;
    issues.error("corrupt", error.message);
    return null;
  }
}

/**
 * What a decoded file is, from its columns or keys. A table that is neither tokens nor mixing is taken as
 * attention, and is the only one read a record batch at a time; null when a small table does not decode.
 */
function roleOf(file: UploadFile, decoded: NonNullable<ReturnType<typeof decodeFile>>, issues: IssueList): Role | null {
  const {name} = file;
  if (decoded.kind === "json") {
    const value = decoded.value;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "attention" in value) return {role: "bertviz", name, format: decoded.format, value: value as Record<string, unknown>};
    return {role: "tokens", name, tokens: tokensFromJson(value, name, issues)};
  }
  const {table} = decoded;
  if (has(table, "pattern")) return {role: "attention-table", name, format: decoded.format, table};
  const small = orCorrupt(() => inMemory(table), issues);
  if (!small) return null;
  if (has(small, "token")) return {role: "tokens", name, tokens: tokensFromTable(small, name, issues)};
  if (has(small, "matrix")) return {role: "mixing", name, table: small};
  if (ABLATION_COLUMNS.every((c) => has(small, c))) return {role: "ablation", name, table: small};
  return {role: "attention-table", name, format: decoded.format, table: small};
}

/** What one file is (attention, tokens, mixing or ablation), decoded and checked as such; null when it does not decode. */
export function fileRole(file: UploadFile, issues: IssueList, decodeParquet?: ParquetDecoder): Role | null {
  const decoded = decodeFile(file, issues, decodeParquet);
  return decoded && roleOf(file, decoded, issues);
}

/** What a reader is doing while a large Parquet file's rows are read: the stage, with the share of rows read so far. */
export function progressStage(rows: number, total: number, read: number): string {
  return `reading and checking: ${Math.floor((100 * rows) / total)}% of ${total.toLocaleString("en-US")} rows${read > 1 ? ` (read ${read})` : ""}`;
}

/** `onProgress` hears how far the rows of a Parquet file have been read (a row group at a time). */
export function loadUpload(files: readonly UploadFile[], decodeParquet?: ParquetDecoder, onProgress?: OnProgress): LoadResult {
  const issues = new IssueList();
  const roles: Role[] = [];
  for (const file of files) {
    const decoded = decodeFile(file, issues, decodeParquet, onProgress);
    const role = decoded && roleOf(file, decoded, issues);
    if (role) roles.push(role);
  }
  const fail = (): LoadResult => ({issues: issues.list(), data: null, offRows: 0});
  if (issues.hasErrors) return fail();

  const attention = roles.filter((r) => r.role === "attention-table" || r.role === "bertviz");
  const tokens = roles.filter((r) => r.role === "tokens");
  const mixing = roles.filter((r) => r.role === "mixing");
  const ablation = roles.filter((r) => r.role === "ablation");
  if (attention.length === 0) {
    issues.error("no_attention", `no attention file among ${files.map((f) => f.name).join(", ")}: add a table with a "pattern" column or a BertViz JSON with "attention"`);
    return fail();
  }
  for (const [list, what] of [[attention, "attention"], [tokens, "tokens"], [mixing, "mixing"], [ablation, "ablation"]] as const) {
    if (list.length > 1) issues.error("extra_file", `pick one ${what} file at a time; got ${list.map((r) => r.name).join(", ")}`);
  }
  if (issues.hasErrors) return fail();

  const main = attention[0];
  const tokenLists = tokens[0]?.role === "tokens" ? tokens[0].tokens : null;
  let data: AttentionSet | null;
  if (main.role === "bertviz") {
    if (tokens.length) issues.warn("extra_file", `${tokens[0].name} was not used: a BertViz JSON carries its own tokens`);
    data = attentionFromBertviz(main.value, main.name, main.format, issues);
  } else data = main.role === "attention-table" ? orCorrupt(() => attentionFromTable(main.table, main.name, main.format, tokenLists, issues), issues) : null;
  if (!data || issues.hasErrors) return fail();

  if (mixing[0]?.role === "mixing") {
    const rows = mixingFromTable(mixing[0].table, mixing[0].name, issues);
    if (rows) checkMixing(rows, data.layers, data.heads, mixing[0].name, issues);
    if (issues.hasErrors) return fail();
    data = {...data, mixing: rows};
  }
  if (ablation[0]?.role === "ablation") {
    const table = ablationFromTable(ablation[0].table, ablation[0].name, issues);
    if (table) checkAblation(table.rows, data.layers, data.heads, new Set(data.groups.map((g) => g.model ?? "")), ablation[0].name, issues);
    if (issues.hasErrors) return fail();
    data = {...data, ablation: table};
  }
  const offRows = checkRowSums(data, issues, main.name);
  return {issues: issues.list(), data, offRows};
}
