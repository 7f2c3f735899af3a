// data/knockout.arrow: what removing each IHA source head does to every output head's maps, for the
// relation model and the language model (src/data/knockout.ts).
import {KNOCKOUT_INPUTS, knockoutRows, knockoutTable} from "./knockout.js";
import {forEachBatch} from "./maps.js";
import {forEachLmBatch, lmShowcaseSamples} from "./lm-maps.js";
import {runLoader} from "./loader.js";
import {ensureLmRuns, ensureRuns, selectedLmPreset, selectedPreset} from "./runs.js";
import {showcaseSamples, VIEW_SEED} from "./showcase.js";

await runLoader(async () => {
  const preset = selectedPreset();
  const relation = (await ensureRuns(preset)).get(`iha/${VIEW_SEED}`);
  const lmPreset = selectedLmPreset();
  const lm = (await ensureLmRuns(lmPreset)).get("iha");
  if (!relation || !lm) throw new Error("no trained IHA run");
  const samples = showcaseSamples(preset).slice(0, KNOCKOUT_INPUTS);
  const sequences = lmShowcaseSamples(lmPreset).map((s) => s.tokens);
  const rc = relation.record.config;
  const lc = lm.record.config;
  return knockoutTable([
    ...knockoutRows("relation-iha", rc, relation.weights, rc.m * rc.m, (w, visit) => forEachBatch(w, rc, samples, samples.length, visit)),
    ...knockoutRows("lm-iha", lc, lm.weights, sequences[0].length, (w, visit) => forEachLmBatch(w, lc, sequences, sequences.length, visit))
  ]);
}, {tf: true});
