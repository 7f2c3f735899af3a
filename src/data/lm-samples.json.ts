// data/lm-samples.json: the LM showcase set, predictions and training summaries (src/data/lm-samples.ts).
import {runLoader} from "./loader.js";
import {buildLmSamples} from "./lm-samples.js";
import {ensureLmRuns, selectedLmPreset} from "./runs.js";

await runLoader(async () => JSON.stringify(buildLmSamples(await ensureLmRuns(), selectedLmPreset())), {tf: true});
