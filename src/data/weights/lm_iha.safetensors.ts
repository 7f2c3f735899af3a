// data/weights/lm_iha.safetensors: the trained iha LM's weights (see src/data/lm-checkpoint.ts).
import {lmCheckpointSafetensors} from "../lm-checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => lmCheckpointSafetensors("iha"));
