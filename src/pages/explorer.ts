// The explorer's page module (src/explorer.md): its sizes and controls, which part of the state rebuilds
// which view, what the linked views, the live region and the detail tabs draw, the keys, the address bar
// and the export. The page declares the data and the source and places the views; the per-head maps come
// from an AttentionSource (the built-in Parquet files today), so another source can stand behind the same
// views. The pure parts (sizes, the keys of the state each view is built for, paths, the announcement, the
// export name) are unit-tested in test/explorerPage.test.ts; the builders return DOM.
import type {ColumnTable} from "arquero";
import {exportCards, type ExportContent} from "../components/dom/exportView.js";
import {explorerControls, TAB_NAMES, type ExplorerControls} from "../components/explorerControls.js";
import {follow} from "../components/follow.js";
import {column, topKeys, type HeadMap} from "../components/headStack.js";
import {heatmapPanel} from "../components/heatmapPanel.js";
import {mixingMatrix} from "../components/mixingMatrix.js";
import {headColor} from "../components/palette.js";
import {pseudoBlocks} from "../components/pseudoBlocks.js";
import {relationGrid, type RelationGridElement} from "../components/relationGrid.js";
import type {AttentionFieldElement} from "../components/attentionField.js";
import type {SentenceViewElement} from "../components/sentenceView.js";
import {triptych} from "../components/triptych.js";
import {headLabel, layerLabel} from "../model/config.js";
import {ARCH_NAMES, ARCHS, MIXING_ARCHS, VIEW_MAP_KINDS, type Arch, type Direction} from "../model/vocabulary.js";
import {mixingAt} from "../sources/runTables.js";
import {blockColumnsOf, memo, type AttentionSource, type LayerMaps} from "../sources/source.js";
import {DEFAULT_STATE, parseState, serializeState, shownEpoch, type EpochRange, type ExplorerLimits, type ExplorerState, type Tab} from "../state/explorerState.js";
import {headSentence, layerField, mapPageKeys, type ShownHead} from "./mapPage.js";

/** px */
const GRID_SIZE = 250;
/** how many keys (or queries) the live region names */
const TOP_COUNT = 3;
const TOP_DIGITS = 2;
/** the map kinds of one layer read together (the linked views switch between them) */

/** One sample of samples.json: tokens, relation and labels per cell, reasoning paths, each model's predictions. */
export interface ShowcaseSample {
  tokens: string[];
  relation: number[];
  labels: number[];
  /** paths[q]: the keys on query q's reasoning path (empty for a cell that does not compose) */
  paths: number[][];
  predictions: Partial<Record<Arch, number[]>>;
}

/** The parts of samples.json and metrics.json the explorer reads. */
export interface Showcase {
  task: {m: number};
  samples: ShowcaseSample[];
}
export interface RunMetrics {
  model: {n_heads: number; n_layers: number; n_pseudo: number};
  main_seed: number;
  /** the main seed's run of each architecture: its last epoch and the epoch whose weights were kept */
  architectures: Partial<Record<Arch, {epochs_run: number; best_epoch: number}>>;
}

/** Heads per layer and tokens per sample: the shape every map of the explorer has. */
export function showcaseShape(meta: Showcase, metrics: RunMetrics): {heads: number; tokens: number} {
  return {heads: metrics.model.n_heads, tokens: meta.task.m * meta.task.m};
}

/** Everything the explorer can show, and where it reads it. */
export interface Explorer {
  meta: Showcase;
  source: AttentionSource;
  /** the mixing replay (every epoch of every run), read the first time it is asked for */
  mixing: () => Promise<ColumnTable>;
  heads: number;
  layers: number;
  tokens: number;
  n_pseudo: number;
  seed: number;
  /** the mixing replay's epochs per architecture that has one */
  epochs: Partial<Record<Arch, EpochRange>>;
  limits: ExplorerLimits;
  /** where the explorer opens: the first cell of sample 0 that composes */
  firstQuery: number;
}

/** The explorer's sizes from its data: the epochs of the mixing replay are the main seed's runs (metrics.json). */
export function explorerSizes(meta: Showcase, metrics: RunMetrics): Omit<Explorer, "meta" | "source" | "mixing"> {
  const {heads, tokens} = showcaseShape(meta, metrics);
  const layers = metrics.model.n_layers;
  const runs = MIXING_ARCHS.flatMap((arch) => (metrics.architectures[arch] ? [[arch, metrics.architectures[arch]!] as const] : []));
  const epochs = Object.fromEntries(runs.map(([arch, run]) => [arch, {last: run.epochs_run, best: run.best_epoch}]));
  const limits = {samples: meta.samples.length, layers, heads, tokens, maxEpoch: Math.max(0, ...runs.map(([, run]) => run.epochs_run))};
  const firstQuery = Math.max(0, meta.samples[0].labels.indexOf(1));
  return {heads, layers, tokens, n_pseudo: metrics.model.n_pseudo, seed: metrics.main_seed, epochs, limits, firstQuery};
}

