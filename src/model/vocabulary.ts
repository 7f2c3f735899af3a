// The site's vocabulary: the architectures and their names, the kinds of per-head map, the two directions a
// map is read in, and IHA's pseudo-token count. Every model file, loader, view and page takes these names
// from here (docs/architecture.md); nothing else defines them.
//
// IHA's P, the number of pseudo-tokens per token and head, is `n_pseudo` wherever it is passed around
// (the config field, TransformerLens style like `n_heads`); inside a formula it is written P.

/** The three attention architectures. */
export type Arch = "mha" | "talking_heads" | "iha";
export const ARCHS: readonly Arch[] = ["mha", "talking_heads", "iha"];

/** The architectures that mix heads, and so have mixing parameters (Talking Heads' P_l and P_w, IHA's α and R). */
export const MIXING_ARCHS: readonly Arch[] = ["talking_heads", "iha"];

/** Short architecture names, for menus, headings and running text. */
export const ARCH_NAMES: Readonly<Record<Arch, string>> = {mha: "MHA", talking_heads: "Talking Heads", iha: "IHA"};

/** Full architecture names, for captions and file descriptions. */
export const ARCH_FULL_NAMES: Readonly<Record<Arch, string>> = {
  mha: "Multi-head attention",
  talking_heads: "Talking Heads",
  iha: "Interleaved Head Attention",
};

/**
 * Which per-head map: the softmax pattern (`raw`, hook_pattern), the mixing-aware `effective` map, and for
 * IHA the `naive` top-left slice of the pseudo pattern and that slice with every row renormalised.
 */
export type MapKind = "raw" | "naive" | "naive_renorm" | "effective";
export const MAP_KINDS: readonly MapKind[] = ["raw", "naive", "naive_renorm", "effective"];

/** The map kinds an architecture has (the naive slices need IHA's pseudo pattern). */
export function mapKindsFor(arch: Arch): MapKind[] {
  return arch === "iha" ? [...MAP_KINDS] : ["raw", "effective"];
}

/** Name of a map kind in the data files and metrics: "naive_renorm" is written out as "naive_renormalised". */
export const MAP_KIND_FILE_NAMES: Readonly<Record<MapKind, string>> = {
  raw: "raw",
  effective: "effective",
  naive: "naive",
  naive_renorm: "naive_renormalised",
};

/** What tables and prose call each map kind. */
export const MAP_KIND_LABELS: Readonly<Record<MapKind, string>> = {
  raw: "raw",
  effective: "effective",
  naive: "naive",
  naive_renorm: "naive renormalised",
};

/** The label of a map kind given by its file name (metrics.json's `map_kinds`). */
export function mapKindLabel(fileName: string): string {
  const kind = MAP_KINDS.find((k) => MAP_KIND_FILE_NAMES[k] === fileName);
  if (!kind) throw new Error(`"${fileName}" is not a map kind's file name (${MAP_KINDS.map((k) => MAP_KIND_FILE_NAMES[k]).join(", ")})`);
  return MAP_KIND_LABELS[kind];
}

/** The map kinds a reader can pick in the explorer, in menu order (the renormalised slice is the essay's only). */
export const VIEW_MAP_KINDS = ["raw", "effective", "naive"] as const satisfies readonly MapKind[];
export type ViewMapKind = (typeof VIEW_MAP_KINDS)[number];

/** The view map kinds an architecture has. */
export function viewMapKindsFor(arch: Arch): ViewMapKind[] {
  return arch === "iha" ? [...VIEW_MAP_KINDS] : ["raw", "effective"];
}

/** Menu labels of the view map kinds. */
export const MAP_KIND_NAMES: Readonly<Record<ViewMapKind, string>> = {
  raw: "raw (hook_pattern)",
  effective: "effective (mixing-aware)",
  naive: "naive slice (wrong)",
};

/** Reading a map from a query (its row) or to a key (its column). */
export type Direction = "from" | "to";
export const DIRECTIONS: readonly Direction[] = ["from", "to"];

/** Menu labels of the directions. */
export const DIRECTION_NAMES: Readonly<Record<Direction, string>> = {from: "what this query attends to", to: "what attends to this key"};
