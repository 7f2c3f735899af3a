// The playground page's module: builds the controls and view slots that src/playground.md places, turns the
// reader's input into calls on the controller (controller.ts), and draws what it answers. An edit redraws
// synchronously inside its event handler, so its views are painted in the next frame.
//
// The views are built once (the grid and the predictions) or once per architecture, layer and head (the
// Sentence Views and Attention Fields, whose colours and titles name them); an edit redraws them in place
// (setData: new maps on the same canvases and lines; setQuery: a new query), and the mixing matrices, in
// place too, only when a mixing weight changed.
import {headLabel} from "../../model/config.js";
import type {Arch} from "../../model/vocabulary.js";
import {LiveModel} from "../../runtime/liveModel.js";
import {readTrained} from "../../runtime/weights.js";
import {setProperty, setText} from "../../components/domWrites.js";
import {fieldPainter} from "../../components/fieldPainter.js";
import {heatmapPanel} from "../../components/heatmapPanel.js";
import {mixingMatrix, type MixingMatrixElement} from "../../components/mixingMatrix.js";
import {headColor} from "../../components/palette.js";
import {ModelStore, PlaygroundController, type Outcome, type PlaygroundData} from "./controller.js";
import {MATRIX_NAMES, valueBoxText, type EditorSelection} from "./editor.js";
import {el, option, playgroundControls, type PlaygroundControls} from "./controls.js";
import {playgroundViews} from "./views.js";

/**
 * The address bar and the typed relation are written once a burst of edits has paused (URL_DELAY ms), never
 * in the frame that shows an edit: history.replaceState costs 10–50 ms in a busy Chromium, and a new value
 * in the textarea rebuilds its lines and relayouts the page. The status's data-saved names the version they hold.
 */
const URL_DELAY = 300;

/** What the page gives the module: its data, the weights files (FileAttachments) and the Attention Fields' worker. */
export interface PlaygroundSetup extends PlaygroundData {
  files: Record<Arch, {weights: {arrayBuffer(): Promise<ArrayBuffer>}}>;
  worker: Worker;
}

/** Runs `fn` in a task after the next frame has been painted. */
const afterPaint = (fn: () => void) => requestAnimationFrame(() => setTimeout(fn, 0));
const slot = (name: string) => el("div", {"data-slot": name});

/** The playground's nodes, for the page to place, and `dispose` for its invalidation. */
export async function createPlayground(setup: PlaygroundSetup) {
  // Each Attention Field keeps one painter, a slot of the worker that every field built in its place draws
  // through. They listen to the worker before anything is awaited: a worker that fails to load says so once.
  const painters = {raw: fieldPainter(setup.worker), effective: fieldPainter(setup.worker)};
  const models = new ModelStore((arch) => setup.files[arch].weights.arrayBuffer().then((buffer) => new LiveModel(readTrained(new Uint8Array(buffer), setup.configs[arch].config))));
  const state = PlaygroundController.initialState(setup, location.search);
  const play = new PlaygroundController(setup, state, await models.get(state.arch));
  const c = playgroundControls({...state, m: play.m, heads: play.heads, layers: play.layers, n_pseudo: play.n_pseudo, samples: play.samples.map((s) => s.sample)});
  const slots = {grid: slot("grid"), predictions: slot("predictions"), sentenceRaw: slot("sentence-raw"), sentenceEffective: slot("sentence-effective"), fieldRaw: slot("field-raw"), fieldEffective: slot("field-effective"), heatmap: slot("heatmap"), mixing: slot("mixing")};
  const titles = {grid: el("h2"), predictions: el("h2"), sentenceRaw: el("h2"), sentenceEffective: el("h2"), fieldRaw: el("h2"), fieldEffective: el("h2")};
  const heatmap = el("details", {class: "card", "data-view": "heatmap"}, el("summary", {}, "Heatmaps of the selected head: raw, effective and their difference"), slots.heatmap);
  const status = el("div", {id: "mixviz-playground-status", class: "mixviz-caption mixviz-line", "data-version": "0"});
  const views = playgroundViews(slots, titles, painters, (n) => act(play.flip(n)), (n) => act(play.setQuery(n)));
  let drawHeatmap = () => {};
  heatmap.addEventListener("toggle", () => heatmap.open && drawHeatmap());

  function render(weightsChanged: boolean): void {
    const tRender = performance.now();
    const frame = play.frame(() => performance.now());
    views.draw(frame);
    const {raw, effective, head, headNames, tokens, paths, query, name} = frame;
    // The heatmaps (three Plot charts of N² cells) are drawn only while their section is open.
    drawHeatmap = () => slots.heatmap.replaceChildren(heatmapPanel({raw: raw[head], effective: effective[head], tokens}, {query, path: paths, title: `${name} ${headNames[head]}`, headLabel: headNames[head], color: headColor(head)}));
    if (heatmap.open) drawHeatmap();
    if (weightsChanged) {
      // The matrices are not what an edit is judged by: they are redrawn after the frame that shows its
      // predictions and maps (a later edit supersedes them), in place while the architecture and layer stay.
      const key = play.mixingStale();
      if (key !== null) afterPaint(() => drawMixing(key));
      syncEditor();
    }
    setText(status, frame.status);
    // Read by bench/playground.ts: the forward pass with its maps, and the whole redraw on this thread.
    status.dataset.modelMs = frame.modelMs.toFixed(2);
    status.dataset.renderMs = (performance.now() - tRender).toFixed(2);
    status.dataset.version = String(frame.version);
    status.dataset.arch = frame.arch;
    saveUrl(frame.version);
  }

  let mixing: MixingMatrixElement | null = null;
  function drawMixing(key: string): void {
    const card = play.mixingCard(key);
    if (!card) return;
    if (mixing && card.inPlace) return mixing.setData(card.rows);
    mixing = card.arch === "mha" ? null : mixingMatrix(card.rows, {arch: card.arch, heads: play.heads, n_pseudo: play.n_pseudo, layer: card.layer, epoch: card.epoch, headLabel});
    slots.mixing.replaceChildren(mixing ?? el("p", {class: "mixviz-caption"}, "MHA has no mixing: every head keeps to itself."));
  }

  const syncEditor = () => writeEditor(c, play, act);

  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  function saveUrl(version: number): void {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      history.replaceState(history.state, "", `?${play.search()}${location.hash}`);
      const text = play.relationText();
      if (c.relationText.value !== text) c.relationText.value = text;
      status.dataset.saved = String(version);
    }, URL_DELAY);
  }

  /** Shows what an action changed; its message goes to the line under the controls it came from. */
  function act(outcome: Outcome, line: HTMLElement = c.message): void {
    if (outcome.message !== undefined) {
      line.textContent = outcome.message;
      line.classList.toggle("mixviz-error", outcome.message !== "");
    }
    if (outcome.clearSample) c.sampleSelect.value = "";
    if (outcome.redraw === "editor") syncEditor();
    else if (outcome.redraw !== "none") render(outcome.redraw === "weights");
  }

  listen(c, play, models, act);
  render(true);
  return {inputs: c.inputs, message: c.message, editor: c.editor, status, titles, slots, heatmap, dispose: () => models.dispose()};
}

