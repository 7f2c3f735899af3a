// The row-group index a Parquet file of this site carries in its key-value metadata (written by
// src/data/parquet.ts): which values of the grouping columns each row group holds, so that a reader can
// fetch the footer and then only the row groups of one slice.

/** Key-value metadata entry holding the JSON of a RowGroupIndex. */
export const ROW_GROUPS_KEY = "mixviz.row_groups";

/** keys[g] are the values of `columns` shared by every row of row group g. */
export interface RowGroupIndex {
  columns: string[];
  keys: (string | number)[][];
}

/** The row groups whose key matches every value of `where` (columns absent from `where` match anything). */
export function rowGroupsOf(index: RowGroupIndex, where: Record<string, string | number | undefined>): number[] {
  const groups: number[] = [];
  index.keys.forEach((key, g) => {
    if (index.columns.every((column, i) => where[column] === undefined || where[column] === key[i])) groups.push(g);
  });
  return groups;
}
