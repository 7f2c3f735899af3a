// The playground's linked views (input grid, predictions, two Sentence Views, two Attention Fields) in their
// slots: `draw(frame)` builds or updates each as the controller's frame says (`rebuild`: built afresh for a
// new architecture, layer or head; `newData`: new maps drawn in place; otherwise only the query moves).
import {attentionField, type AttentionFieldElement} from "../../components/attentionField.js";
import {setText} from "../../components/domWrites.js";
import type {FieldPainter} from "../../components/fieldPainter.js";
import {headColor} from "../../components/palette.js";
import {playgroundPredictions, type PredictionsData, type PredictionsElement} from "../../components/playgroundPredictions.js";
import {relationGrid, type RelationGridData, type RelationGridElement} from "../../components/relationGrid.js";
import {sentenceView, type SentenceViewElement} from "../../components/sentenceView.js";
import type {Frame} from "./controller.js";

const FIELD_SIZE = 300; // px
const SENTENCE_WIDTH = 280; // px
const GRID_SIZE = 250; // px
const KINDS = [["Raw", "raw"], ["Effective", "effective"]] as const;
type Kind = (typeof KINDS)[number][1];

type Named<T> = {grid: T; predictions: T; sentenceRaw: T; sentenceEffective: T; fieldRaw: T; fieldEffective: T};

export function playgroundViews(slots: Named<HTMLElement>, titles: Named<HTMLElement>, painters: Record<Kind, FieldPainter>, onFlip: (cell: number) => void, onQuery: (cell: number) => void) {
  let grid: RelationGridElement | null = null;
  let predictions: PredictionsElement | null = null;
  const fields: Partial<Record<Kind, AttentionFieldElement>> = {};
  const sentences: Partial<Record<Kind, SentenceViewElement>> = {};

  function draw(frame: Frame): void {
    const {m, name, layer, head, query, relation, tokens, labels, paths, out, headNames, rebuild, newData} = frame;
    const maps = {raw: frame.raw, effective: frame.effective};
    // The Attention Fields first: the worker draws their clouds while this thread redraws the other views, so
    // its drawing is mostly done before this thread's frame begins (on a machine with few cores the two
    // compete for them).
    for (const [Title, kind] of KINDS) {
      const key = `field${Title}` as const;
      if (rebuild || !fields[kind]) {
        fields[kind] = attentionField(maps[kind], {size: FIELD_SIZE, paths, query, head, tokens, headLabels: headNames, title: `Attention field, ${name} layer ${layer}, ${kind}`, painter: painters[kind]});
        slots[key].replaceChildren(fields[kind]);
      } else {
        if (newData) fields[kind].setData(maps[kind], paths, tokens);
        fields[kind].setQuery(query);
      }
      setText(titles[key], `${Title} · all ${headNames.length} heads`);
    }
    const gridData: RelationGridData = {m, relation, labels, predictions: out.predictions, tokens};
    const predictionData: PredictionsData = {m, predictions: out.predictions, logits: out.logits, labels, tokens};
    if (!grid || !predictions) {
      grid = relationGrid(gridData, {query, path: paths[query], size: GRID_SIZE, onSelect: onFlip});
      predictions = playgroundPredictions(predictionData, {query, onSelect: onQuery});
      slots.grid.replaceChildren(grid);
      slots.predictions.replaceChildren(predictions);
    } else {
      if (newData) {
        grid.setData(gridData);
        predictions.setData(predictionData);
      }
      grid.setQuery(query, paths[query]);
      predictions.setQuery(query);
    }
    for (const [Title, kind] of KINDS) {
      const key = `sentence${Title}` as const;
      const data = {map: maps[kind][head], tokens};
      if (rebuild || !sentences[kind]) {
        sentences[kind] = sentenceView(data, {query, path: paths[query], color: headColor(head), title: `Sentence view, ${name} ${headNames[head]}, ${kind}`, width: SENTENCE_WIDTH});
        slots[key].replaceChildren(sentences[kind]);
      } else {
        if (newData) sentences[kind].setData(data);
        sentences[kind].setQuery(query, paths[query]);
      }
      setText(titles[key], `${Title} · ${headNames[head]} · query ${tokens[query]}`);
    }
    setText(titles.grid, "Input · click a cell to flip the fact");
    setText(titles.predictions, `${name} predictions · click a cell to query it`);
  }

  return {draw};
}
