// data/lm-heads.arrow: head-type scores and ablated induction accuracy per LM head (src/data/lm-tables.ts).
import {runLoader} from "./loader.js";
import {lmHeadsTable} from "./lm-tables.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {LM} from "../model/family.js";

await runLoader(async () => lmHeadsTable(await ensureRuns(LM), selectedPreset(LM)), {tf: true});
