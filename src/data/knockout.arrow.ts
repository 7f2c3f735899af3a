// data/knockout.arrow: what removing each IHA source head does to every output head's maps, for the
// relation model and the language model (src/data/knockout.ts).
import {KNOCKOUT_INPUTS, knockoutRows, knockoutTable} from "./knockout.js";
import {forEachBatch} from "./maps.js";
import {runLoader} from "./loader.js";
import {ensureRuns, selectedPreset} from "./runs.js";
import {lmShowcaseSamples, showcaseSamples, VIEW_SEED} from "./showcase.js";
import {LM, RELATION} from "../model/family.js";

await runLoader(async () => {
  const preset = selectedPreset(RELATION);
  const relation = (await ensureRuns(RELATION, preset)).get(`iha/${VIEW_SEED}`);
  const lmPreset = selectedPreset(LM);
  const lm = (await ensureRuns(LM, lmPreset)).get(`iha/${VIEW_SEED}`);
  if (!relation || !lm) throw new Error("no trained IHA run");
  const samples = showcaseSamples(preset).slice(0, KNOCKOUT_INPUTS);
  const sequences = lmShowcaseSamples(lmPreset).map((s) => s.tokens);
  const rc = relation.record.config;
  const lc = lm.record.config;
  return knockoutTable([
    ...knockoutRows("relation-iha", rc, relation.weights, rc.m * rc.m, (w, visit) => forEachBatch(RELATION, w, rc, samples, samples.length, visit)),
    ...knockoutRows("lm-iha", lc, lm.weights, sequences[0].length, (w, visit) => forEachBatch(LM, w, lc, sequences, sequences.length, visit))
  ]);
}, {tf: true});
