// The explorer's page module (src/explorer.md): its models and controls, which part of the state rebuilds
// which view, what the linked views, the live region and the detail tabs draw, the keys, the address bar
// and the export. The page declares the data and the sources and places the views; the per-head maps come
// from an AttentionSource: the built-in Parquet files for the three architectures, and the reader's file for
// its models, named as the head workbench names them (workbench/state.fileModelEntries): the file kept by "Your
// data", held in memory (sources/uploadSource.ts) or read in parts when too large to hold, or a Parquet file at
// the address's `?url=`, read in parts (sources/uploadSource.partsSource: a layer's heads are read when a view
// draws them). A file has no relation task and no weights: no relation grid, no gold
// rings, no triptych, pseudo-blocks or training replay; its heatmap shows its effective maps where it has
// them, its mixing tab its mixing table. The pure parts (models and sizes, the keys of the state each view
// is built for, paths, the announcement, the export name) are unit-tested in test/explorerPage.test.ts;
// the builders return DOM. A file's tokens and names are set as text.
import type {ColumnTable} from "arquero";
import {writeAddress} from "../components/dom/addressBar.js";
import {exportCards, type ExportContent} from "../components/dom/exportView.js";
import {element} from "../components/element.js";
import {explorerControls, TAB_NAMES, type ControlModel, type ExplorerControls} from "../components/explorerControls.js";
import {follow, queryOf} from "../components/follow.js";
import {column, topKeys, type HeadMap} from "../components/headStack.js";
import {heatmapPanel} from "../components/heatmapPanel.js";
import {mixingMatrix} from "../components/mixingMatrix.js";
import {headColor} from "../components/palette.js";
import {pseudoBlocks} from "../components/pseudoBlocks.js";
import {relationGrid, type RelationGridElement} from "../components/relationGrid.js";
import type {SentenceViewElement} from "../components/sentenceView.js";
import {triptych} from "../components/triptych.js";
import {headLabel, layerLabel} from "../model/config.js";
import {ARCH_NAMES, ARCHS, MIXING_ARCHS, VIEW_MAP_KINDS, type Arch, type Direction, type ViewMapKind} from "../model/vocabulary.js";
import {mixingAt} from "../sources/runTables.js";
import {blockColumnsOf, memo, type AttentionSource, type LayerMaps, type LayerSlice, type ModelHeadSlice} from "../sources/source.js";
import type {PartsFile} from "../sources/readerParquet.js";
import {partsSource, uploadSource} from "../sources/uploadSource.js";
import {builtInModels, DEFAULT_STATE, isArch, parseState, serializeState, shownEpoch, type EpochRange, type ExplorerLimits, type ExplorerState, type Tab} from "../state/explorerState.js";
import type {AttentionSet} from "../upload/attentionSet.js";
import {HEATMAP_LARGE_SIZE, HEATMAP_LARGE_TOKENS, headSentence, layerMixing, mapPageKeys, PATTERN_ONLY_NOTE, readingNote, unreadableNote, windowedField, type ShownHead} from "./mapPage.js";
import {fileNames, withAskedUrl, type KeptFile} from "./readerFile.js";
import {fileModelEntries} from "./workbench/state.js";

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

/** One input of a model: its tokens, and each query's reasoning path (none in a reader's file). */
export interface ModelInput {
  tokens: readonly string[];
  paths: readonly (readonly number[])[];
}

/** The tabs of a model of the reader's file: the triptych and the pseudo-blocks need the relation task's architectures. */
export const FILE_TABS: readonly Tab[] = ["heatmap", "mixing"];

/** One model the explorer offers: its sizes, kinds, tabs and names (the controls'), where its maps come from, its inputs. */
export interface ExplorerModel extends ControlModel {
  family: "built-in" | "file";
  /** the name its source knows it by (a slice's `arch`) */
  key: string;
  source: AttentionSource;
  inputs: ModelInput[];
}

/**
 * The reader's file: kept by "Your data" and held in memory (`set`, checked), or read in parts (`parts`: too large
 * to hold, or at `url`); and its file names (or its address).
 */
export type KeptData = {names: string; url: string | null} & ({set: AttentionSet; parts?: null} | {parts: PartsFile; set?: null});

