// What the two map pages share (the explorer, and "your data"): the keys (←/→ query, ↑/↓ head, [ ] layer,
// and on the explorer space for play), the Sentence View and Attention Field as both build them from one
// layer's maps, the words their captions use for a direction, how a reader's long file is drawn (the field's
// window, the larger heatmap of a file without effective maps, what a view says while its maps are read or when
// they cannot be), and the mixing rows of a reader's mixing
// table that the mixing matrix draws for a layer. The pages get the maps from their own source (the explorer's
// AttentionSource, a reader's AttentionSet) and hand them here, so either page can draw either source.
// `mapKeyEffect` and `directionWords` are pure and unit-tested (test/explorerPage.test.ts), `layerMixing`
// in test/yourDataPage.test.ts.
import {attentionField, type AttentionFieldElement} from "../components/attentionField.js";
import {keyController} from "../components/dom/keyboard.js";
import type {HeadMap} from "../components/headStack.js";
import {headColor} from "../components/palette.js";
import {sentenceView, type SentenceViewElement} from "../components/sentenceView.js";
import {headLabel} from "../model/config.js";
import type {Direction} from "../model/vocabulary.js";
import {mapMoves, type MapPosition, type MapSizes} from "../state/keyMoves.js";
import type {UploadMixingRow} from "../upload/attentionSet.js";
import {cutStack, followWindow, type TokenWindow} from "../upload/window.js";
import {element} from "../components/element.js";

/** px: the three linked views fit side by side on a laptop screen */
export const FIELD_SIZE = 340;
/** px */
export const SENTENCE_WIDTH = 300;
/** Above this many tokens the heatmap of a file without an effective map, drawn alone, is drawn larger. */
export const HEATMAP_LARGE_TOKENS = 96;
/** CSS pixels per side of that larger heatmap. */
export const HEATMAP_LARGE_SIZE = 480;
/** The Attention Field draws H·N² dots: a window of this many tokens keeps a new window fast (12 heads: 49 k dots). */
export const FIELD_MAX_TOKENS = 64;
/** Tokens: the query may come this close to the edge of the field's window before the window moves. */
export const FIELD_EDGE = 8;
/** What the heatmap says when the file has no effective map (the pattern is shown alone). */
export const PATTERN_ONLY_NOTE = "Your file has no effective column; with one (docs/data-formats.md) this panel also compares the pattern with where the head really reads from.";

/** What a key does on a map page: a move of the state, play/pause, or the note that there is one layer. */
export type KeyEffect = {kind: "move"; change: Partial<MapPosition>} | {kind: "play"} | {kind: "single-layer"};

/** Which keys beyond the moves a page takes. */
export interface KeyOptions {
  /** space plays and pauses (the explorer's timeline) */
  play?: boolean;
  /** with one layer, [ and ] say so instead of doing nothing */
  oneLayerNote?: boolean;
}

/** The effect of `key` at `at` in a stack of `sizes`, or null to leave the key to the browser. */
export function mapKeyEffect(key: string, at: MapPosition, sizes: MapSizes, options: KeyOptions = {}): KeyEffect | null {
  if (options.play && key === " ") return {kind: "play"};
  if (options.oneLayerNote && (key === "[" || key === "]") && sizes.layers < 2) return {kind: "single-layer"};
  const change = mapMoves(at, sizes)[key];
  return change ? {kind: "move", change} : null;
}

/** Controls the keys move: a state with a query, head and layer, and a way to change part of it. */
export interface KeyedControls {
  readonly value: MapPosition;
  set(change: Partial<MapPosition>): void;
}

/** What the page does for the keys that are not moves; a key whose handler is absent is left alone. */
export interface KeyHandlers {
  toggle?: () => void;
  singleLayer?: () => void;
}

/** Listens for the map keys until the returned function is called (pass it to `invalidation.then`). */
export function mapPageKeys(controls: KeyedControls, sizes: () => MapSizes, handlers: KeyHandlers = {}): () => void {
  const options = {play: handlers.toggle !== undefined, oneLayerNote: handlers.singleLayer !== undefined};
  return keyController({
    action(key) {
      const effect = mapKeyEffect(key, controls.value, sizes(), options);
      if (effect?.kind === "move") return () => controls.set(effect.change);
      if (effect?.kind === "play") return handlers.toggle ?? null;
      if (effect?.kind === "single-layer") return handlers.singleLayer ?? null;
      return null;
    }
  });
}

/** The captions' words for a direction: what one line joins, and what a line's opacity is relative to. */
export function directionWords(direction: Direction): {lines: string; of: "row" | "column"} {
  return direction === "from"
    ? {lines: "query on the left to every key on the right", of: "row"}
    : {lines: "key on the right to every query on the left", of: "column"};
}

