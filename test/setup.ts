// Unit tests run the models on TensorFlow.js's wasm backend with the fused attention kernel, as the build does.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {useAttentionKernel} from "../src/data/kernels.js";

await tf.setBackend("wasm");
await useAttentionKernel();
