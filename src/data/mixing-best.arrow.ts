// data/mixing-best.arrow: mixing.arrow's rows at each run's kept epoch, all the essay draws (src/data/tables.ts).
import {runLoader} from "./loader.js";
import {ensureRuns} from "./runs.js";
import {mixingTable} from "./tables.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => mixingTable(await ensureRuns(RELATION), true));