/** `mixing` loads the mixing replay; it is called once, the first time the mixing tab opens. */
export function explorer(meta: Showcase, metrics: RunMetrics, mixing: () => Promise<ColumnTable>, source: AttentionSource): Explorer {
  const table = memo(() => mixing()); // the data layer's cache: read once, again after a failure
  return {meta, source, mixing: () => table("mixing"), ...explorerSizes(meta, metrics)};
}

/** The controls, opened on the state of `search` (the address bar's query string). */
export function controlsFor(ex: Explorer, search: string): ExplorerControls {
  return explorerControls({
    limits: ex.limits,
    value: parseState(search, ex.limits, {...DEFAULT_STATE, query: ex.firstQuery}),
    tokensOf: (s) => ex.meta.samples[s].tokens,
    headLabel,
    epochsOf: (arch) => ex.epochs[arch] ?? null
  });
}

// The keys of the state each view is built for (`watch` rebuilds a view when its key changes); the query
// is in none of them: it moves the views in place (`follow`).
/** The layer whose maps are read. */
export const selectionKey = (s: ExplorerState): string => `${s.arch}|${s.sample}|${s.layer}`;
/** The linked views: everything but the query, the detail tab and the epoch. */
export const shownKey = (s: ExplorerState): string => [s.arch, s.sample, s.layer, s.head, s.kind, s.direction].join("|");
const DETAIL_KEYS: Record<Tab, (s: ExplorerState) => unknown[]> = {
  heatmap: (s) => [s.arch, s.sample, s.layer, s.head, s.kind],
  mixing: (s) => [s.arch, s.layer, s.epoch],
  triptych: (s) => [s.sample, s.layer, s.head, s.kind, s.direction],
  pseudo: (s) => [s.arch, s.sample, s.layer, s.head]
};
/** The open detail tab. */
export const detailKey = (s: ExplorerState): string => [s.tab, ...DETAIL_KEYS[s.tab](s)].join("|");

/** Every map kind of one layer of one architecture and sample (each slice is read once by the source). */
export function layerMaps(ex: Explorer, arch: Arch, sample: number, layer: number): Promise<LayerMaps> {
  return ex.source.maps({arch, sample, layer}, VIEW_MAP_KINDS);
}

/**
 * Writes the state into the address bar in a task of its own (replaceState costs a few ms), after the frame
 * that shows the change; a newer state before then (`invalidation`) cancels the write.
 */
export function keepInAddressBar(state: ExplorerState, invalidation: Promise<unknown>): void {
  const search = `?${serializeState(state)}`;
  const timer = setTimeout(() => history.replaceState(history.state, "", `${search}${location.hash}`), 0);
  void invalidation.then(() => clearTimeout(timer));
}

/** The far side's gold rings: "from", the keys on the query's path; "to", the queries whose path runs through this key. */
export function farPath(paths: readonly (readonly number[])[], direction: Direction, query: number): readonly number[] {
  return direction === "from" ? paths[query] : paths.flatMap((path, q) => (path.includes(query) ? [q] : []));
}

/** The linked views' label: "IHA L0H3, raw". */
export function viewLabel(s: Pick<ExplorerState, "arch" | "layer" | "head" | "kind">): string {
  return `${ARCH_NAMES[s.arch]} ${headLabel(s.layer, s.head)}, ${s.kind}`;
}

/** What the live region says at a query: the token, the view, and the top keys (or queries) with weights. */
export function announcement(map: HeadMap, tokens: readonly string[], query: number, direction: Direction, label: string): string {
  const from = direction === "from";
  const row = from ? map[query] : column(map, query);
  const top = topKeys(row, TOP_COUNT).map(({key, weight}) => `${tokens[key]} ${weight.toFixed(TOP_DIGITS)}`).join(", ");
  return `${from ? "Query" : "Key"} ${tokens[query]}, ${label}. ${from ? "Top keys" : "Top queries"}: ${top}.`;
}

/** The three linked views, the grid card's token and the views' label. */
export interface LinkedViews {
  sentence: SentenceViewElement;
  grid: RelationGridElement;
  field: AttentionFieldElement;
  gridToken: HTMLSpanElement;
  label: string;
}

/**
 * The linked views of `shown`, built once per (arch, sample, layer, head, map, direction) from that layer's
 * maps, and moved in place by every change of the controls' query (which `live` announces).
 */
