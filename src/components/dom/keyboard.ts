// The keyboard controller of the map pages (explorer, head workbench, your data): one window listener that
// turns a key into a change of the page's state (the pages' key maps are src/state/keyMoves.ts). Keys typed
// into a field, and keys held with Alt, Ctrl or Meta, are left to the browser.

/** Where the reader types: keys pressed there are never taken. */
const FIELDS = "input, select, textarea, [contenteditable]";
const ARROW = /^Arrow/;

export interface KeyControllerOptions {
  /** what a key does in the page's current state, or null to leave the key alone */
  action(key: string): (() => void) | null;
  /**
   * Keys pressed on a focused button: by default the button keeps every key. With a selector, the page
   * takes them, except arrow keys on buttons outside those containers (whose buttons step with the arrows).
   */
  arrowButtonsIn?: string;
}

function leftAlone(event: KeyboardEvent, arrowButtonsIn: string | undefined): boolean {
  if (event.altKey || event.ctrlKey || event.metaKey) return true;
  const target = event.target;
  if (!(target instanceof Element)) return false;
  if (target.closest(FIELDS)) return true;
  if (!target.closest("button")) return false;
  if (arrowButtonsIn === undefined) return true;
  return ARROW.test(event.key) && target.closest(arrowButtonsIn) === null;
}

/** Listens for keys on the window until the returned function is called. */
export function keyController(options: KeyControllerOptions): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (leftAlone(event, options.arrowButtonsIn)) return;
    const act = options.action(event.key);
    if (!act) return;
    act();
    event.preventDefault();
  };
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}
