// data/lm-attention.parquet: causal raw and effective per-head maps of the LM showcase set (src/data/lm-tables.ts),
// one row group per (arch, sample, layer).
import {runLoader} from "./loader.js";
import {lmAttentionTable} from "./lm-tables.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {LM} from "../model/family.js";

await runLoader(async () => lmAttentionTable(await ensureRuns(LM), selectedPreset(LM)), {tf: true});
