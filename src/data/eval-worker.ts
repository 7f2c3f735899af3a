// Evaluates one trained relation run (evaluation.ts evaluateRun) and writes the result to its cache file
// (evaluations.ts), all or nothing. Progress goes to stderr. Usage (from the training queue, runs.ts):
// node --import tsx eval-worker.ts <preset> <arch> <seed> <run dir> <output file>
import "./stdout.js"; // first: console output goes to stderr, stdout stays empty
import {RELATION, type RelationRunRecord} from "../model/family.js";
import {evaluateRun} from "./evaluation.js";
import {writeEvaluation} from "./evaluations.js";
import {useBackend} from "./loader.js";
import {loadRun} from "./runRecord.js";

const [presetName, arch, seedText, dir, output] = process.argv.slice(2);
const preset = Object.hasOwn(RELATION.presets, presetName) ? RELATION.presets[presetName as keyof typeof RELATION.presets] : undefined;
if (!preset || !RELATION.archs.includes(arch as never) || !Number.isInteger(Number(seedText)) || !dir || !output) {
  console.error("usage: eval-worker.ts <preset> <arch> <seed> <run dir> <output file>");
  process.exit(2);
}
await useBackend();
const run = loadRun<RelationRunRecord>(dir);
if (run.record.arch !== arch || run.record.seed !== Number(seedText)) {
  console.error(`mixviz: ${dir} holds ${run.record.arch} seed ${run.record.seed}, not ${arch} seed ${seedText}`);
  process.exit(1);
}
writeEvaluation(output, evaluateRun(run, preset));
