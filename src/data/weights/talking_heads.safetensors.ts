// data/weights/talking_heads.safetensors: best-epoch weights of the seed-0 talking_heads run (see src/data/checkpoint.ts).
import {checkpointSafetensors} from "../checkpoint.js";
import {runLoader} from "../loader.js";

await runLoader(() => checkpointSafetensors("talking_heads"));
