// The head workbench's models and state (src/heads.md): the models it offers (one list from the relation models'
// and the language models' JSON), the limits a state must fit for each, and the store that keeps the state in
// the address bar and tells the page's cells when the part they draw changes. Pure but for the store's `write`.
import {ARCH_NAMES, type Arch} from "../../model/vocabulary.js";
import {typesFor, type DetectionSetting} from "../../model/headTypes.js";
import {isCausal} from "../../model/mapOps.js";
import {repeatPeriod} from "../../model/metrics.js";
import type {AblationColumns} from "../../sources/runTables.js";
import {modelsOf} from "../../sources/uploadSource.js";
import {layerStack, type AttentionSet} from "../../upload/attentionSet.js";
import {parseWorkbench, serializeWorkbench, WORKBENCH_KINDS, type WorkbenchKind, type WorkbenchLimits, type WorkbenchState} from "../../state/workbenchState.js";
import {DETECTION_INPUTS} from "./maps.js";

/** Where a model's maps come from: the build's relation models or language models, or the reader's file. */
export type Family = "lm" | "relation" | "file";

export interface WorkbenchInput {
  caption: string;
  tokens: readonly string[];
  /** token ids (language models), null for the relation grid */
  ids: readonly number[] | null;
}

/** One model the page offers: where its maps live (its family's source), its sizes, what detection can score. */
export interface WorkbenchModel {
  id: string;
  name: string;
  family: Family;
  arch: string;
  layers: number;
  heads: number;
  tokens: number;
  samples: WorkbenchInput[];
  setting: DetectionSetting;
  /** the map kinds it has: a reader's file has effective maps only when it carries them */
  kinds: readonly WorkbenchKind[];
  /** the metric the ablations change */
  metric: string;
  /** its columns in the family's ablation table; null for a reader's file without an ablation table */
  ablation: AblationColumns | null;
  /** a reader's file read in parts: a view reads the heads it draws, and detection reads every head in a scan (scan.ts) */
  inParts: boolean;
}

/** What the page reads of samples.json, metrics.json and lm-samples.json. */
export interface RelationSamples {
  task: {m: number};
  archs: string[];
  samples: {sample: number; tokens: string[]}[];
}
export interface RelationMetrics {
  model: {n_layers: number; n_heads: number};
}
export interface LmSamples {
  n_ctx: number;
  token_labels: string[];
  archs: string[];
  samples: {sample: number; tokens: number[]}[];
  architectures: Record<string, {config: {n_layers: number; n_heads: number}}>;
}

const archName = (arch: string) => ARCH_NAMES[arch as Arch] ?? arch;

/** The page's models, the language models first (the first one is the default). */
export function workbenchModels(relation: RelationSamples, metrics: RelationMetrics, lm: LmSamples): WorkbenchModel[] {
  const lmModels = lm.archs.map((arch): WorkbenchModel => ({
    id: `lm-${arch}`,
    name: `Language model · ${archName(arch)}`,
    family: "lm",
    arch,
    layers: lm.architectures[arch].config.n_layers,
    heads: lm.architectures[arch].config.n_heads,
    tokens: lm.n_ctx,
    samples: lm.samples.map((s) => ({caption: `sequence ${s.sample}`, tokens: s.tokens.map((t) => lm.token_labels[t]), ids: s.tokens})),
    setting: {m: null, tokens: true, causal: true, probe: true},
    kinds: WORKBENCH_KINDS,
    metric: "induction accuracy",
    ablation: {base: "induction_accuracy", ablated: "ablated_induction_accuracy", source: "source_ablated_induction_accuracy"},
    inParts: false
  }));
  const relationModels = relation.archs.map((arch): WorkbenchModel => ({
    id: `relation-${arch}`,
    name: `Relation task · ${archName(arch)}`,
    family: "relation",
    arch,
    layers: metrics.model.n_layers,
    heads: metrics.model.n_heads,
    tokens: relation.task.m * relation.task.m,
    samples: relation.samples.map((s) => ({caption: `sample ${s.sample}`, tokens: s.tokens, ids: null})),
    setting: {m: relation.task.m, tokens: false, causal: false, probe: false},
    kinds: WORKBENCH_KINDS,
    metric: "test F1",
    ablation: {base: "test_f1", ablated: "ablated_f1", source: "source_ablated_f1"},
    inParts: false
  }));
  return [...lmModels, ...relationModels];
}

