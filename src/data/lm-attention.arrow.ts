// data/lm-attention.arrow: causal raw and effective per-head maps of the LM showcase set (src/data/lm-tables.ts).
import {runLoader} from "./loader.js";
import {lmAttentionTable} from "./lm-tables.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {LM} from "../model/family.js";

await runLoader(async () => lmAttentionTable(await ensureRuns(LM), selectedPreset(LM)), {tf: true});
