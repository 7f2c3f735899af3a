// data/weights/lm_iha.json: config, token labels and parameter shapes of data/weights/lm_iha.safetensors (src/data/lm-checkpoint.ts).
import {lmCheckpointConfig} from "../lm-checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => lmCheckpointConfig("iha"));