/** The workbench's id of model `index` of a file of `count` models: `file` for a one-model file, else `file-<index>`. */
export const fileModelId = (index: number, count: number): string => (count === 1 ? "file" : `file-${index}`);

/** What naming a file's models needs: its sequences and sizes (a file held whole or read in parts). */
export type FileShape = Pick<AttentionSet, "groups" | "layers" | "heads" | "n">;

/** One model of a reader's file as the workbench and the explorer name it, with its sequences (indices in the file, and as inputs). */
export interface FileModelEntry {
  id: string;
  name: string;
  /** its key in the file (`uploadSource.modelKey`) */
  arch: string;
  groups: number[];
  samples: WorkbenchInput[];
}

/**
 * The models of a reader's file, one per value of its `model` column, from its shape alone (no map is read).
 * Token ids are the tokens' strings numbered in order of first appearance, so equal tokens share an id; a file
 * without tokens has none.
 */
export function fileModelEntries(file: FileShape, fileName: string): FileModelEntry[] {
  const ids = new Map<string, number>();
  const idsOf = (tokens: readonly string[]) => tokens.map((t) => (ids.has(t) ? ids.get(t)! : (ids.set(t, ids.size), ids.size - 1)));
  const models = [...modelsOf(file)];
  return models.map(([key, groups], i) => ({
    id: fileModelId(i, models.length),
    name: `Your file · ${key || fileName}`,
    arch: key,
    groups,
    samples: groups.map((g) => ({caption: file.groups[g].label, tokens: file.groups[g].tokens, ids: file.groups[g].numbered ? null : idsOf(file.groups[g].tokens)}))
  }));
}

/** What a reader's file brings to its models beyond its shape. */
interface FileTraits {
  /** no weight after the query */
  causal: (groups: readonly number[]) => boolean;
  effective: boolean;
  ablation: AttentionSet["ablation"];
  inParts: boolean;
}

/**
 * The models of a reader's file (fileModelEntries). A file without tokens has no token scores. The position-based
 * induction score is offered when one of the inputs detection reads is BOS and a repeated segment (it is scored on
 * those inputs only, `detection.inputTypes`).
 */
function fileWorkbenchModels(file: FileShape, fileName: string, traits: FileTraits): WorkbenchModel[] {
  return fileModelEntries(file, fileName).map(({groups, ...entry}): WorkbenchModel => {
    const {samples, arch: key} = entry;
    const tokens = samples.every((s) => s.ids !== null);
    const repeats = tokens && samples.slice(0, DETECTION_INPUTS).some((s) => repeatPeriod(s.ids!) !== null);
    return {
      ...entry,
      family: "file",
      layers: file.layers,
      heads: file.heads,
      tokens: file.n,
      setting: {m: null, tokens, causal: traits.causal(groups), probe: repeats},
      kinds: traits.effective ? WORKBENCH_KINDS : ["raw"],
      metric: traits.ablation?.metric ?? "the file's metric",
      ablation: traits.ablation?.rows.some((r) => (r.model ?? "") === key) ? FILE_ABLATION : null,
      inParts: traits.inParts
    };
  });
}

/** The models of a reader's file held in memory ("Your data", kept in this browser): causal when no weight of a model's first input lies after the query. */
export function fileModels(set: AttentionSet, fileName: string): WorkbenchModel[] {
  const causal = (groups: readonly number[]) => Array.from({length: set.layers}, (_, l) => layerStack(set, groups[0], l)).flat().every(isCausal);
  return fileWorkbenchModels(set, fileName, {causal, effective: set.effective !== null, ablation: set.ablation, inParts: false});
}

/**
 * The models of a file read in parts (too large to hold, or at a URL): no ablation table comes with one, and whether
 * it is causal is read from one head of each model's first input (`firstHeads`, the page reads them), since reading
 * every head is a scan.
 */
export function partsModels(file: FileShape & {hasEffective: boolean}, fileName: string, causal: (group: number) => boolean): WorkbenchModel[] {
  return fileWorkbenchModels(file, fileName, {causal: (groups) => causal(groups[0]), effective: file.hasEffective, ablation: null, inParts: true});
}

/** The columns of `fileAblationRows` as the ablation plot reads them. */
const FILE_ABLATION: AblationColumns = {base: "base", ablated: "ablated", source: "source"};

