// data/mixing.arrow: TH and IHA mixing parameters at every epoch of every run (src/data/tables.ts).
import {runLoader} from "./loader.js";
import {ensureRuns} from "./runs.js";
import {mixingTable} from "./tables.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => mixingTable(await ensureRuns(RELATION)));