export function linkedViews(ex: Explorer, stacks: LayerMaps, shown: ExplorerState, controls: ExplorerControls, live: HTMLElement, invalidation: Promise<unknown>): LinkedViews {
  const sample = ex.meta.samples[shown.sample];
  const {tokens, paths} = sample;
  const maps = (stacks[shown.kind] ?? stacks.raw)!;
  const label = viewLabel(shown);
  const head: ShownHead = {layer: shown.layer, head: shown.head, direction: shown.direction, label};
  const start = controls.value.query;
  const sentence = headSentence(maps[shown.head], tokens, head, start, farPath(paths, shown.direction, start));
  const grid = relationGrid(
    {m: ex.meta.task.m, relation: sample.relation, labels: sample.labels, predictions: sample.predictions[shown.arch], tokens},
    {query: start, path: paths[start], size: GRID_SIZE, onSelect: (cell) => controls.set({query: cell})}
  );
  const field = layerField(maps, tokens, paths, head, start, `Attention field, ${ARCH_NAMES[shown.arch]} layer ${shown.layer}, ${shown.kind}`);
  const gridToken = document.createElement("span");
  const move = (query: number) => {
    sentence.setQuery(query, farPath(paths, shown.direction, query));
    grid.setQuery(query, paths[query]);
    field.setQuery(query);
    gridToken.textContent = tokens[query];
    live.textContent = announcement(maps[shown.head], tokens, query, shown.direction, label);
  };
  move(start);
  follow(controls, invalidation, move);
  return {sentence, grid, field, gridToken, label};
}

/** A detail tab's content and how it follows the query (null: it does not). */
interface Detail {
  node: Element;
  setQuery: ((query: number) => void) | null;
}

/** The note over the pseudo-blocks when another architecture than IHA is selected ("" for IHA). */
export function pseudoNote(arch: Arch, layer: number, head: number): string {
  return arch === "iha" ? "" : `Pseudo-blocks exist only for IHA: shown for IHA's ${headLabel(layer, head)}, whatever architecture is selected above. `;
}

/** The heatmap tab: the effective map against what a per-head tool would show (the raw pattern, or the naive slice). */
async function heatmapDetail(ex: Explorer, s: ExplorerState, query: number): Promise<Detail> {
  const own = await layerMaps(ex, s.arch, s.sample, s.layer);
  const rawName = s.kind === "naive" ? "naive" : "raw";
  const label = headLabel(s.layer, s.head);
  const panel = heatmapPanel(
    {raw: own[rawName]![s.head], rawName, effective: own.effective![s.head], tokens: ex.meta.samples[s.sample].tokens},
    {query, path: ex.meta.samples[s.sample].paths, title: `${ARCH_NAMES[s.arch]} ${label}`, headLabel: label, color: headColor(s.head)}
  );
  return {node: panel, setQuery: (q) => panel.setQuery(q)};
}

/** The mixing tab: the architecture's mixing weights of the layer at the state's epoch. */
async function mixingDetail(ex: Explorer, s: ExplorerState): Promise<Detail> {
  const range = ex.epochs[s.arch];
  const epoch = shownEpoch(s.epoch, range);
  const rows = range ? mixingAt(await ex.mixing(), {arch: s.arch, seed: ex.seed, epoch, layer: s.layer}) : [];
  return {node: mixingMatrix(rows, {arch: s.arch, heads: ex.heads, n_pseudo: ex.n_pseudo, layer: s.layer, epoch, headLabel}), setQuery: null};
}

/** The triptych tab: the head's map in every architecture (its raw map where the kind does not exist). */
async function triptychDetail(ex: Explorer, s: ExplorerState, query: number): Promise<Detail> {
  const all = await Promise.all(ARCHS.map((a) => layerMaps(ex, a, s.sample, s.layer)));
  const {tokens, paths} = ex.meta.samples[s.sample];
  const panels = ARCHS.map((a, i) => ({name: ARCH_NAMES[a], kind: all[i][s.kind] ? s.kind : "raw", map: (all[i][s.kind] ?? all[i].raw)![s.head]}));
  const panel = triptych(panels, {query, direction: s.direction, m: ex.meta.task.m, tokens, path: paths[query], headLabel: headLabel(s.layer, s.head)});
  return {node: panel, setQuery: (q) => panel.setQuery(q, paths[q])};
}

/** The pseudo-blocks tab: IHA's pseudo pattern blocks of the head (the source reads one head's row group). */
async function pseudoDetail(ex: Explorer, s: ExplorerState, query: number): Promise<Detail> {
  const columns = (await ex.source.blocks({sample: s.sample, layer: s.layer, head: s.head})) ?? blockColumnsOf(null);
  const blocks = pseudoBlocks(columns, {n_pseudo: ex.n_pseudo, tokens: ex.meta.samples[s.sample].tokens, query, headLabel: headLabel(s.layer, s.head), sample: s.sample});
  const node = document.createElement("div");
  const note = pseudoNote(s.arch, s.layer, s.head);
  if (note) node.append(Object.assign(document.createElement("p"), {className: "mixviz-caption", textContent: note}));
  node.append(blocks);
  return {node, setQuery: (q) => blocks.setQuery(q)};
}

