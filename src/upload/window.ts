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

/**
 * The window to show `query` in, given the one shown (null for none): the same window while the query is more
 * than `edge` tokens inside it (or inside it at an end of the sequence), else a new one of `size` centred on
 * the query. A caller rebuilds its view only when the window returned is not the one it passed.
 */
export function followWindow(shown: TokenWindow | null, query: number, tokens: number, size: number, edge: number): TokenWindow {
  if (shown) {
    const low = shown.start === 0 ? 0 : shown.start + edge;
    const high = shown.start + shown.size === tokens ? tokens : shown.start + shown.size - edge;
    if (query >= low && query < high) return shown;
  }
  return windowAround(query, tokens, size);
}
