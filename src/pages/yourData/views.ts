// What the "Your data" page draws (src/your-data.md): the drop zone, the URL field and the report of the upload
// state (state.ts), then from a file held whole or read in parts (`ViewData`) the controls, the Sentence View
// and a windowed Attention Field (src/pages/mapPage.ts, as in the explorer), the heatmap and the mixing matrix.
// The pure parts (where the controls open, which part of the selection rebuilds which view, titles, the address
// of a file opened by its URL) are unit-tested in test/yourDataPage.test.ts; the builders return DOM. Token
// strings are set as text only.
import {element} from "../../components/element.js";
import {follow, queryOf} from "../../components/follow.js";
import {heatmapPanel} from "../../components/heatmapPanel.js";
import {mixingMatrix} from "../../components/mixingMatrix.js";
import {headColor} from "../../components/palette.js";
import {uploadControls, type UploadControls, type UploadSelection} from "../../components/uploadControls.js";
import {uploadReport} from "../../components/uploadReport.js";
import {headLabel} from "../../model/config.js";
import type {Direction} from "../../model/vocabulary.js";
import type {MapSizes} from "../../state/keyMoves.js";
import type {HeadMap} from "../../components/headStack.js";
import {layerStack, type AttentionGroup, type AttentionSet} from "../../upload/attentionSet.js";
import {EXAMPLE_NAME, EXAMPLE_START} from "../../upload/example.js";
import type {TokenWindow} from "../../upload/window.js";
import {headSentence, HEATMAP_LARGE_SIZE, HEATMAP_LARGE_TOKENS, layerMixing, mapPageKeys, PATTERN_ONLY_NOTE, readingNote, unreadableNote, windowedField, type ShownHead} from "../mapPage.js";
import {uploadSummary, type Upload, type UploadStore} from "./state.js";

/**
 * What the page says about the current upload, with its "Renormalise" button wired to the store. A file read in
 * parts adds the warnings of the parts read so far, redrawn as parts come in (until `invalidation`).
 */
export function reportView(upload: Upload, store: UploadStore, invalidation?: Promise<unknown>): HTMLDivElement {
  const {result, parts} = upload;
  const draw = () =>
    uploadReport(
      {state: upload.loading ? "loading" : "done", stage: upload.stage, names: upload.names, issues: [...result.issues, ...(parts?.warnings() ?? [])], summary: uploadSummary(parts ?? result.data, upload.ms, parts !== null), offRows: result.offRows, serial: upload.serial},
      {onRenormalise: () => store.renormalise()}
    );
  let report = draw();
  if (parts && invalidation) {
    const stop = parts.listen(() => {
      const next = draw();
      report.replaceWith(next);
      report = next;
    });
    invalidation.then(stop);
  }
  return report;
}

/** A Parquet file at a URL: a field and a button; the file opens in parts, by range requests. */
export function urlForm(store: UploadStore): HTMLFormElement {
  const form = element("form", "mixviz-url");
  const input = element("input");
  input.type = "url";
  input.required = true;
  input.placeholder = "https://…/attention.parquet";
  input.setAttribute("aria-label", "URL of a Parquet attention file");
  const tokens = element("input");
  tokens.type = "url";
  tokens.placeholder = "https://…/tokens.json (optional)";
  tokens.setAttribute("aria-label", "URL of its tokens file (optional)");
  const open = element("button", "", "Open");
  open.type = "submit";
  form.append(element("label", "", "Or open a Parquet file at a URL: "), input, element("label", "", " with its tokens at "), tokens, open);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = input.value.trim();
    const tokensUrl = tokens.value.trim() || null;
    keepUrlInAddress(url, tokensUrl);
    void store.openUrl(url, tokensUrl);
  });
  return form;
}

/**
 * The address `?url=…` (and `&tokens=…`) of a file opened by its URL (a reload or a shared link opens it again);
 * a null `url` takes both away.
 */
export function urlAddress(search: string, url: string | null, tokens: string | null = null): string {
  const params = new URLSearchParams(search);
  params.delete("url");
  params.delete("tokens");
  if (url !== null) params.set("url", url);
  if (url !== null && tokens !== null) params.set("tokens", tokens);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function keepUrlInAddress(url: string | null, tokens: string | null = null): void {
  history.replaceState(history.state, "", `${location.pathname}${urlAddress(location.search, url, tokens)}${location.hash}`);
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
    keepUrlInAddress(null); // a picked file is kept in the browser, not named in the address
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
    keepUrlInAddress(null);
    void store.take(event.dataTransfer?.files ?? []);
  });
  return drop;
}

