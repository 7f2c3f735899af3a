// The playground's counterfactual editor, pure: the entry it points at, each edit in words, and what the
// editor shows for a model, its edits and the reader's choice. No DOM (page.ts writes it into the controls).
import {headLabel} from "../../model/config.js";
import {hasPseudo, MIX_MATRICES, type MixMatrix} from "../../model/mixing.js";
import {ARCH_NAMES, type Arch} from "../../model/vocabulary.js";
import {configEntryIndex, type Edit, type LiveModel} from "../../runtime/liveModel.js";

/** The mixing matrices as the editor and the edit list name them. */
export const MATRIX_NAMES: Readonly<Record<MixMatrix, string>> = {P_l: "P_l", P_w: "P_w", alpha_Q: "α^Q", alpha_K: "α^K", alpha_V: "α^V", R: "R"};

/** A weight as the editor shows it. */
export const fmt = (x: number): string => Number(x).toFixed(3);

/** The editor's choice: the layer, the mixing entry (matrix "" where the architecture has none) and the head to knock out. */
export interface EditorSelection {
  layer: number;
  matrix: MixMatrix | "";
  source: number;
  target: number;
  pseudo: number;
  knock: number;
}

/** The mixing entry the editor points at, with its trained and current values. */
export interface Entry {
  layer: number;
  matrix: MixMatrix;
  source: number;
  target: number;
  pseudo: number;
  trained: number;
  current: number;
}

/** What the editor shows. */
export interface EditorView {
  matrices: readonly MixMatrix[];
  /** whether the architecture has mixing weights to edit */
  mixes: boolean;
  pseudoDisabled: boolean;
  zeroRowHidden: boolean;
  knockSourceHidden: boolean;
  layerDisabled: boolean;
  entry: Entry | null;
  entryInfo: string;
  heading: string;
  edited: boolean;
  items: string[];
}

/** The model's weights the editor reads: config, trained and current (edited) values. */
type Weighted = Pick<LiveModel, "cfg" | "trained" | "weights">;

/** The mixing entry `selection` points at, or null where the architecture has no mixing weights. */
export function entryOf(model: Weighted, selection: EditorSelection): Entry | null {
  const {layer, matrix, source, target} = selection;
  if (!matrix) return null;
  const pseudo = hasPseudo(matrix) ? selection.pseudo : -1;
  const index = configEntryIndex(model.cfg, matrix, source, target, pseudo);
  const name = `blocks.${layer}.attn.${matrix}`;
  return {layer, matrix, source, target, pseudo, trained: model.trained[name][index], current: model.weights[name][index]};
}

/** An edit in words, with the trained value of an edited entry. */
export function describeEdit(model: Weighted, edit: Edit): string {
  if (edit.kind === "head") return `${headLabel(edit.layer, edit.head)} knocked out: W_O[${edit.head}] = 0`;
  if (edit.kind === "source") return `source head ${headLabel(edit.layer, edit.head)} cut from every pseudo-query, key and value: α^Q, α^K, α^V[${edit.head}, :, :] = 0`;
  if (edit.kind === "r_row") return `row ${edit.target} of R zeroed: output head ${headLabel(edit.layer, edit.target)} reads no pseudo-output`;
  const trained = model.trained[`blocks.${edit.layer}.attn.${edit.matrix}`][configEntryIndex(model.cfg, edit.matrix, edit.source, edit.target, edit.pseudo)];
  const where = hasPseudo(edit.matrix) ? `, p ${edit.pseudo}` : "";
  return `${MATRIX_NAMES[edit.matrix]}[${headLabel(edit.layer, edit.source)} → ${headLabel(edit.layer, edit.target)}${where}] = ${fmt(edit.value)} (trained ${fmt(trained)})`;
}

/** What the editor shows for `arch`'s model running `edits`, with the reader's `selection`. */
export function editorView(model: Weighted, arch: Arch, selection: EditorSelection, edits: readonly Edit[]): EditorView {
  const matrices = MIX_MATRICES[arch];
  const mixes = matrices.length > 0;
  const entry = entryOf(model, selection);
  const n = edits.length;
  return {
    matrices,
    mixes,
    pseudoDisabled: !mixes || !hasPseudo(selection.matrix),
    zeroRowHidden: selection.matrix !== "R",
    knockSourceHidden: arch !== "iha",
    layerDisabled: model.cfg.n_layers === 1,
    entry,
    entryInfo: entry ? `now ${fmt(entry.current)}, trained ${fmt(entry.trained)}` : "MHA has no mixing weights: knock out a head instead.",
    heading: n === 0 ? `Running the trained ${ARCH_NAMES[arch]} weights, unedited.` : `Edited (${n}):`,
    edited: n > 0,
    items: edits.map((edit) => describeEdit(model, edit))
  };
}

/** The value box's new text, or null to keep what the reader typed while it means the entry's `current` value. */
export function valueBoxText(typed: string, current: number): string | null {
  const text = typed.trim();
  return text === "" || Math.fround(Number(text)) !== current ? fmt(current) : null;
}
