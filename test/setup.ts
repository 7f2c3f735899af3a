// Unit tests run the models on TensorFlow.js's wasm backend, as the build does.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

await tf.setBackend("wasm");
