// What the "Your data" page draws (src/your-data.md): the drop zone and the report of the upload state
// (state.ts), then from an accepted AttentionSet the controls, the Sentence View and a windowed Attention
// Field (src/pages/mapPage.ts, as in the explorer), the heatmap and the mixing matrix. The pure parts (where
// the controls open, which part of the selection rebuilds which view, titles, the mixing rows shown) are
// unit-tested in test/yourDataPage.test.ts; the builders return DOM. Token strings are set as text only.
import {element} from "../../components/element.js";
import {follow} from "../../components/follow.js";
import {heatmapPanel} from "../../components/heatmapPanel.js";
import {mixingMatrix} from "../../components/mixingMatrix.js";
import {headColor} from "../../components/palette.js";
import {uploadControls, type UploadControls, type UploadSelection} from "../../components/uploadControls.js";
import {uploadReport} from "../../components/uploadReport.js";
import {headLabel} from "../../model/config.js";
import type {Direction} from "../../model/vocabulary.js";
import type {MapSizes} from "../../state/keyMoves.js";
import {layerStack, type AttentionSet} from "../../upload/attentionSet.js";
import {EXAMPLE_NAME, EXAMPLE_START} from "../../upload/example.js";
import {cutStack, followWindow, type TokenWindow} from "../../upload/window.js";
import {FIELD_EDGE, FIELD_MAX_TOKENS, HEATMAP_LARGE_SIZE, HEATMAP_LARGE_TOKENS, headSentence, layerField, layerMixing, mapPageKeys, PATTERN_ONLY_NOTE, type ShownHead} from "../mapPage.js";
import {uploadSummary, type Upload, type UploadStore} from "./state.js";

/** What the page says about the current upload, with its "Renormalise" button wired to the store. */
export function reportView(upload: Upload, store: UploadStore): HTMLDivElement {
  const {result} = upload;
  return uploadReport(
    {state: upload.loading ? "loading" : "done", stage: upload.stage, names: upload.names, issues: result.issues, summary: uploadSummary(result.data, upload.ms), offRows: result.offRows, serial: upload.serial},
    {onRenormalise: () => store.renormalise()}
  );
}

/** The drop zone with the file picker and the "back to the example" button. */
export function dropZone(store: UploadStore): HTMLDivElement {
  const picker = element("input");
  picker.type = "file";
  picker.multiple = true;
  picker.accept = ".arrow,.arrows,.ipc,.feather,.parquet,.json,.html,.htm";
  picker.setAttribute("data-upload", "files");
  picker.setAttribute("aria-label", "Attention file(s)");
  picker.addEventListener("change", () => {
    void store.take(picker.files ?? []);
    picker.value = ""; // so picking the same file again reloads it
  });
  const drop = element("div", "mixviz-drop");
  drop.setAttribute("data-upload", "drop");
  const text = element("p", "", "Drop your attention file(s) here, or choose them: ");
  text.append(picker);
  const example = element("button", "", "Back to the built-in example");
  example.type = "button";
  example.addEventListener("click", () => store.example());
  drop.append(text, example);
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.dataset.over = "true";
  });
  drop.addEventListener("dragleave", () => delete drop.dataset.over);
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    delete drop.dataset.over;
    void store.take(event.dataTransfer?.files ?? []);
  });
  return drop;
}

/** Where the controls open: on the example, "it" in the head that looks back at "cat"; else at the start. */
export function startSelection(names: readonly string[]): Partial<UploadSelection> {
  return names[0] === EXAMPLE_NAME ? EXAMPLE_START : {};
}

/** The controls of accepted data (rebuilt for every new upload). */
export function controlsFor(data: AttentionSet, names: readonly string[]): UploadControls {
  return uploadControls({groups: data.groups.map((g) => g.label), layers: data.layers, heads: data.heads, tokensOf: (g) => data.groups[g].tokens, headLabel, value: startSelection(names)});
}

// The keys of the selection each view is built for (`watch`); the query moves the views in place (`follow`).
/** The Sentence View and the Attention Field. */
export const shownKey = (s: UploadSelection): string => [s.group, s.layer, s.head, s.direction].join("|");
/** The heatmap. */
export const heatKey = (s: UploadSelection): string => [s.group, s.layer, s.head].join("|");
/** The mixing matrix. */
export const layerKey = (s: UploadSelection): string => String(s.layer);

/** The sizes the keys step through: the selected sequence's tokens, the heads, the layers. */
export function uploadSizes(data: AttentionSet, group: number): MapSizes {
  return {tokens: data.groups[group].tokens.length, heads: data.heads, layers: data.layers};
}

/** The keys, as in the explorer: ←/→ query, ↑/↓ head, [ ] layer (not while typing in a field). */
export function uploadKeys(data: AttentionSet, controls: UploadControls): () => void {
  return mapPageKeys(controls, () => uploadSizes(data, controls.value.group));
}

/** The Sentence View's card title at a query. */
export function sentenceTitle(label: string, direction: Direction, token: string): string {
  return `Sentence view · ${label} · ${direction === "from" ? "query" : "key"} “${token}”`;
}