/**
 * The file's ablation rows in the shape of the build's ablation tables (heads.arrow), for `ablationByHead`:
 * `arch` is the model's key, every row a raw-map row. The page makes the Arquero table of them.
 */
export function fileAblationRows(set: AttentionSet): {arch: string; map: "raw"; layer: number; head_index: number; base: number; ablated: number; source: number | null}[] {
  return (set.ablation?.rows ?? []).map((r) => ({arch: r.model ?? "", map: "raw", layer: r.layer, head_index: r.head_index, base: r.base, ablated: r.ablated, source: r.source}));
}

/** Whether the build measured source knockouts for the model (IHA's, not a reader's file). */
export const hasKnockouts = (model: WorkbenchModel): boolean => model.family !== "file" && model.arch === "iha";

/** The models by id, with the limits a state must fit for each. */
export class ModelRegistry {
  readonly ids: string[];
  private byId: Map<string, WorkbenchModel>;

  constructor(readonly models: readonly WorkbenchModel[]) {
    this.ids = models.map((m) => m.id);
    this.byId = new Map(models.map((m) => [m.id, m]));
  }

  get(id: string): WorkbenchModel {
    const model = this.byId.get(id);
    if (!model) throw new Error(`the workbench has no model ${id}`);
    return model;
  }

  limitsOf(id: string): WorkbenchLimits {
    const m = this.get(id);
    return {samples: m.samples.length, layers: m.layers, heads: m.heads, tokens: m.tokens, causal: m.setting.causal, kinds: m.kinds};
  }
}

/**
 * The state after `patch`. A new model keeps the reader's display choices and brings positions into its
 * range: sample, layer and head clamped, the held token let go, the mask as the model's default, a map kind
 * it lacks replaced by raw, and a pattern score the model cannot compute replaced by previous-token.
 */
export function nextState(models: ModelRegistry, state: WorkbenchState, patch: Partial<WorkbenchState>): WorkbenchState {
  const next = {...state, ...patch};
  if (patch.model && patch.model !== state.model) {
    const limits = models.limitsOf(patch.model);
    next.sample = Math.min(next.sample, limits.samples - 1);
    next.layer = Math.min(next.layer, limits.layers - 1);
    next.head = Math.min(next.head, limits.heads - 1);
    next.token = -1;
    next.mask = limits.causal;
    if (!limits.kinds.includes(next.kind)) next.kind = "raw";
    if (!typesFor(models.get(patch.model).setting).includes(next.score)) next.score = "previous_token";
  }
  return next;
}

/**
 * The page's state in one place, written to the address bar (`write(query)`) from the first moment on; read from
 * `search`, where a file at a URL (`?url=`) makes the file's first model the default.
 */
export interface WorkbenchStore {
  readonly value: WorkbenchState;
  set(patch: Partial<WorkbenchState>): void;
  /** Calls `notify` with the state now and after every change that changes `key(state)`; returns the unsubscribe. */
  watch(key: (state: WorkbenchState) => string, notify: (state: WorkbenchState) => void): () => void;
}

export function workbenchStore(models: ModelRegistry, search: string, write: (query: string) => void): WorkbenchStore {
  const listeners = new Set<() => void>();
  // An address that names a file by its URL opens on the file's first model, unless it names a model.
  const fromUrl = new URLSearchParams(search).has("url") ? models.models.find((m) => m.family === "file")?.id : undefined;
  let value = parseWorkbench(search, models.ids, (id) => models.limitsOf(id), fromUrl);
  write(serializeWorkbench(value));
  return {
    get value() {
      return value;
    },
    set(patch) {
      value = nextState(models, value, patch);
      write(serializeWorkbench(value));
      listeners.forEach((listener) => listener());
    },
    watch(key, notify) {
      let last: string | undefined;
      const update = () => {
        const k = key(value);
        if (k !== last) {
          last = k;
          notify(value);
        }
      };
      update();
      listeners.add(update);
      return () => listeners.delete(update);
    }
  };
}

/** What the maps and the head grid depend on (a change of anything else leaves them as they are). */
export const lookKey = (s: WorkbenchState) => [s.model, s.sample, s.kind, s.hideFirst, s.scheme, s.mask].join("|");

/** The state change of a click on a head: lock it, or let go of it when it is the locked one. */
export function lockPatch(state: WorkbenchState, head: {layer: number; head: number}): Partial<WorkbenchState> {
  const same = state.layer === head.layer && state.head === head.head;
  return {...head, locked: !(same && state.locked)};
}
