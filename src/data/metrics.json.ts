// data/metrics.json: training numbers and attention metrics per architecture (src/data/evaluation.ts).
import {buildMetrics} from "./evaluation.js";
import {runLoader} from "./loader.js";
import {ensureEvaluations, selectedPreset, selectedSeeds} from "./runs.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => {
  const [preset, seeds] = [selectedPreset(RELATION), selectedSeeds(RELATION)];
  return JSON.stringify(buildMetrics(preset, seeds, await ensureEvaluations(preset, seeds)));
}, {tf: true});
