// data/weights/lm_mha.json: config, token labels and parameter shapes of data/weights/lm_mha.safetensors (src/data/lm-checkpoint.ts).
import {lmCheckpointConfig} from "../lm-checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => lmCheckpointConfig("mha"));
