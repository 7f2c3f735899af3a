// data/lm-samples.json: the LM showcase set, predictions and training summaries (src/data/lm-samples.ts).
import {runLoader} from "./loader.js";
import {buildLmSamples} from "./lm-samples.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {LM} from "../model/family.js";

await runLoader(async () => JSON.stringify(buildLmSamples(await ensureRuns(LM), selectedPreset(LM))), {tf: true});
