// data/heads.arrow: head-pattern scores and ablation F1 per head (src/data/heads.ts).
import {headsTable} from "./heads.js";
import {runLoader} from "./loader.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => headsTable(await ensureRuns(RELATION), selectedPreset(RELATION)), {tf: true});
