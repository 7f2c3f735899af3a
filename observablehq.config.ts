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
    {name: "Playground", path: "/playground"},
    {
      // docs/*.md served as pages (src/docs/[doc].md.ts), so every doc a page points to works from dist/
      name: "Documentation",
      open: false,
      pages: [
        {name: "The model, exactly", path: "/docs/model"},
        {name: "Per-head maps, routing and ablation", path: "/docs/effective-maps"},
        {name: "Head workbench", path: "/docs/heads"},
        {name: "Playground", path: "/docs/playground"},
        {name: "Teaching with MixViz", path: "/docs/teaching"},
        {name: "Data formats", path: "/docs/data-formats"},
        {name: "Exporting attention", path: "/docs/export-attention"},
        {name: "Benchmarks", path: "/docs/benchmarks"},
        {name: "Architecture", path: "/docs/architecture"}
      ]
    }
  ],
  // Everything is self-hosted: no web fonts, no CDN, no DuckDB extension downloads.
  globalStylesheets: [],
  head: '<link rel="icon" href="favicon.svg" type="image/svg+xml">',
  theme: ["air", "near-midnight"],
  duckdb: {extensions: {json: null, parquet: null}},
  search: false,
  footer: "MixViz — how attention heads work together.",
  // Links keep their ".html", so the built site works from any static server, dist/ included.
  preserveExtension: true
};