/** Wires every control to the controller. */
function listen(c: PlaygroundControls, play: PlaygroundController, models: ModelStore, act: (o: Outcome, line?: HTMLElement) => void): void {
  const on = (node: HTMLElement, type: string, fn: () => Outcome) => node.addEventListener(type, () => act(fn()));
  const onEdit = (node: HTMLElement, fn: () => Outcome) => node.addEventListener("click", () => act(fn(), c.editMessage));
  c.archSelect.addEventListener("change", async () => {
    const arch = c.archSelect.value as Arch;
    const model = await models.get(arch);
    if (c.archSelect.value === arch) act(play.setArch(arch, model));
  });
  on(c.sampleSelect, "change", () => play.loadSample(c.sampleSelect.value));
  on(c.drawButton, "click", () => play.drawSeed(c.seedInput.value));
  on(c.applyButton, "click", () => play.applyRelation(c.relationText.value));
  on(c.headSelect, "change", () => play.setHead(Number(c.headSelect.value)));
  on(c.layerSelect, "change", () => play.select({layer: Number(c.layerSelect.value)}));
  on(c.matrixSelect, "change", () => play.select({matrix: c.matrixSelect.value as EditorSelection["matrix"]}));
  on(c.sourceSelect, "change", () => play.select({source: Number(c.sourceSelect.value)}));
  on(c.targetSelect, "change", () => play.select({target: Number(c.targetSelect.value)}));
  on(c.pseudoSelect, "change", () => play.select({pseudo: Number(c.pseudoSelect.value)}));
  on(c.knockSelect, "change", () => play.select({knock: Number(c.knockSelect.value)}));
  onEdit(c.setButton, () => play.setEntry(c.valueInput.value));
  onEdit(c.zeroButton, () => play.zeroEntry());
  onEdit(c.zeroRowButton, () => play.zeroRow());
  onEdit(c.knockButton, () => play.knock());
  onEdit(c.knockSourceButton, () => play.knockSource());
  onEdit(c.resetButton, () => play.reset());
}

/** Brings the editor up to date. Controls are written only where they change: every write restyles and relayouts the editor. */
function writeEditor(c: PlaygroundControls, play: PlaygroundController, act: (o: Outcome, line?: HTMLElement) => void): void {
  const view = play.editorView();
  if ([...c.matrixSelect.options].map((o) => o.value).join() !== view.matrices.join()) {
    c.matrixSelect.replaceChildren(...view.matrices.map((x) => option(x, MATRIX_NAMES[x], x === play.selection.matrix)));
  }
  for (const control of [c.matrixSelect, c.sourceSelect, c.targetSelect, c.valueInput, c.setButton, c.zeroButton]) setProperty(control, "disabled", !view.mixes);
  setProperty(c.pseudoSelect, "disabled", view.pseudoDisabled);
  setProperty(c.zeroRowButton, "hidden", view.zeroRowHidden);
  setProperty(c.knockSourceButton, "hidden", view.knockSourceHidden);
  setProperty(c.layerSelect, "disabled", view.layerDisabled);
  setText(c.entryInfo, view.entryInfo);
  // The box keeps what the reader typed while it means the entry's value (a rewrite relayouts the row).
  const text = view.entry && document.activeElement !== c.valueInput ? valueBoxText(c.valueInput.value, view.entry.current) : null;
  if (text !== null) setProperty(c.valueInput, "value", text);
  // The list is rewritten in place (an inserted or removed node restyles the whole document here).
  setText(c.editHeading, view.heading);
  c.editHeading.classList.toggle("mixviz-edited", view.edited);
  const items = c.editItems.children;
  while (items.length > view.items.length) items[items.length - 1].remove();
  view.items.forEach((item, i) => {
    if (!items[i]) {
      const undo = el("button", {type: "button", "data-control": "undo"}, "undo");
      undo.addEventListener("click", () => act(play.undo(i), c.editMessage));
      c.editItems.append(el("li", {}, el("span"), " ", undo));
    }
    setText(items[i].firstChild!, item);
  });
  setProperty(c.editList.dataset, "edits", String(view.items.length));
  setProperty(c.resetButton, "disabled", !view.edited);
}
