// data/attention.parquet: raw, effective and naive per-head maps of the showcase set (src/data/tables.ts).
import {runLoader} from "./loader.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {attentionTable} from "./tables.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => attentionTable(await ensureRuns(RELATION), selectedPreset(RELATION)), {tf: true});
