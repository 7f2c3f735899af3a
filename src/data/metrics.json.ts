// data/metrics.json: training numbers and attention metrics per architecture (src/data/evaluation.ts).
import {buildMetrics} from "./evaluation.js";
import {runLoader} from "./loader.js";
import {selectedPreset, selectedSeeds} from "./runs.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => JSON.stringify(await buildMetrics(selectedPreset(RELATION), selectedSeeds(RELATION))), {tf: true});
