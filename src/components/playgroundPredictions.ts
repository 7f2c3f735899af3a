// The model's answer for every cell of the relation: what it predicts (1 = composes), its logit, and
// whether that matches the truth. Pure: predictions, labels and options in, a table element out; the
// table's `setData` and `setQuery` rewrite its cells in place (the playground's edits), touching only what
// changed.
import {entityName} from "../model/task.js";
import {setProperty, setText} from "./domWrites.js";
import {QUERY_COLOR, WRONG_COLOR} from "./palette.js";

export interface PredictionsData {
  m: number;
  /** per cell, logit > 0 → 1 */
  predictions: ArrayLike<number>;
  logits: ArrayLike<number>;
  /** per cell, the truth (R∘R) */
  labels: ArrayLike<number>;
  tokens: readonly string[];
}

export interface PredictionsOptions {
  query?: number;
  /** called with a cell index when a cell is clicked */
  onSelect?: (cell: number) => void;
}

/** The table; `setData` shows new predictions of the same m, `setQuery` moves the outline. */
export interface PredictionsElement extends HTMLTableElement {
  setData(data: PredictionsData): void;
  setQuery(query: number): void;
}

const LOGIT_DIGITS = 1;

export function playgroundPredictions(data: PredictionsData, options: PredictionsOptions = {}): PredictionsElement {
  const {m} = data;
  const {onSelect} = options;
  const table = document.createElement("table") as PredictionsElement;
  table.className = "mixviz-predictions";
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th"));
  for (let j = 0; j < m; j++) head.appendChild(Object.assign(document.createElement("th"), {textContent: entityName(j)}));
  const body = table.createTBody();
  const cells: {td: HTMLTableCellElement; mark: Text; logit: Text}[] = [];
  for (let i = 0; i < m; i++) {
    const row = body.insertRow();
    row.appendChild(Object.assign(document.createElement("th"), {textContent: entityName(i)}));
    for (let j = 0; j < m; j++) {
      const n = i * m + j;
      const td = row.insertCell();
      td.dataset.cell = String(n);
      const mark = document.createTextNode("");
      const logit = document.createTextNode("");
      // The cell's text sits in a box of fixed size with strict containment: a new logit relayouts that
      // box, not the whole table.
      const box = document.createElement("div");
      box.className = "mixviz-cell";
      const answer = document.createElement("span");
      answer.append(mark);
      const small = document.createElement("small");
      small.append(logit);
      box.append(answer, small);
      td.append(box);
      if (onSelect) {
        td.style.cursor = "pointer";
        td.addEventListener("click", () => onSelect(n));
      }
      // The tooltip is written when the pointer reaches the cell: a title rewritten on every edit restyles the cell.
      td.addEventListener("pointerenter", () => setProperty(td, "title", describe(n)));
      cells.push({td, mark, logit});
    }
  }
  // A caption is a table part, which Chromium lays out with its table: the count sits in a box of its own.
  const caption = document.createElement("div");
  caption.className = "mixviz-count";
  table.createCaption().append(caption);

  let shown = data;
  const describe = (n: number) => {
    const {predictions, logits, labels, tokens} = shown;
    return `${tokens[n]}: model says ${predictions[n] ? "composes" : "does not compose"} (logit ${logits[n].toFixed(3)}); truth: ${labels[n] ? "composes" : "does not compose"}`;
  };

  table.setData = (next) => {
    shown = next;
    const {predictions, logits, labels} = next;
    let wrong = 0;
    cells.forEach(({td, mark, logit}, n) => {
      const right = predictions[n] === labels[n];
      if (!right) wrong++;
      setProperty(td.dataset, "prediction", String(predictions[n]));
      setProperty(td.dataset, "label", String(labels[n]));
      setProperty(td.dataset, "logit", String(logits[n]));
      if (td.className !== (right ? "right" : "wrong")) {
        td.className = right ? "right" : "wrong";
        td.style.color = right ? "" : WRONG_COLOR;
      }
      setProperty(mark, "data", `${predictions[n] ? "1" : "·"}${right ? "" : "✗"}`);
      setProperty(logit, "data", logits[n].toFixed(LOGIT_DIGITS));
      if (td.title) td.title = describe(n); // only a cell already hovered has one
    });
    setProperty(table.dataset, "wrong", String(wrong));
    setText(caption, `${m * m - wrong} of ${m * m} cells right`);
  };
  let outlined: HTMLTableCellElement | null = null;
  table.setQuery = (query) => {
    const next = cells[query]?.td ?? null;
    if (next === outlined) return;
    if (outlined) outlined.style.outline = "";
    outlined = next;
    if (outlined) outlined.style.outline = `3px solid ${QUERY_COLOR}`;
  };
  table.setData(data);
  table.setQuery(options.query ?? -1);
  return table;
}
