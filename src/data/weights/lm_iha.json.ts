// data/weights/lm_iha.json: config, token labels and parameter shapes of data/weights/lm_iha.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {LM} from "../../model/family.js";

await runLoader(() => checkpointConfig(LM, "iha"));
