// What the map pages' keys do to their state: ←/→ step the query, ↑/↓ the head, [ ] the layer, each
// wrapping around; the head workbench steps its held token with ←/→ instead. Pure: a state and sizes in,
// the change each key makes out (components/dom/keyboard.ts listens for the keys).

/** A position in a stack of maps, and the stack's sizes. */
export interface MapPosition {
  query: number;
  head: number;
  layer: number;
}
export interface MapSizes {
  tokens: number;
  heads: number;
  layers: number;
}

/** `value` moved into [0, size) by whole turns: one step before 0 is size − 1. */
function wrap(value: number, size: number): number {
  return ((value % size) + size) % size;
}

/** The moves every map page shares: ←/→ query, ↑/↓ head, [ ] layer, by key. */
export function mapMoves(at: MapPosition, sizes: MapSizes): Record<string, Partial<MapPosition>> {
  return {
    ArrowLeft: {query: wrap(at.query - 1, sizes.tokens)},
    ArrowRight: {query: wrap(at.query + 1, sizes.tokens)},
    ArrowUp: {head: wrap(at.head - 1, sizes.heads)},
    ArrowDown: {head: wrap(at.head + 1, sizes.heads)},
    "[": {layer: wrap(at.layer - 1, sizes.layers)},
    "]": {layer: wrap(at.layer + 1, sizes.layers)}
  };
}

/** A workbench position: head, layer and the held token (−1: none). */
export interface TokenPosition {
  head: number;
  layer: number;
  token: number;
}

/**
 * The head workbench's keys: ↑/↓ head, [ ] layer, ←/→ the held token (← from none holds the last token,
 * → from none the first), Escape lets go.
 */
export function tokenMoves(at: TokenPosition, sizes: MapSizes): Record<string, Partial<TokenPosition>> {
  const {ArrowUp, ArrowDown, "[": previousLayer, "]": nextLayer} = mapMoves({query: 0, head: at.head, layer: at.layer}, sizes);
  const from = at.token >= 0 ? at.token : 0;
  return {
    ArrowUp,
    ArrowDown,
    "[": previousLayer,
    "]": nextLayer,
    ArrowLeft: {token: wrap(from - 1, sizes.tokens)},
    ArrowRight: {token: at.token >= 0 ? wrap(from + 1, sizes.tokens) : 0},
    Escape: {token: -1}
  };
}
