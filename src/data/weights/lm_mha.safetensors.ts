// data/weights/lm_mha.safetensors: the trained mha LM's weights (see src/data/checkpoint.ts).
import {checkpointSafetensors} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {LM} from "../../model/family.js";

await runLoader(() => checkpointSafetensors(LM, "mha"));
