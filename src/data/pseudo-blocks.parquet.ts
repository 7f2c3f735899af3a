// data/pseudo-blocks.parquet: IHA's pseudo pattern blocks for a showcase prefix (src/data/tables.ts).
import {runLoader} from "./loader.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {pseudoBlockTable} from "./tables.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => pseudoBlockTable(await ensureRuns(RELATION), selectedPreset(RELATION)), {tf: true});
