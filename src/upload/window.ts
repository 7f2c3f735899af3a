// A window of consecutive tokens cut from a layer's maps, for views that cannot draw every weight of a
// long sequence on each move (the Attention Field draws H·N² dots: 3.1 M at 12 heads × 512 tokens).
// Pure: a stack of maps in, the same maps restricted to tokens [start, start + size) out (views, no copy
// of the rows' storage beyond the cut).

export interface TokenWindow {
  start: number;
  size: number;
}

/** The window of `size` tokens that holds `query`, centred on it where the sequence allows. */
export function windowAround(query: number, tokens: number, size: number): TokenWindow {
  if (tokens <= size) return {start: 0, size: tokens};
  const start = Math.min(Math.max(0, query - Math.floor(size / 2)), tokens - size);
  return {start, size};
}

export function cutStack(stack: readonly (readonly Float32Array[])[], window: TokenWindow): Float32Array[][] {
  const {start, size} = window;
  return stack.map((map) => map.slice(start, start + size).map((row) => row.subarray(start, start + size)));
}
