// data/weights/iha.json: config and parameter shapes of data/weights/iha.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {RELATION} from "../../model/family.js";

await runLoader(() => checkpointConfig(RELATION, "iha"));
