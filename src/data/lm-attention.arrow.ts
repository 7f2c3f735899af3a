// data/lm-attention.arrow: causal raw and effective per-head maps of the LM showcase set (src/data/lm-tables.ts).
import {runLoader} from "./loader.js";
import {lmAttentionTable} from "./lm-tables.js";
import {ensureLmRuns, selectedLmPreset} from "./runs.js";

await runLoader(async () => lmAttentionTable(await ensureLmRuns(), selectedLmPreset()), {tf: true});
