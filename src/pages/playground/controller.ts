// The playground's controller: everything the reader can change (the address-bar state, the counterfactual
// edits, the editor's chosen entry), the live model they run, and what each view gets after a change. Pure:
// no DOM. The page module (page.ts) turns controls into calls here and draws what `frame()`, `editorView()`
// (editor.ts) and `mixingCard()` answer; unit-tested against the tiny trained models (test/playgroundPage.test.ts).
import {headLabel, type ModelConfig} from "../../model/config.js";
import {MIX_MATRICES, mixingRows, type MixingRow, type MixMatrix} from "../../model/mixing.js";
import {mulberry32} from "../../model/prng.js";
import {labelsOf, sampleRelation, tokenLabel, witnessPath, type TaskConfig} from "../../model/task.js";
import {ARCH_NAMES, type Arch} from "../../model/vocabulary.js";
import type {Edit, Forward, LiveModel} from "../../runtime/liveModel.js";
import {formatRelation, parsePlaygroundState, parseRelation, serializePlaygroundState, type PlaygroundState} from "../../state/playgroundState.js";
import type {HeadMap} from "../../components/headStack.js";
import {editorView, entryOf, type EditorSelection, type EditorView, type Entry} from "./editor.js";

/** What the page reads from samples.json and data/weights/<arch>.json. */
export interface PlaygroundData {
  samples: {task: TaskConfig; samples: readonly {sample: number; relation: readonly number[]; labels: readonly number[]}[]};
  configs: Record<Arch, {config: ModelConfig; best_epoch: number}>;
}

/**
 * What an action changed, for the page: `redraw` "none" (nothing to draw), "editor" (the editor's choice of
 * entry), "views" (the input, query or head), "weights" (edits, architecture or layer: the views, the editor
 * and the mixing card); `message` the text for the message line ("" clears it; absent leaves it);
 * `clearSample` where the input is no longer a showcase sample.
 */
export interface Outcome {
  redraw: "none" | "editor" | "views" | "weights";
  message?: string;
  clearSample?: boolean;
}

const NOTHING: Outcome = {redraw: "none"};

/** Everything one redraw draws, computed from the state and the (cached) forward pass. */
export interface Frame {
  arch: Arch;
  /** the architecture's short name */
  name: string;
  layer: number;
  head: number;
  query: number;
  m: number;
  relation: Uint8Array;
  tokens: string[];
  labels: Uint8Array;
  paths: number[][];
  out: Forward;
  raw: HeadMap[];
  effective: HeadMap[];
  headNames: string[];
  /** the Sentence Views and Attention Fields are built afresh (architecture, layer or head changed) */
  rebuild: boolean;
  /** the input or the weights changed: the views built before take new data */
  newData: boolean;
  /** ms of this frame's forward pass (0 when the last run was reused) */
  modelMs: number;
  /** the status line */
  status: string;
  /** counts the frames, 1 for the first */
  version: number;
}

/** What the mixing card draws once the frame that shows an edit is painted. */
export interface MixingCard {
  arch: Arch;
  layer: number;
  rows: MixingRow[];
  /** redraw the card in place (same architecture and layer) rather than build it afresh */
  inPlace: boolean;
  epoch: number;
}

/** Each architecture's live model, read once, when it is first asked for. */
export class ModelStore {
  private readonly models = new Map<Arch, Promise<LiveModel>>();
  constructor(private readonly load: (arch: Arch) => Promise<LiveModel>) {}

  get(arch: Arch): Promise<LiveModel> {
    let model = this.models.get(arch);
    if (!model) this.models.set(arch, (model = this.load(arch)));
    return model;
  }

  dispose(): void {
    this.models.forEach((p) => p.then((model) => model.dispose()));
  }
}

export class PlaygroundController {
  readonly task: TaskConfig;
  readonly m: number;
  readonly heads: number;
  readonly layers: number;
  readonly n_pseudo: number;
  state: PlaygroundState;
  edits: readonly Edit[] = [];
  selection: EditorSelection;
  private model: LiveModel;
  private readonly data: PlaygroundData;
  private weightsVersion = 0;
  private version = 0;
  private lastRun = {key: "", out: null as Forward | null};
  private drawn = {viewKey: "", dataKey: ""};
  private mixingKey = "";
  private cardKey = "";

