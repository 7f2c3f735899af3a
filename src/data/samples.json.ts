// data/samples.json: the showcase set with paths, predictions and logits (src/data/samples.ts).
import {runLoader} from "./loader.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {buildSamples} from "./samples.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => JSON.stringify(buildSamples(await ensureRuns(RELATION), selectedPreset(RELATION))), {tf: true});
