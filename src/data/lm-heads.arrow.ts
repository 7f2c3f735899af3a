// data/lm-heads.arrow: head-type scores and ablated induction accuracy per LM head (src/data/lm-tables.ts).
import {runLoader} from "./loader.js";
import {lmHeadsTable} from "./lm-tables.js";
import {ensureLmRuns, selectedLmPreset} from "./runs.js";

await runLoader(async () => lmHeadsTable(await ensureLmRuns(), selectedLmPreset()), {tf: true});
