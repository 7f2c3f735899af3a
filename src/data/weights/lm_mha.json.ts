// data/weights/lm_mha.json: config, token labels and parameter shapes of data/weights/lm_mha.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {LM} from "../../model/family.js";

await runLoader(() => checkpointConfig(LM, "mha"));
