// data/weights/talking_heads.json: config and parameter shapes of data/weights/talking_heads.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";
import {RELATION} from "../../model/family.js";

await runLoader(() => checkpointConfig(RELATION, "talking_heads"));