  /** `model` must be the live model of the state's architecture (parsed from `search`). */
  constructor(data: PlaygroundData, state: PlaygroundState, model: LiveModel) {
    this.data = data;
    this.task = data.samples.task;
    this.m = this.task.m;
    const cfg = data.configs.mha.config;
    this.heads = cfg.n_heads;
    this.layers = cfg.n_layers;
    this.n_pseudo = data.configs.iha.config.n_pseudo;
    this.state = state;
    this.model = model;
    const matrix = MIX_MATRICES[state.arch][0] ?? "";
    this.selection = {layer: 0, matrix, source: 0, target: 0, pseudo: 0, knock: 0};
  }

  /** The state an address gives (IHA, showcase sample 0 and its first positive cell, head 0 where it gives none). */
  static initialState(data: PlaygroundData, search: string): PlaygroundState {
    const first = data.samples.samples[0];
    const defaults: PlaygroundState = {arch: "iha", relation: Uint8Array.from(first.relation), query: Math.max(0, first.labels.indexOf(1)), head: 0};
    return parsePlaygroundState(search, data.samples.task.m, data.configs.mha.config.n_heads, defaults);
  }

  get samples(): PlaygroundData["samples"]["samples"] {
    return this.data.samples.samples;
  }

  // --- the input

  flip(n: number): Outcome {
    const relation = this.state.relation.slice();
    relation[n] = 1 - relation[n];
    return this.update({relation}, {clearSample: true});
  }

  setQuery(query: number): Outcome {
    return this.update({query});
  }

  setHead(head: number): Outcome {
    return this.update({head});
  }

  /** Showcase sample `value` (its index as the menu holds it); "" or an unknown one changes nothing. */
  loadSample(value: string): Outcome {
    const sample = value === "" ? undefined : this.samples[Number(value)];
    if (!sample) return NOTHING;
    return this.update({relation: Uint8Array.from(sample.relation)}, {message: ""});
  }

  /** A random relation from the seed typed, or a message saying why the text is not a seed. */
  drawSeed(text: string): Outcome {
    const seed = text.trim();
    if (!/^\d{1,9}$/.test(seed)) return {redraw: "none", message: `Seed ${JSON.stringify(seed.slice(0, 12))} is not a whole number from 0 to 999999999.`};
    return this.update({relation: sampleRelation(mulberry32(Number(seed)), this.task)}, {message: "", clearSample: true});
  }

  /** The relation typed, or a message naming what is wrong with it (the last good relation stays). */
  applyRelation(text: string): Outcome {
    const parsed = parseRelation(text, this.m);
    if (parsed.error) return {redraw: "none", message: `${parsed.error} The model still shows the last good relation.`};
    return this.update({relation: parsed.relation}, {message: "", clearSample: true});
  }

  private update(patch: Partial<PlaygroundState>, outcome: Omit<Outcome, "redraw"> = {}): Outcome {
    this.state = {...this.state, ...patch};
    return {redraw: "views", ...outcome};
  }

  // --- the model and its edits

  /** Runs `model`, the live model of `arch`, from now on, with no edits (the one it replaces is reset to its trained weights). */
  setArch(arch: Arch, model: LiveModel): Outcome {
    this.model.setEdits([]);
    this.model = model;
    this.edits = [];
    this.weightsVersion++;
    this.state = {...this.state, arch};
    const matrices = MIX_MATRICES[arch];
    if (!matrices.includes(this.selection.matrix as MixMatrix)) this.selection = {...this.selection, matrix: matrices[0] ?? ""};
    return {redraw: "weights"};
  }

  /** A new choice in the editor; a new layer redraws everything (the maps and the mixing card are the layer's). */
  select(patch: Partial<EditorSelection>): Outcome {
    this.selection = {...this.selection, ...patch};
    return {redraw: patch.layer !== undefined ? "weights" : "editor"};
  }

  /** Sets the chosen mixing entry to the value typed, or says why the text is not a number. */
  setEntry(text: string): Outcome {
    const typed = text.trim();
    const value = Number(typed);
    if (typed === "" || !Number.isFinite(value)) return {redraw: "none", message: `Value ${JSON.stringify(text.slice(0, 12))} is not a number.`};
    return this.editEntry(value);
  }

  zeroEntry(): Outcome {
    return this.editEntry(0);
  }

  private editEntry(value: number): Outcome {
    const entry = this.entry();
    if (!entry) return NOTHING;
    const {layer, matrix, source, target, pseudo} = entry;
    const same = (e: Edit) => e.kind === "entry" && e.layer === layer && e.matrix === matrix && e.source === source && e.target === target && e.pseudo === pseudo;
    return {...this.setEdits([...this.edits.filter((e) => !same(e)), {kind: "entry", layer, matrix, source, target, pseudo, value}]), message: ""};
  }

