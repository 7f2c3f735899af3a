// data/heads.arrow: head-pattern scores and ablation F1 per head (src/data/heads.ts).
import {headsTable} from "./heads.js";
import {runLoader} from "./loader.js";
import {ensureEvaluations, ensureRuns, selectedPreset} from "./runs.js";
import {VIEW_SEED} from "./showcase.js";
import {RELATION} from "../model/family.js";

await runLoader(async () => {
  const preset = selectedPreset(RELATION);
  const runs = await ensureRuns(RELATION, preset);
  return headsTable(runs, await ensureEvaluations(preset, [VIEW_SEED]), preset);
}, {tf: true});
