// Numbers of metrics.json in the essay's prose, each marked with the key it was read from (data-metric), so
// that a browser test can check every printed number against the file.
import {f1Text, fmt} from "./prose.js";
import {pmStd, type Spread} from "./claims.js";

/** A number of `metrics` by dotted key; undefined where the path is missing. */
export function metricAt(metrics: object, key: string): unknown {
  return key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], metrics);
}

function marked(className: string, key: string, text: string): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = className;
  span.dataset.metric = key;
  span.textContent = text;
  return span;
}

/** The essay's bound numbers over one metrics.json. */
export function metricText(metrics: {architectures: Record<string, {over_seeds: {maps: Record<string, Record<string, Spread>>}}>}) {
  const num = (key: string, format: (v: number) => string = fmt) => marked("mixviz-num", key, format(metricAt(metrics, key) as number));
  return {
    num,
    /** Test F1, with the results table's digits. */
    f1Num: (key: string) => marked("mixviz-f1", key, f1Text(metricAt(metrics, key) as number)),
    /** A map metric's mean over seeds, with its standard deviation when there are several seeds. */
    meanNum(arch: string, kind: string, key: string): DocumentFragment {
      const spread = metrics.architectures[arch].over_seeds.maps[kind][key];
      const out = document.createDocumentFragment();
      out.append(num(`architectures.${arch}.over_seeds.maps.${kind}.${key}.mean`), spread.std === null ? "" : ` ± ${pmStd(spread)}`);
      return out;
    }
  };
}