  /** IHA: zeroes the chosen target's row of R. */
  zeroRow(): Outcome {
    return this.setEdits([...this.edits, {kind: "r_row", layer: this.selection.layer, target: this.selection.target}]);
  }

  /** Knocks out the chosen head's output (W_O = 0). */
  knock(): Outcome {
    return this.setEdits([...this.edits, {kind: "head", layer: this.selection.layer, head: this.selection.knock}]);
  }

  /** IHA: cuts the chosen head from every pseudo-token. */
  knockSource(): Outcome {
    return this.setEdits([...this.edits, {kind: "source", layer: this.selection.layer, head: this.selection.knock}]);
  }

  undo(index: number): Outcome {
    return this.setEdits(this.edits.filter((_, j) => j !== index));
  }

  reset(): Outcome {
    return {...this.setEdits([]), message: ""};
  }

  private setEdits(edits: readonly Edit[]): Outcome {
    this.edits = edits;
    this.model.setEdits(edits);
    this.weightsVersion++;
    return {redraw: "weights"};
  }

  // --- what the views get

  /** The mixing entry the editor points at, or null where the architecture has no mixing weights. */
  entry(): Entry | null {
    return entryOf(this.model, this.selection);
  }

  /** What the editor shows: the architecture's matrices, the chosen entry, the edit list. */
  editorView(): EditorView {
    return editorView(this.model, this.state.arch, this.selection, this.edits);
  }

  /**
   * The next frame. The model runs again only when the input or the weights changed (not for a new query,
   * head or layer); `rebuild` and `newData` say which views are built afresh and which take new data.
   */
  frame(now: () => number = () => 0): Frame {
    const {relation, query, head, arch} = this.state;
    const {task, m, heads} = this;
    const {layer} = this.selection;
    const runKey = `${arch}|${this.weightsVersion}|${relation.join("")}`;
    const t0 = now();
    if (runKey !== this.lastRun.key) this.lastRun = {key: runKey, out: this.model.run(relation)};
    const out = this.lastRun.out!;
    const modelMs = now() - t0;
    const labels = labelsOf(relation, task);
    const viewKey = `${arch}|${layer}|${head}`;
    const dataKey = `${runKey}|${layer}`;
    const rebuild = viewKey !== this.drawn.viewKey;
    const newData = dataKey !== this.drawn.dataKey;
    this.drawn = {viewKey, dataKey};
    const right = out.predictions.reduce((acc, p, n) => acc + (p === labels[n] ? 1 : 0), 0);
    const n = this.edits.length;
    const name = ARCH_NAMES[arch];
    return {
      arch,
      name,
      layer,
      head,
      query,
      m,
      relation,
      tokens: Array.from(relation, (bit, cell) => tokenLabel(Math.floor(cell / m), cell % m, bit)),
      labels,
      paths: Array.from({length: m * m}, (_, cell) => witnessPath(relation, cell, task)),
      out,
      raw: out.raw[layer],
      effective: out.effective[layer],
      headNames: Array.from({length: heads}, (_, h) => headLabel(layer, h)),
      rebuild,
      newData,
      modelMs,
      status: `${name}${n ? `, ${n} edit${n === 1 ? "" : "s"}` : ", trained weights"}: ${right} of ${m * m} cells right.`,
      version: ++this.version
    };
  }

  /**
   * Marks the mixing card stale after a redraw of the weights; the key it returns is handed to `mixingCard`
   * once the frame is painted. Null where the card shows the mixing weights already (a knockout leaves
   * every mixing weight as it was).
   */
  mixingStale(): string | null {
    const key = `${this.state.arch}|${this.selection.layer}|${JSON.stringify(this.edits.filter((e) => e.kind !== "head"))}`;
    if (key === this.mixingKey) return null;
    this.mixingKey = key;
    return key;
  }

  /** What the mixing card draws for the stale `key`, or null where a later redraw has superseded it. */
  mixingCard(key: string): MixingCard | null {
    if (key !== this.mixingKey) return null;
    const {arch} = this.state;
    const {layer} = this.selection;
    const rows = mixingRows(this.model.weights, this.model.cfg).filter((r) => r.layer === layer);
    const cardKey = `${arch}|${layer}`;
    const inPlace = cardKey === this.cardKey;
    this.cardKey = cardKey;
    return {arch, layer, rows, inPlace, epoch: this.data.configs[arch].best_epoch};
  }

  /** The address bar's query string (without "?"). */
  search(): string {
    return serializePlaygroundState(this.state, this.m);
  }

  /** The relation as the text box holds it: m rows of digits. */
  relationText(): string {
    return formatRelation(this.state.relation, this.m).replaceAll("/", "\n");
  }
}
