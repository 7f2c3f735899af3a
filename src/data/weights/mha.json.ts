// data/weights/mha.json: config and parameter shapes of data/weights/mha.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {RELATION} from "../../model/family.js";

await runLoader(() => checkpointConfig(RELATION, "mha"));
