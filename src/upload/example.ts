// The page's built-in example, so it shows the views before a reader picks a file: a causal 2-layer,
// 4-head model over one English sentence whose heads follow patterns readers know (previous token,
// first token, the current token, and "it" looking back at "cat"), written as BertViz JSON and read by
// the same checks as an upload. Pure.

export const EXAMPLE_NAME = "example.json (built in)";
export const EXAMPLE_TOKENS = ["The", "cat", "sat", "on", "the", "mat", "because", "it", "was", "tired", "."];
const IT = EXAMPLE_TOKENS.indexOf("it");
const CAT = EXAMPLE_TOKENS.indexOf("cat");

/** Where the page opens on the example: "it" (query 7) in L0H3, the head that looks back at "cat". */
export const EXAMPLE_START = {layer: 0, head: 3, query: IT};

const SHARP = 0.85; // weight of a head's favourite key; the rest is spread over the other visible keys

/** A causal row that puts SHARP on `favourite` (clamped to the visible keys) and spreads the rest. */
function row(q: number, favourite: number, n: number): number[] {
  const visible = q + 1;
  const f = Math.min(Math.max(favourite, 0), q);
  return Array.from({length: n}, (_, k) => (k > q ? 0 : visible === 1 ? 1 : k === f ? SHARP : (1 - SHARP) / (visible - 1)));
}

const HEADS: ((q: number) => number)[][] = [
  [(q) => q - 1, () => 0, (q) => q, (q) => (q === IT ? CAT : q - 1)],
  [() => 0, (q) => q - 2, (q) => (q === IT ? CAT : 0), (q) => q]
];

export function exampleJson(): string {
  const n = EXAMPLE_TOKENS.length;
  const attention = HEADS.map((layer) => layer.map((favourite) => Array.from({length: n}, (_, q) => row(q, favourite(q), n))));
  return JSON.stringify({tokens: EXAMPLE_TOKENS, attention});
}
