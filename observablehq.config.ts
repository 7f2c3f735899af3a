// Site configuration: pages, theme and offline settings. No logic lives here.
export default {
  title: "MixViz",
  root: "src",
  // The browser tests build into their own folder so they never overwrite the real site.
  output: process.env.MIXVIZ_OUTPUT ?? "dist",
  pages: [
    {name: "The essay", path: "/"},
    {name: "Explorer", path: "/explorer"},
    {name: "Head workbench", path: "/heads"},
    {name: "Data and weights", path: "/downloads"},
    {name: "Your data", path: "/your-data"},
    {name: "Playground", path: "/playground"}
  ],
  // Everything is self-hosted: no web fonts, no CDN, no DuckDB extension downloads.
  globalStylesheets: [],
  theme: ["air", "near-midnight"],
  duckdb: {extensions: {json: null, parquet: null}},
  search: false,
  footer: "MixViz — how attention heads work together.",
  cleanUrls: false
};
