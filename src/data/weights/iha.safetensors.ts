// data/weights/iha.safetensors: best-epoch weights of the seed-0 iha run (see src/data/checkpoint.ts).
import {checkpointSafetensors} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {RELATION} from "../../model/family.js";

await runLoader(() => checkpointSafetensors(RELATION, "iha"));
