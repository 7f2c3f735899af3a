// Turns tidy attention rows (head_index, query_pos, key_pos, value) of one sample and layer into a stack
// of per-head maps: stack[h][q][k]. Missing rows and nulls stay 0. Pure.

export interface MapColumns {
  head_index: ArrayLike<number>;
  query_pos: ArrayLike<number>;
  key_pos: ArrayLike<number>;
  value: ArrayLike<number | null>;
}

/** One head's N×N map as rows. */
export type HeadMap = Float32Array[];

export function headStack(columns: MapColumns, heads: number, tokens: number): HeadMap[] {
  const stack = Array.from({length: heads}, () => Array.from({length: tokens}, () => new Float32Array(tokens)));
  const {head_index, query_pos, key_pos, value} = columns;
  for (let i = 0; i < value.length; i++) {
    const h = Number(head_index[i]);
    const q = Number(query_pos[i]);
    const k = Number(key_pos[i]);
    const v = value[i];
    if (v === null || !Number.isFinite(v) || !stack[h]?.[q] || k < 0 || k >= tokens) continue;
    stack[h][q][k] = v;
  }
  return stack;
}

/** The column of key k in a map: what attends to k. */
export function column(map: HeadMap, k: number): Float32Array {
  return Float32Array.from(map, (row) => row[k]);
}

/** The `count` largest entries of a row, largest first. */
export function topKeys(row: ArrayLike<number>, count: number): {key: number; weight: number}[] {
  return Array.from(row, (weight, key) => ({key, weight}))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count);
}
