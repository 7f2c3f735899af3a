// The page's state in the address bar, written in a task of its own (the explorer's, after a change is drawn):
// history.replaceState lays out a page whose layout is pending (the entry keeps the scroll position), which in
// the middle of a redraw is the whole redraw's layout. The latest write wins.

let pending: ReturnType<typeof setTimeout> | undefined;

/** Writes `search` (with the current hash) into the address bar once the running task ends. */
export function writeAddress(search: string): void {
  clearTimeout(pending);
  pending = setTimeout(() => history.replaceState(history.state, "", `${search}${location.hash}`), 0);
}
