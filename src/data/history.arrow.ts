// data/history.arrow: training curves, one row per architecture, seed and epoch (src/data/tables.ts).
import {runLoader} from "./loader.js";
import {ensureRuns} from "./runs.js";
import {historyTable} from "./tables.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => historyTable(await ensureRuns(RELATION)));
