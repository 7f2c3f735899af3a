// data/weights/lm_mha.safetensors: the trained mha LM's weights (see src/data/lm-checkpoint.ts).
import {lmCheckpointSafetensors} from "../lm-checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => lmCheckpointSafetensors("mha"));
