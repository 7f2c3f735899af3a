import config from "../../observablehq.config.js";

/**
 * What each page must have drawn once it has settled: its figures. The browser tests wait for them (so a
 * page whose data never arrives fails, and a page added to the config without an entry fails too, on
 * purpose) and bench/pages.ts times them.
 */
/** The docs served as pages (the config's Documentation section). */
const DOC_PAGES = (config.pages.find((p) => p.name === "Documentation") as {pages: {path: string}[]}).pages.map((p) => p.path);

export const READY: Record<string, string[]> = {
  "/": [".mixviz-block-diagram", ".mixviz-head-flow", ".mixviz-relation-grid", "#fig-mha .mixviz-sentence-view", "#fig-th-maps .mixviz-heatmaps svg", "#fig-iha-blocks .mixviz-pseudo-blocks", "#fig-iha-readings .mixviz-triptych svg", "#fig-ablation svg", "svg[aria-label^='Validation F1']", "form table"],
  "/explorer": [".mixviz-sentence-view", ".mixviz-relation-grid", ".mixviz-field"],
  "/heads": [".mixviz-head-grid canvas", ".mixviz-workbench svg", ".mixviz-head-types td", ".mixviz-layer-flow", ".mixviz-small-multiples canvas", "svg[aria-label^='Change in']"],
  "/downloads": ["form table"],
  "/your-data": [".mixviz-upload-report[data-state=ok]", ".mixviz-sentence-view", ".mixviz-field", ".mixviz-heatmaps svg"],
  "/playground": [".mixviz-predictions", ".mixviz-relation-grid", ".mixviz-sentence-view", ".mixviz-field", ".mixviz-mixing svg"],
  ...Object.fromEntries(DOC_PAGES.map((path) => [path, ["#observablehq-main h1"]]))
};
