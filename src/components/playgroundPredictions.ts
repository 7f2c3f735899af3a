// The model's answer for every cell of the relation: what it predicts (1 = composes), its logit, and
// whether that matches the truth. Pure: predictions, labels and options in, a table element out.
import {entityName} from "../model/task.js";
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

const LOGIT_DIGITS = 1;

export function playgroundPredictions(data: PredictionsData, options: PredictionsOptions = {}): HTMLTableElement {
  const {m, predictions, logits, labels, tokens} = data;
  const {query = -1, onSelect} = options;
  const table = document.createElement("table");
  table.className = "mixviz-predictions";
  let wrong = 0;
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th"));
  for (let j = 0; j < m; j++) head.appendChild(Object.assign(document.createElement("th"), {textContent: entityName(j)}));
  const body = table.createTBody();
  for (let i = 0; i < m; i++) {
    const row = body.insertRow();
    row.appendChild(Object.assign(document.createElement("th"), {textContent: entityName(i)}));
    for (let j = 0; j < m; j++) {
      const n = i * m + j;
      const right = predictions[n] === labels[n];
      if (!right) wrong++;
      const td = row.insertCell();
      td.dataset.cell = String(n);
      td.dataset.prediction = String(predictions[n]);
      td.dataset.label = String(labels[n]);
      td.dataset.logit = String(logits[n]);
      td.className = right ? "right" : "wrong";
      if (!right) td.style.color = WRONG_COLOR;
      if (n === query) td.style.outline = `3px solid ${QUERY_COLOR}`;
      td.textContent = `${predictions[n] ? "1" : "·"}${right ? "" : "✗"}`;
      const small = document.createElement("small");
      small.textContent = logits[n].toFixed(LOGIT_DIGITS);
      td.append(document.createElement("br"), small);
      td.title = `${tokens[n]}: model says ${predictions[n] ? "composes" : "does not compose"} (logit ${logits[n].toFixed(3)}); truth: ${labels[n] ? "composes" : "does not compose"}`;
      if (onSelect) {
        td.style.cursor = "pointer";
        td.addEventListener("click", () => onSelect(n));
      }
    }
  }
  table.dataset.wrong = String(wrong);
  const caption = table.createCaption();
  caption.textContent = `${m * m - wrong} of ${m * m} cells right`;
  return table;
}