/** What the controls and keys need of the data. */
type Shape = Pick<AttentionSet, "groups" | "layers" | "heads">;

/** Where the controls open: on the example, "it" in the head that looks back at "cat"; else at the start. */
export function startSelection(names: readonly string[]): Partial<UploadSelection> {
  return names[0] === EXAMPLE_NAME ? EXAMPLE_START : {};
}

/** The controls of accepted data (rebuilt for every new upload). */
export function controlsFor(data: Shape, names: readonly string[]): UploadControls {
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
export function uploadSizes(data: Shape, group: number): MapSizes {
  return {tokens: data.groups[group].tokens.length, heads: data.heads, layers: data.layers};
}

/** The keys, as in the explorer: ←/→ query, ↑/↓ head, [ ] layer (not while typing in a field). */
export function uploadKeys(data: Shape, controls: UploadControls): () => void {
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

/** What the views read: the shape and the sequences, and maps by head or by layer, from a file held whole or read in parts. */
export interface ViewData {
  layers: number;
  heads: number;
  n: number;
  groups: AttentionGroup[];
  hasEffective: boolean;
  head(group: number, layer: number, head: number, kind?: "pattern" | "effective"): Promise<HeadMap>;
  layer(group: number, layer: number, kind?: "pattern" | "effective"): Promise<HeadMap[]>;
  /** a file read in parts: reads a head ahead of need */
  prefetch?(group: number, layer: number, head: number): void;
}

/** A file held in memory as the views read it: its maps are row views of its buffers (no copy). */
export function wholeFile(set: AttentionSet): ViewData {
  const stack = (group: number, layer: number, kind: "pattern" | "effective" = "pattern") => layerStack(set, group, layer, kind);
  return {...set, hasEffective: set.effective !== null, head: async (g, l, h, kind) => stack(g, l, kind)[h], layer: async (g, l, kind) => stack(g, l, kind)};
}

/** The current upload's data as the views read it, or null when nothing is drawn. */
export function viewData(upload: Upload): ViewData | null {
  return upload.parts ?? (upload.result.data ? wholeFile(upload.result.data) : null);
}

/** The linked views' node; `show` draws a selection (its `shownKey` part: the query moves them in place). */
export interface LinkedViewsElement extends HTMLElement {
  show(pick: UploadSelection | null): void;
}

/**
 * The Sentence View and the Attention Field, built once per file and controls and told each selection
 * (`show`), moved in place by the query; a long sequence's field shows a window of tokens around the query
 * (mapPage.windowedField, as in the explorer). The head's map comes first (the Sentence View draws), then the
 * layer's (the field). Another head or layer of the same sequence and direction redraws the Sentence View's
 * lines in place (its tokens stay); another head of the same layer is outlined in the field, which stays. The
 * card titles name what is drawn, and while a head is read its card says so (data-reading).
 */
export function linkedViews(data: ViewData | null, controls: UploadControls | null, invalidation: Promise<unknown>): LinkedViewsElement {
  if (!data || !controls) {
    const empty = element("p", "mixviz-caption", "Nothing to draw: load a file that passes the checks above.") as HTMLElement as LinkedViewsElement;
    empty.dataset.empty = "true";
    empty.show = () => {};
    return empty;
  }
  const sentenceCard = scrollCard(element("p"), "sentence");
  const fieldCard = scrollCard(element("p"), "field");
  let query = controls.value.query;
  let pick: UploadSelection | null = null;
  let shown: ShownHead | null = null; // the head the Sentence View draws
  let sentence: ReturnType<typeof headSentence> | null = null;
  let field: ReturnType<typeof windowedField> | null = null;
  let shows = 0; // the latest selection: a read finishing for an older one is dropped
  const move = (next: number) => {
    query = next;
    if (shown && pick) sentenceCard.h2.textContent = sentenceTitle(shown.label, shown.direction, data.groups[pick.group].tokens[query]);
    sentence?.setQuery(query);
    if (!field || !pick) return;
    field.setQuery(query);
    fieldCard.h2.textContent = fieldTitle(data.heads, pick.layer, field.window()!, data.n);
  };
  const readLayer = (at: UploadSelection, serial: number) => {
    const tokens = data.groups[at.group].tokens;
    data.layer(at.group, at.layer).then(
      (maps) => {
        if (serial !== shows) return;
        field = windowedField(maps, tokens, tokens.map(() => []), headOf(at), `Attention field, layer ${at.layer}`);
        fieldCard.scroll.replaceChildren(field.box);
        move(query);
        // The same head in the layers on either side, so that [ and ] find it read.
        for (const next of [at.layer + 1, at.layer - 1]) data.prefetch?.(at.group, next, at.head);
      },
      (error) => serial === shows && fieldCard.scroll.replaceChildren(unreadableNote(error))
    );
  };
  const root = element("div", "mixviz-linked") as HTMLElement as LinkedViewsElement;
  root.append(sentenceCard.div, fieldCard.div);
  root.show = (next) => {
    if (!next) return;
    const serial = ++shows;
    const sameLayer = pick !== null && pick.group === next.group && pick.layer === next.layer;
    const inPlace = pick !== null && pick.group === next.group && pick.direction === next.direction && sentence !== null;
    pick = next;
    const head = headOf(next);
    const tokens = data.groups[next.group].tokens;
    if (inPlace) sentenceCard.scroll.dataset.reading = "true";
    else {
      sentence = null;
      shown = null;
      sentenceCard.h2.textContent = "";
      sentenceCard.scroll.replaceChildren(readingNote(`head ${head.label}`));
    }
    if (sameLayer && field) field.setHead(next.head);
    else {
      field = null;
      fieldCard.h2.textContent = "";
      fieldCard.scroll.replaceChildren(readingNote(`the ${data.heads} heads of layer ${next.layer}`));
    }
    data.head(next.group, next.layer, next.head).then(
      (map) => {
        if (serial !== shows) return;
        if (sentence) sentence.setData({map, tokens}, {color: headColor(next.head), title: `Sentence view, ${head.label}`});
        else sentenceCard.scroll.replaceChildren((sentence = headSentence(map, tokens, head, query)));
        delete sentenceCard.scroll.dataset.reading;
        shown = head;
        move(query);
        if (!field) readLayer(next, serial);
      },
      (error) => {
        if (serial !== shows) return;
        sentence = null;
        shown = head;
        delete sentenceCard.scroll.dataset.reading;
        sentenceCard.scroll.replaceChildren(unreadableNote(error));
        move(query);
        if (!field) readLayer(next, serial);
      }
    );
  };
  follow(controls, invalidation, queryOf, move);
  return root;
}

/** The head a selection shows, as the shared views name it. */
const headOf = (pick: UploadSelection): ShownHead => ({layer: pick.layer, head: pick.head, direction: pick.direction, label: headLabel(pick.layer, pick.head)});

/** The heatmap of the selected head; with an `effective` column, compared with it. */
export function heatmapView(data: ViewData | null, pick: UploadSelection | null, controls: UploadControls | null, invalidation: Promise<unknown>): HTMLElement {
  if (!data || !pick || !controls) return element("p", "mixviz-caption", "Nothing to draw yet.");
  const tokens = data.groups[pick.group].tokens;
  const label = headLabel(pick.layer, pick.head);
  const size = !data.hasEffective && data.n > HEATMAP_LARGE_TOKENS ? HEATMAP_LARGE_SIZE : undefined;
  const wrap = element("div", "card");
  wrap.dataset.view = "heatmap";
  wrap.append(readingNote(`head ${label}`));
  Promise.all([data.head(pick.group, pick.layer, pick.head), data.hasEffective ? data.head(pick.group, pick.layer, pick.head, "effective") : undefined]).then(
    ([raw, effective]) => {
      const panel = heatmapPanel({raw, rawName: "pattern", effective, tokens}, {query: controls.value.query, path: tokens.map(() => []), title: label, headLabel: label, color: headColor(pick.head), size});
      follow(controls, invalidation, queryOf, (q) => panel.setQuery(q));
      wrap.replaceChildren(panel);
      if (!effective) wrap.append(element("p", "mixviz-caption", PATTERN_ONLY_NOTE));
    },
    (error) => wrap.replaceChildren(unreadableNote(error))
  );
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
