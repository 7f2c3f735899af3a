// A link to a section (#anchor) should land on that section, but figures above it draw after the browser
// has scrolled, pushing the section down. This keeps the anchored heading at the top while the page above
// it grows, until the reader scrolls, clicks or types, or `settleMs` has passed.
const USER_INPUT = ["wheel", "touchstart", "keydown", "mousedown"] as const;
const DEFAULT_SETTLE_MS = 15_000;

/** Pins `location.hash`'s element while `root` changes size; returns a function that stops it. */
export function pinAnchor(root: Element, settleMs = DEFAULT_SETTLE_MS): () => void {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  if (!target) return () => {};
  const observer = new ResizeObserver(() => target.scrollIntoView());
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
    for (const type of USER_INPUT) window.removeEventListener(type, stop);
  };
  const timer = setTimeout(stop, settleMs);
  for (const type of USER_INPUT) window.addEventListener(type, stop, {once: true, passive: true});
  observer.observe(root);
  return stop;
}