/** One head of a layer as the pages show it: which head, and its label in titles ("IHA L0H3, raw"). */
export interface ShownHead {
  layer: number;
  head: number;
  direction: Direction;
  label: string;
}

/** A view's body while its maps are read (a file read in parts reads them as the views ask). */
export function readingNote(what: string): HTMLElement {
  const note = element("p", "mixviz-caption", `Reading ${what}…`);
  note.dataset.reading = "true";
  return note;
}

/** A view's body when its maps could not be read: the part's problems. */
export function unreadableNote(error: unknown): HTMLElement {
  const note = element("p", "mixviz-caption", `This part of the file could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
  note.dataset.error = "true";
  return note;
}

/** The Sentence View of one head's map, in the head's colour. */
export function headSentence(map: HeadMap, tokens: readonly string[], shown: ShownHead, query: number, path?: readonly number[]): SentenceViewElement {
  return sentenceView({map, tokens}, {query, direction: shown.direction, path, color: headColor(shown.head), title: `Sentence view, ${shown.label}`, width: SENTENCE_WIDTH});
}

/** The Attention Field of every head of a layer, the shown head's sector outlined. */
export function layerField(maps: readonly HeadMap[], tokens: readonly string[], paths: readonly (readonly number[])[], shown: ShownHead, query: number, title: string): AttentionFieldElement {
  const headLabels = Array.from({length: maps.length}, (_, h) => headLabel(shown.layer, h));
  return attentionField(maps, {size: FIELD_SIZE, paths, query, head: shown.head, tokens, headLabels, title});
}

/** The mixing rows shown for a layer, and what the matrix needs to draw them. */
export interface LayerMixing {
  rows: UploadMixingRow[];
  arch: string;
  n_pseudo: number;
  epoch: number;
}

/**
 * A layer's mixing rows: those marked best, else the last epoch's. The architecture is the table's, or,
 * where it names none, IHA when it holds α matrices and Talking Heads otherwise; P from the pseudo column.
 */
export function layerMixing(mixing: readonly UploadMixingRow[], layer: number): LayerMixing {
  const rows = mixing.filter((r) => r.layer === layer);
  const best = rows.filter((r) => r.is_best === 1);
  const shown = best.length ? best : rows.filter((r) => r.epoch === Math.max(...rows.map((x) => x.epoch)));
  const named = shown[0]?.arch !== "mixing" ? shown[0]?.arch : shown.some((r) => r.matrix.startsWith("alpha")) ? "iha" : "talking_heads";
  return {rows: shown, arch: named ?? "talking_heads", n_pseudo: Math.max(1, ...shown.map((r) => r.pseudo + 1)), epoch: shown[0]?.epoch ?? 0};
}

/** What the field's box says of the window it shows ("" when it shows every token). */
export function windowNote(window: TokenWindow, tokens: number): string {
  return window.size < tokens ? `Tokens ${window.start}–${window.start + window.size - 1} of ${tokens}: the window follows the query.` : "";
}

/**
 * The Attention Field of a layer in a box. A long sequence (a reader's file) would be H·N² dots: the field
 * shows a window of FIELD_MAX_TOKENS tokens around the query, as Your data does (upload/window.ts), and a new
 * window is a new field; a move inside the window only moves the highlight. A window's tokens have no paths
 * (only the built-in models have them, and their sequences fit one window). `setHead` outlines another head
 * (a head change in the same layer). Used by the explorer and Your data.
 */
export function windowedField(maps: HeadMap[], tokens: readonly string[], paths: readonly (readonly number[])[], head: ShownHead, title: string): {box: HTMLDivElement; setQuery(query: number): void; setHead(head: number): void; window(): TokenWindow | null} {
  const box = element("div", "mixviz-field-window");
  const note = element("p", "mixviz-caption");
  let shown: TokenWindow | null = null;
  let field: AttentionFieldElement | null = null;
  let outlined = head.head;
  const setQuery = (query: number) => {
    const next = followWindow(shown, query, tokens.length, FIELD_MAX_TOKENS, FIELD_EDGE);
    if (next !== shown || !field) {
      shown = next;
      const whole = next.size === tokens.length;
      const cut = whole ? maps : cutStack(maps, next);
      const words = tokens.slice(next.start, next.start + next.size);
      field = layerField(cut, words, whole ? paths : words.map(() => []), {...head, head: outlined}, query - next.start, title);
      field.dataset.window = `${next.start}-${next.start + next.size - 1}`;
      note.textContent = windowNote(next, tokens.length);
      box.replaceChildren(field, ...(note.textContent ? [note] : []));
    } else field.setQuery(query - next.start);
    field.dataset.query = String(query);
  };
  const setHead = (next: number) => {
    outlined = next;
    field?.setHead(next);
  };
  return {box, setQuery, setHead, window: () => shown};
}
