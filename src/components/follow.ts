// How the explorer pages split their state between cells that rebuild a view and listeners that move it.
// `watch` yields the controls' value only when a key of it changes, so that a cell built on it re-runs for
// that part of the state alone; `follow` calls a function on every change of the query, synchronously in
// the controls' "input" event, so that a view built once can move its query in place (no cell re-runs).

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

/** Calls `move(query)` on every change of the controls' query until `invalidation` resolves. */
export function follow<T extends {query: number}>(input: QueryControls<T>, invalidation: Promise<unknown>, move: (query: number) => void): void {
  let last = input.value.query;
  const listener = () => {
    const query = input.value.query;
    if (query === last) return;
    last = query;
    move(query);
  };
  input.addEventListener("input", listener);
  invalidation.then(() => input.removeEventListener("input", listener));
}
