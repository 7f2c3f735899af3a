// How the explorer pages split their state between cells that rebuild a view and listeners that move it.
// `watch` yields the controls' value only when a key of it changes, so that a cell built on it re-runs for
// that part of the state alone; `follow` calls a function on every change of another part (the query, the
// explorer's head), synchronously in the controls' "input" event, so that a view built once moves in place (no
// cell re-runs).

/** Controls as both pages have them: a `value` with a query, and an "input" event on every change. */
export interface QueryControls<T extends {query: number}> extends EventTarget {
  value: T;
}

/** The controls' value now and after every change of `key(value)` (an async generator for a page cell). */
export async function* watch<T extends {query: number}>(input: QueryControls<T>, key: (value: T) => string): AsyncGenerator<T> {
  let last: string | undefined;
  let wake: (() => void) | null = null;
  const listener = () => wake?.();
  input.addEventListener("input", listener);
  try {
    for (;;) {
      const value = input.value;
      const k = key(value);
      if (k !== last) {
        last = k;
        yield value;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    }
  } finally {
    input.removeEventListener("input", listener);
  }
}

/** A part of the controls' value: its query, the one part every view follows. */
export const queryOf = <T extends {query: number}>(value: T): number => value.query;

/**
 * Calls `move(part(value))` on every change of `part(value)` until `invalidation` resolves. A change that also
 * changes `key(value)` is left to the cell that rebuilds on that key (`watch`), so no view about to go moves.
 */
export function follow<T extends {query: number}, P>(
  input: QueryControls<T>,
  invalidation: Promise<unknown>,
  part: (value: T) => P,
  move: (part: P) => void,
  key: (value: T) => string = () => ""
): void {
  let last = input.value;
  const listener = () => {
    const next = input.value;
    const moved = part(next) !== part(last) && key(next) === key(last);
    last = next;
    if (moved) move(part(next));
  };
  input.addEventListener("input", listener);
  void invalidation.then(() => input.removeEventListener("input", listener));
}