function detailOf(ex: Explorer, s: ExplorerState, query: number): Promise<Detail> | Detail {
  if (s.tab === "heatmap") return heatmapDetail(ex, s, query);
  if (s.tab === "mixing") return mixingDetail(ex, s);
  if (s.tab === "triptych") return triptychDetail(ex, s, query);
  return pseudoDetail(ex, s, query);
}

/** What the open tab's card says while its content is read ("Reading IHA L0H3's pseudo-blocks…"). */
export function detailLoading(s: Pick<ExplorerState, "tab" | "arch" | "layer" | "head">): string {
  const what: Record<Tab, string> = {
    heatmap: `${ARCH_NAMES[s.arch]} ${headLabel(s.layer, s.head)}'s maps`,
    mixing: `the mixing weights of every epoch`,
    triptych: `${headLabel(s.layer, s.head)}'s maps in every architecture`,
    pseudo: `IHA ${headLabel(s.layer, s.head)}'s pseudo-blocks`
  };
  return `Reading ${what[s.tab]}…`;
}

/** What the card says when its content could not be read. */
export function detailFailed(s: Pick<ExplorerState, "tab">, error: unknown): string {
  return `The ${TAB_NAMES[s.tab]} tab could not be drawn: ${error instanceof Error ? error.message : String(error)}. Reload the page to try again.`;
}

/**
 * The open detail tab's card, built for `state` (its `detailKey`): at once, saying what it reads (so the
 * previous tab's figure never stands in for this one), then with the tab's content, moved in place by the
 * query; a failed read leaves a message in the card.
 */
export function detailPanel(ex: Explorer, state: ExplorerState, controls: ExplorerControls, invalidation: Promise<unknown>): HTMLDivElement {
  const card = document.createElement("div");
  card.className = "card mixviz-panel";
  card.setAttribute("role", "tabpanel");
  card.setAttribute("aria-labelledby", `mixviz-tab-${state.tab}`);
  card.setAttribute("aria-busy", "true");
  card.dataset.panel = state.tab;
  const status = document.createElement("p");
  status.className = "mixviz-caption mixviz-panel-status";
  status.setAttribute("role", "status");
  status.textContent = detailLoading(state);
  card.append(status);
  let gone = false;
  void invalidation.then(() => (gone = true));
  const built = controls.value.query;
  Promise.resolve(detailOf(ex, state, built)).then(
    (detail) => {
      if (gone) return;
      card.replaceChildren(detail.node);
      card.setAttribute("aria-busy", "false");
      if (!detail.setQuery) return;
      if (controls.value.query !== built) detail.setQuery(controls.value.query); // moved while it was read
      follow(controls, invalidation, detail.setQuery);
    },
    (error: unknown) => {
      if (gone) return;
      status.textContent = detailFailed(state, error);
      status.setAttribute("role", "alert");
      card.setAttribute("aria-busy", "false");
      card.dataset.state = "error";
    }
  );
  return card;
}

/** The file name of an export: "mixviz-iha-s0-L0H3-q8-raw". */
export function exportName(s: ExplorerState): string {
  return `mixviz-${s.arch}-s${s.sample}-${headLabel(s.layer, s.head)}-q${s.query}-${s.kind}`;
}

/** The three linked views as one export, named after the state. */
export function linkedExport(state: ExplorerState): ExportContent {
  return {views: exportCards("#mixviz-linked", ".mixviz-field, .mixviz-sentence-view, svg"), name: exportName(state)};
}

/** What [ and ] say when the models have a single layer. */
export function singleLayerNote(): string {
  return `[ and ] step through the layers; these models have a single layer (${layerLabel(0)}).`;
}

/**
 * The explorer's keys: ←/→ query, ↑/↓ head, [ ] layer, space play/pause (not while typing in a field).
 * With one layer, [ and ] write a note in `layerNote` (and the live region) instead of doing nothing.
 */
export function explorerKeys(ex: Explorer, controls: ExplorerControls, live: HTMLElement, layerNote: HTMLElement): () => void {
  const singleLayer = () => {
    layerNote.textContent = singleLayerNote();
    live.textContent = layerNote.textContent;
  };
  return mapPageKeys(controls, () => ({tokens: ex.tokens, heads: ex.heads, layers: ex.layers}), {toggle: () => controls.toggle(), singleLayer});
}
