// data/weights/talking_heads.json: config and parameter shapes of data/weights/talking_heads.safetensors (src/data/checkpoint.ts).
import {checkpointConfig} from "../checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => checkpointConfig("talking_heads"));