/** The Attention Field's card title: the layer, and the window when it is not the whole sequence. */
export function fieldTitle(heads: number, layer: number, window: TokenWindow, tokens: number): string {
  const part = window.size < tokens ? ` · tokens ${window.start}–${window.start + window.size - 1} of ${tokens}` : "";
  return `Attention field · all ${heads} heads of layer ${layer}${part}`;
}

/** A card with a heading and a scrolling body, as the linked views sit in. */
function scrollCard(node: Element, view: string): {div: HTMLDivElement; h2: HTMLHeadingElement; scroll: HTMLDivElement} {
  const div = element("div", "card");
  div.dataset.view = view;
  const h2 = element("h2");
  const scroll = element("div", "mixviz-scroll");
  scroll.append(node);
  div.append(h2, scroll);
  return {div, h2, scroll};
}

/**
 * The Sentence View and the Attention Field of the selection, moved in place by the query. Long sequences:
 * the field shows a window of FIELD_MAX_TOKENS tokens around the query (every weight among them), kept while
 * the query is more than FIELD_EDGE tokens inside it; a new window is a new field, a move inside it only
 * moves the highlight.
 */
export function linkedViews(data: AttentionSet | null, pick: UploadSelection | null, controls: UploadControls | null, invalidation: Promise<unknown>): HTMLElement {
  if (!data || !pick || !controls) {
    const empty = element("p", "mixviz-caption", "Nothing to draw: load a file that passes the checks above.");
    empty.dataset.empty = "true";
    return empty;
  }
  const tokens = data.groups[pick.group].tokens;
  const stack = layerStack(data, pick.group, pick.layer);
  const shown: ShownHead = {layer: pick.layer, head: pick.head, direction: pick.direction, label: headLabel(pick.layer, pick.head)};
  const paths = tokens.map(() => []);
  const start = controls.value.query;
  const sentence = headSentence(stack[pick.head], tokens, shown, start);
  const sentenceCard = scrollCard(sentence, "sentence");
  const fieldCard = scrollCard(element("div"), "field");
  let win: TokenWindow | null = null;
  let field: ReturnType<typeof layerField> | null = null;
  const move = (query: number) => {
    sentence.setQuery(query);
    const next = followWindow(win, query, data.n, FIELD_MAX_TOKENS, FIELD_EDGE);
    if (next !== win || !field) {
      win = next;
      field = layerField(cutStack(stack, win), tokens.slice(win.start, win.start + win.size), paths.slice(0, win.size), shown, query - win.start, `Attention field, layer ${pick.layer}`);
      field.dataset.window = `${win.start}-${win.start + win.size - 1}`;
      fieldCard.scroll.replaceChildren(field);
    } else field.setQuery(query - win.start);
    field.dataset.query = String(query);
    sentenceCard.h2.textContent = sentenceTitle(shown.label, pick.direction, tokens[query]);
    fieldCard.h2.textContent = fieldTitle(data.heads, pick.layer, win, data.n);
  };
  move(start);
  follow(controls, invalidation, move);
  const row = element("div", "mixviz-linked");
  row.append(sentenceCard.div, fieldCard.div);
  return row;
}

/** The heatmap of the selected head; with an `effective` column, compared with it. */
export function heatmapView(data: AttentionSet | null, pick: UploadSelection | null, controls: UploadControls | null, invalidation: Promise<unknown>): HTMLElement {
  if (!data || !pick || !controls) return element("p", "mixviz-caption", "Nothing to draw yet.");
  const tokens = data.groups[pick.group].tokens;
  const raw = layerStack(data, pick.group, pick.layer)[pick.head];
  const effective = data.effective ? layerStack(data, pick.group, pick.layer, "effective")[pick.head] : undefined;
  const label = headLabel(pick.layer, pick.head);
  const size = !effective && data.n > HEATMAP_LARGE_TOKENS ? HEATMAP_LARGE_SIZE : undefined;
  const panel = heatmapPanel({raw, rawName: "pattern", effective, tokens}, {query: controls.value.query, path: tokens.map(() => []), title: label, headLabel: label, color: headColor(pick.head), size});
  follow(controls, invalidation, (q) => panel.setQuery(q));
  const wrap = element("div", "card");
  wrap.dataset.view = "heatmap";
  wrap.append(panel);
  if (!effective) wrap.append(element("p", "mixviz-caption", PATTERN_ONLY_NOTE));
  return wrap;
}

/** The mixing matrix of the selected layer, when a mixing table came with the file. */
export function mixingView(data: AttentionSet | null, pick: UploadSelection | null): HTMLElement {
  if (!data?.mixing || pick === null) {
    const note = element("p", "mixviz-caption", "No mixing table loaded. Add one (the columns of ");
    note.append(element("code", "", "mixing.arrow"), ") to see how your heads are mixed.");
    return note;
  }
  const {rows, arch, n_pseudo, epoch} = layerMixing(data.mixing, pick.layer);
  return mixingMatrix(rows, {arch, heads: data.heads, n_pseudo, layer: pick.layer, epoch, headLabel});
}
