// The showcase set: fixed test matrices that every view draws, with labels, token labels and the
// ground-truth reasoning path of every positive cell.
import {emit} from "./stdout.js";
import {DEFAULT_SEED} from "../model/prng.js";
import {DEFAULT_TASK, splitSamples, tokenLabel, witnessPath} from "../model/task.js";

const SHOWCASE = 32;
const task = DEFAULT_TASK;
const {m} = task;

const samples = splitSamples(DEFAULT_SEED, "test", SHOWCASE, task).map((sample, index) => ({
  sample: index,
  relation: [...sample.relation],
  labels: [...sample.labels],
  tokens: [...sample.relation].map((bit, n) => tokenLabel(Math.floor(n / m), n % m, bit)),
  paths: [...sample.labels].map((label, n) => (label ? witnessPath(sample.relation, n, task) : []))
}));

await emit(JSON.stringify({task, samples}));
