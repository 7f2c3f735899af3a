// The custom-score editor: a text area for a scoring function of one head's map, a menu of examples, a
// Run button, a message line and the ranking of every head by the score. The scoring itself is delegated
// to `run` (the page passes a worker-backed ScoreRunner), so this view never executes the reader's code.
// Pure: options in, a DOM node out; results are rendered as text only.
import {tagged} from "./element.js";
import {headColor} from "./palette.js";
import type {ScoreResult} from "../runtime/scoreRunner.js";

export interface ScoreEditorOptions {
  examples: readonly {name: string; code: string}[];
  /** scores every head with the code; resolves with the ranking or a message */
  run: (code: string) => Promise<ScoreResult>;
  /** initial code (default: the first example) */
  code?: string;
}

function ranking(scores: Extract<ScoreResult, {ok: true}>["scores"]): HTMLTableElement {
  const sorted = [...scores].sort((a, b) => b.value - a.value);
  const lo = Math.min(0, ...sorted.map((s) => s.value));
  const hi = Math.max(0, ...sorted.map((s) => s.value));
  const span = hi - lo || 1;
  const table = tagged("table", {class: "mixviz-score-ranking"});
  const head = table.createTHead().insertRow();
  for (const name of ["rank", "head", "score", ""]) head.append(tagged("th", {scope: "col"}, name));
  const body = table.createTBody();
  sorted.forEach((s, i) => {
    const row = body.insertRow();
    row.dataset.head = s.label;
    row.append(tagged("td", {}, String(i + 1)), tagged("td", {}, s.label), tagged("td", {class: "mixviz-num"}, s.value.toPrecision(3)));
    const barCell = tagged("td");
    const bar = tagged("span", {class: "mixviz-score-bar"});
    bar.style.marginLeft = `${((Math.min(0, s.value) - lo) / span) * 100}%`;
    bar.style.width = `${(Math.abs(s.value) / span) * 100}%`;
    bar.style.background = headColor(s.head);
    barCell.append(bar);
    row.append(barCell);
  });
  return table;
}

export function scoreEditor({examples, run, code}: ScoreEditorOptions): HTMLElement {
  const root = tagged("div", {class: "mixviz-score-editor"});
  const menuLabel = tagged("label", {class: "mixviz-control"}, "Start from");
  const menu = tagged("select");
  examples.forEach((example, i) => menu.append(tagged("option", {value: String(i)}, example.name)));
  menuLabel.append(menu);
  const editorLabel = tagged("label", {class: "mixviz-control mixviz-score-code"}, "Scoring function (map, tokens, info) → number; map[q][k] is the weight from query q to key k");
  const editor = tagged("textarea", {rows: "12", spellcheck: "false", autocapitalize: "off", "aria-describedby": "mixviz-score-message"});
  editor.value = code ?? examples[0]?.code ?? "";
  editorLabel.append(editor);
  const button = tagged("button", {type: "button"}, "Score every head");
  const message = tagged("p", {class: "mixviz-score-message", id: "mixviz-score-message", role: "status", "aria-live": "polite"});
  const output = tagged("div", {class: "mixviz-score-output"});
  const bar = tagged("div", {class: "mixviz-controls"});
  bar.append(menuLabel, button);
  root.append(bar, editorLabel, message, output);

  menu.addEventListener("change", () => {
    editor.value = examples[Number(menu.value)]?.code ?? "";
  });
  let runId = 0;
  button.addEventListener("click", async () => {
    const id = ++runId;
    root.dataset.state = "running";
    message.textContent = "Scoring…";
    message.classList.remove("mixviz-score-error");
    const result = await run(editor.value);
    if (id !== runId) return;
    root.dataset.state = result.ok ? "ok" : "error";
    if (result.ok) {
      message.textContent = `Scored ${result.scores.length} heads in ${result.ms.toFixed(0)} ms.`;
      output.replaceChildren(ranking(result.scores));
    } else {
      message.textContent = result.message;
      message.classList.add("mixviz-score-error");
      output.replaceChildren();
    }
  });
  return root;
}