/** The file a page opened (readerFile), as the explorer takes it: null when none loads. A file at a URL is named after its path's last part. */
export function keptData(kept: KeptFile): KeptData | null {
  const names = fileNames(kept);
  if (kept.result?.data) return {names, url: kept.url, set: kept.result.data};
  if (kept.parts) return {names, url: kept.url, parts: kept.parts};
  return null;
}

/** Everything the explorer can show, and where it reads it. */
export interface Explorer {
  meta: Showcase;
  source: AttentionSource;
  /** every model offered: the built-in architectures, then the models of the reader's file */
  models: ExplorerModel[];
  /** the reader's file, when one is kept and loads, or opened from the address's URL */
  file: KeptData | null;
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
export function explorerSizes(meta: Showcase, metrics: RunMetrics): Omit<Explorer, "meta" | "source" | "mixing" | "models" | "file"> {
  const {heads, tokens} = showcaseShape(meta, metrics);
  const layers = metrics.model.n_layers;
  const runs = MIXING_ARCHS.flatMap((arch) => (metrics.architectures[arch] ? [[arch, metrics.architectures[arch]!] as const] : []));
  const epochs = Object.fromEntries(runs.map(([arch, run]) => [arch, {last: run.epochs_run, best: run.best_epoch}]));
  const limits = {samples: meta.samples.length, layers, heads, tokens, maxEpoch: Math.max(0, ...runs.map(([, run]) => run.epochs_run))};
  const firstQuery = Math.max(0, meta.samples[0].labels.indexOf(1));
  return {heads, layers, tokens, n_pseudo: metrics.model.n_pseudo, seed: metrics.main_seed, epochs, limits, firstQuery};
}

/** The three architectures on the relation task, read from `source`. */
function builtIn(meta: Showcase, limits: ExplorerLimits, source: AttentionSource): ExplorerModel[] {
  const inputs = meta.samples.map((s) => ({tokens: s.tokens, paths: s.paths}));
  const samples = meta.samples.map((_, i) => `#${i}`);
  return builtInModels(limits).map((m) => ({...m, name: ARCH_NAMES[m.id as Arch], samples, family: "built-in", key: m.id, source, inputs}));
}

/**
 * The models of the reader's file, as the head workbench names them (`file`, or `file-0`, `file-1`, …), from its
 * shape alone: a file read in parts is not read until a view draws one of its heads.
 */
export function keptModels(kept: KeptData): ExplorerModel[] {
  const file = kept.set ?? kept.parts;
  const source = kept.set ? uploadSource(kept.set) : partsSource(kept.parts);
  const effective = kept.set ? kept.set.effective !== null : kept.parts.hasEffective;
  return fileModelEntries(file, kept.names).map((m) => ({
    id: m.id,
    name: m.name,
    family: "file",
    key: m.arch,
    source,
    limits: {samples: m.samples.length, layers: file.layers, heads: file.heads, tokens: file.n, maxEpoch: 0},
    kinds: effective ? ["raw", "effective"] : ["raw"],
    tabs: FILE_TABS,
    samples: m.samples.map((s) => s.caption),
    inputs: m.samples.map((s) => ({tokens: s.tokens, paths: s.tokens.map(() => [])}))
  }));
}

/**
 * `mixing` loads the mixing replay; it is called once, the first time the mixing tab opens. `kept`: the
 * reader's file, whose models follow the built-in ones.
 */
export function explorer(meta: Showcase, metrics: RunMetrics, mixing: () => Promise<ColumnTable>, source: AttentionSource, kept: KeptData | null = null): Explorer {
  const table = memo(() => mixing()); // the data layer's cache: read once, again after a failure
  const sizes = explorerSizes(meta, metrics);
  const models = [...builtIn(meta, sizes.limits, source), ...(kept ? keptModels(kept) : [])];
  return {meta, source, models, file: kept, mixing: () => table("mixing"), ...sizes};
}

/** The model of an id (a state's `arch`; the controls keep it one of the explorer's). */
export function modelOf(ex: Pick<Explorer, "models">, id: string): ExplorerModel {
  const model = ex.models.find((m) => m.id === id);
  if (!model) throw new Error(`the explorer has no model "${id}"`);
  return model;
}

/** Where the explorer opens: IHA at the first cell of sample 0 that composes; a file at a URL, on its first model. */
export function explorerDefaults(ex: Pick<Explorer, "firstQuery" | "file" | "models">): ExplorerState {
  const fromUrl = ex.file?.url ? ex.models.find((m) => m.family === "file") : undefined;
  return fromUrl ? {...DEFAULT_STATE, arch: fromUrl.id} : {...DEFAULT_STATE, query: ex.firstQuery};
}

/** The controls, opened on the state of `search` (the address bar's query string). */
export function controlsFor(ex: Explorer, search: string): ExplorerControls {
  const defaults = explorerDefaults(ex);
  return explorerControls({
    models: ex.models,
    value: parseState(search, ex.models, defaults),
    defaults,
    tokensOf: (id, s) => modelOf(ex, id).inputs[s].tokens,
    headLabel,
    epochsOf: (arch) => ex.epochs[arch] ?? null,
    modelLabel: ex.file ? "Model" : "Architecture"
  });
}

/** What the detail tabs say of a model of the reader's file ("" for a built-in architecture). */
export function fileTabsNote(model: Pick<ExplorerModel, "family">): string {
  return model.family === "file"
    ? "The triptych and the pseudo-blocks compare the built-in architectures on the relation task and read IHA's pseudo-tokens: your file has neither, so its models have the heatmap and the mixing matrix."
    : "";
}

// The keys of the state each view is built for (`watch` rebuilds a view when its key changes); the query
// is in none of them: it moves the views in place (`follow`).
/** The linked views: everything but the query, the head and the layer (shown in place), the detail tab and the epoch. */
export const shownKey = (s: ExplorerState): string => [s.arch, s.sample, s.kind, s.direction].join("|");
const DETAIL_KEYS: Record<Tab, (s: ExplorerState) => unknown[]> = {
  heatmap: (s) => [s.arch, s.sample, s.layer, s.head, s.kind],
  mixing: (s) => [s.arch, s.layer, s.epoch],
  triptych: (s) => [s.sample, s.layer, s.head, s.kind, s.direction],
  pseudo: (s) => [s.arch, s.sample, s.layer, s.head]
};
/** The open detail tab. */
export const detailKey = (s: ExplorerState): string => [s.tab, ...DETAIL_KEYS[s.tab](s)].join("|");

/** Every map kind of one layer of one model and sample (a kind the model lacks is null; each slice is read once by the source). */
export function layerMaps(ex: Pick<Explorer, "models">, id: string, sample: number, layer: number): Promise<LayerMaps> {
  const model = modelOf(ex, id);
  return model.source.maps({arch: model.key, sample, layer}, VIEW_MAP_KINDS);
}

/** Writes the state into the address bar, in a task of its own (dom/addressBar). */
export function keepInAddressBar(state: ExplorerState, asked: string): void {
  writeAddress(explorerSearch(state, asked));
}

/**
 * The address bar's query string for a state: the state, and the file at a URL that `asked` (the address the page
 * was opened with) names, so that a reload or a shared link opens that file again.
 */
export function explorerSearch(state: ExplorerState, asked: string): string {
  return withAskedUrl(serializeState(state), asked);
}

/** The far side's gold rings: "from", the keys on the query's path; "to", the queries whose path runs through this key. */
export function farPath(paths: readonly (readonly number[])[], direction: Direction, query: number): readonly number[] {
  return direction === "from" ? paths[query] : paths.flatMap((path, q) => (path.includes(query) ? [q] : []));
}

/** The linked views' label: "IHA L0H3, raw", with the model's name. */
export function viewLabel(name: string, s: Pick<ExplorerState, "layer" | "head" | "kind">): string {
  return `${name} ${headLabel(s.layer, s.head)}, ${s.kind}`;
}

/** What the live region says at a query: the token, the view, and the top keys (or queries) with weights. */
export function announcement(map: HeadMap, tokens: readonly string[], query: number, direction: Direction, label: string): string {
  const from = direction === "from";
  const row = from ? map[query] : column(map, query);
  const top = topKeys(row, TOP_COUNT).map(({key, weight}) => `${tokens[key]} ${weight.toFixed(TOP_DIGITS)}`).join(", ");
  return `${from ? "Query" : "Key"} ${tokens[query]}, ${label}. ${from ? "Top keys" : "Top queries"}: ${top}.`;
}

/** The map kinds read at once: every kind from a source that reads a layer's columns together (the built-in files), only the one asked for from a source that reads heads alone (a file read in parts). */
const kindsRead = (source: AttentionSource, kind: ViewMapKind): readonly ViewMapKind[] => (source.head ? [kind] : VIEW_MAP_KINDS);

/** One layer's maps of `kind`, null where the model lacks it. */
async function layerOfKind(model: ExplorerModel, slice: LayerSlice, kind: ViewMapKind): Promise<HeadMap[] | null> {
  return (await model.source.maps(slice, kindsRead(model.source, kind)))[kind] ?? null;
}

/** One head's map of `kind`, null where the model lacks it: read alone where the source can (a file read in parts), else from its layer. */
async function headOfKind(model: ExplorerModel, slice: ModelHeadSlice, kind: ViewMapKind): Promise<HeadMap | null> {
  if (model.source.head) return model.source.head(slice, kind);
  return (await layerOfKind(model, slice, kind))?.[slice.head] ?? null;
}

/** What a view draws of a layer or a head: the maps of `kind`, or the raw ones where the model lacks it. */
async function shownLayer(model: ExplorerModel, slice: LayerSlice, kind: ViewMapKind): Promise<HeadMap[]> {
  return (await layerOfKind(model, slice, kind)) ?? (await layerOfKind(model, slice, "raw"))!;
}
async function shownHead(model: ExplorerModel, slice: ModelHeadSlice, kind: ViewMapKind): Promise<HeadMap> {
  return (await headOfKind(model, slice, kind)) ?? (await headOfKind(model, slice, "raw"))!;
}

/** The three linked views (no relation grid for a reader's file), the grid card's token and the views' label. */
export interface LinkedViews {
  /** the Sentence View, in a box that says what it reads until the head's map is read */
  sentence: HTMLDivElement;
  grid: RelationGridElement | null;
  /** the Attention Field, in a box that says what it reads until the layer is read (then, on a change of layer, marked as reading), then swaps the field for a new window of a long sequence */
  field: HTMLDivElement;
  gridToken: HTMLSpanElement;
  /** the drawn head's label (model, head, map kind) for a card title, changed when a new head is drawn */
  label: HTMLSpanElement;
}

/**
 * The linked views of `shown`, built once per (arch, sample, map, direction): every change of the controls' query
 * moves them in place (which `live` announces), and so does a change of head or layer: the Sentence View draws the
 * new head's map on its lines (the old one stays, marked as reading, until the new one is read) and the field
 * outlines the head's sector, or, for a new layer, is drawn again once that layer is read (the old one stays,
 * marked as reading). The head's map is read first and the Sentence View drawn; then the layer's, for the field;
 * then the same head in the layers on either side is read ahead where the source reads heads alone (a file read
 * in parts), so that [ and ] find it read. A map that cannot be read shows why in place of its view.
 */
export function linkedViews(ex: Explorer, shown: ExplorerState, controls: ExplorerControls, live: HTMLElement, invalidation: Promise<unknown>): LinkedViews {
  const model = modelOf(ex, shown.arch);
  const {tokens, paths} = model.inputs[shown.sample];
  let layer = shown.layer;
  const sliceOf = () => ({arch: model.key, sample: shown.sample, layer});
  const shownHeadOf = (h: number): ShownHead => ({layer, head: h, direction: shown.direction, label: viewLabel(model.name, {...shown, layer, head: h})});
  let head = shownHeadOf(shown.head);
  let query = controls.value.query;
  const sample = ex.meta.samples[shown.sample];
  const grid = isArch(shown.arch)
    ? relationGrid(
        {m: ex.meta.task.m, relation: sample.relation, labels: sample.labels, predictions: sample.predictions[shown.arch], tokens},
        {query, path: paths[query], size: GRID_SIZE, onSelect: (cell) => controls.set({query: cell})}
      )
    : null;
  const sentenceBox = element("div", "mixviz-sentence-box", readingNote(head.label));
  const fieldBox = element("div", "mixviz-field-box", readingNote(`the ${model.limits.heads} heads of layer ${shown.layer}`));
  const gridToken = document.createElement("span");
  const label = element("span", "", head.label);
  let sentence: SentenceViewElement | null = null;
  let field: ReturnType<typeof windowedField> | null = null;
  let drawn: {map: HeadMap; label: string} | null = null; // the Sentence View's head: the one announced while another is read
  let reads = 0; // the latest head asked for: a read finishing for an earlier one is dropped
  let fieldReads = 0; // the same for the latest layer's field
  let gone = false;
  void invalidation.then(() => (gone = true));
  const move = (next: number) => {
    query = next;
    sentence?.setQuery(query, farPath(paths, shown.direction, query));
    grid?.setQuery(query, paths[query]);
    field?.setQuery(query);
    gridToken.textContent = tokens[query];
    if (drawn) live.textContent = announcement(drawn.map, tokens, query, shown.direction, drawn.label);
  };
  const readAhead = () => {
    for (const next of [layer + 1, layer - 1]) model.source.prefetch?.({...sliceOf(), layer: next, head: head.head});
  };
  const drawField = () => {
    const serial = ++fieldReads;
    const drawing = layer;
    return shownLayer(model, sliceOf(), shown.kind).then(
      (maps) => {
        if (gone || serial !== fieldReads) return;
        field = windowedField(maps, tokens, paths, head, `Attention field, ${model.name} layer ${drawing}, ${shown.kind}`);
        field.setQuery(query);
        fieldBox.replaceChildren(field.box);
        delete fieldBox.dataset.reading;
        readAhead();
      },
      (error: unknown) => {
        if (gone || serial !== fieldReads) return;
        field = null;
        fieldBox.replaceChildren(unreadableNote(error));
        delete fieldBox.dataset.reading;
      }
    );
  };
  let fieldAsked = false;
  const showHead = (h: number) => {
    const serial = ++reads;
    head = shownHeadOf(h);
    field?.setHead(h);
    if (sentence) sentenceBox.dataset.reading = "true";
    const done = () => {
      label.textContent = head.label; // the title names what is drawn, once it is
      delete sentenceBox.dataset.reading;
      move(query);
      if (!fieldAsked) void drawField();
      else if (field) readAhead();
      fieldAsked = true;
    };
    shownHead(model, {...sliceOf(), head: h}, shown.kind).then(
      (read) => {
        if (gone || serial !== reads) return;
        drawn = {map: read, label: head.label};
        if (sentence) sentence.setData({map: read, tokens}, {color: headColor(h), title: `Sentence view, ${head.label}`});
        else sentenceBox.replaceChildren((sentence = headSentence(read, tokens, head, query, farPath(paths, shown.direction, query))));
        done();
      },
      (error: unknown) => {
        if (gone || serial !== reads) return;
        drawn = null;
        sentence = null;
        sentenceBox.replaceChildren(unreadableNote(error));
        done();
      }
    );
  };
  /** A new layer, head or both: the field is drawn again for a new layer once the head is. */
  const showAt = ({layer: l, head: h}: {layer: number; head: number}) => {
    if (l !== layer) {
      layer = l;
      fieldAsked = false;
      if (field) fieldBox.dataset.reading = "true";
    }
    showHead(h);
  };
  showHead(shown.head);
  move(query);
  follow(controls, invalidation, queryOf, move, shownKey);
  follow(controls, invalidation, (value) => `${value.layer}|${value.head}`, () => showAt(controls.value), shownKey); // a change of the shown key rebuilds the views instead
  return {sentence: sentenceBox, grid, field: fieldBox, gridToken, label};
}

/** A detail tab's content and how it follows the query (null: it does not). */
interface Detail {
  node: Element;
  setQuery: ((query: number) => void) | null;
}

/** The note over the pseudo-blocks when another architecture than IHA is selected ("" for IHA). */
export function pseudoNote(arch: string, layer: number, head: number): string {
  return arch === "iha" ? "" : `Pseudo-blocks exist only for IHA: shown for IHA's ${headLabel(layer, head)}, whatever architecture is selected above. `;
}

/**
 * The heatmap tab: the effective map against what a per-head tool would show (the raw pattern, or the naive
 * slice); a reader's file without effective maps shows its pattern alone, larger for a long sequence, and says so.
 */
async function heatmapDetail(ex: Explorer, s: ExplorerState, query: number): Promise<Detail> {
  const model = modelOf(ex, s.arch);
  const slice = {arch: model.key, sample: s.sample, layer: s.layer, head: s.head};
  const rawName = s.kind === "naive" ? "naive" : "raw";
  const label = headLabel(s.layer, s.head);
  const {tokens, paths} = model.inputs[s.sample];
  const [raw, effective] = await Promise.all([headOfKind(model, slice, rawName), model.kinds.includes("effective") ? headOfKind(model, slice, "effective") : null]);
  const size = !effective && tokens.length > HEATMAP_LARGE_TOKENS ? HEATMAP_LARGE_SIZE : undefined;
  const panel = heatmapPanel(
    {raw: raw!, rawName, effective: effective ?? undefined, tokens},
    {query, path: paths, title: `${model.name} ${label}`, headLabel: label, color: headColor(s.head), size}
  );
  if (effective) return {node: panel, setQuery: (q) => panel.setQuery(q)};
  const node = element("div", "", panel, element("p", "mixviz-caption", PATTERN_ONLY_NOTE));
  return {node, setQuery: (q) => panel.setQuery(q)};
}

/** What the mixing tab says of a model of the reader's file when the file has no mixing table. */
export const NO_FILE_MIXING = "Your file carries no mixing table: add one (the columns of mixing.arrow, docs/data-formats.md) to see how its heads are mixed.";

/** What the mixing tab says of a model of a file read in parts (its mixing table is not read beside it). */
export const PARTS_FILE_MIXING = "A file read in parts is read without a mixing table (Your data reads one only beside a file it can hold), so its mixing is not shown.";

/** The mixing tab of a model of the reader's file: the file's mixing table at the layer (its kept epoch, or its last). */
function fileMixingDetail(ex: Explorer, s: ExplorerState): Detail {
  const set = ex.file?.set;
  if (!set?.mixing) return {node: element("p", "mixviz-caption", ex.file?.parts ? PARTS_FILE_MIXING : NO_FILE_MIXING), setQuery: null};
  const {rows, arch, n_pseudo, epoch} = layerMixing(set.mixing, s.layer);
  return {node: mixingMatrix(rows, {arch, heads: set.heads, n_pseudo, layer: s.layer, epoch, headLabel}), setQuery: null};
}

/** The mixing tab: the architecture's mixing weights of the layer at the state's epoch. */
async function mixingDetail(ex: Explorer, s: ExplorerState): Promise<Detail> {
  if (!isArch(s.arch)) return fileMixingDetail(ex, s);
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

/** What the open tab's card says while its content is read ("Reading IHA L0H3's pseudo-blocks…"); `name`: the model's. */
export function detailLoading(s: Pick<ExplorerState, "tab" | "arch" | "layer" | "head">, name: string): string {
  const what: Record<Tab, string> = {
    heatmap: `${name} ${headLabel(s.layer, s.head)}'s maps`,
    mixing: isArch(s.arch) ? `the mixing weights of every epoch` : `the mixing table of ${name}`,
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
  status.textContent = detailLoading(state, modelOf(ex, state.arch).name);
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
      follow(controls, invalidation, queryOf, detail.setQuery);
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

/** What [ and ] say when the model has a single layer. */
export function singleLayerNote(): string {
  return `[ and ] step through the layers; this model has a single layer (${layerLabel(0)}).`;
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
  const sizes = () => {
    const {limits} = modelOf(ex, controls.value.arch);
    return {tokens: limits.tokens, heads: limits.heads, layers: limits.layers};
  };
  return mapPageKeys(controls, sizes, {toggle: () => controls.toggle(), singleLayer});
}
