// Same maths check for the per-group attention core: loss and every parameter gradient of IHA with the
// per-group core (wasm default) against the batched core (softmax(Q Kᵀ) V with batched matMuls).
//   npx tsx bench/check-core.ts
import * as tf from "@tensorflow/tfjs";
import {setAttentionCore} from "../src/model/attention.js";
import {FULL, TINY, makeConfig} from "../src/model/config.js";
import {bceWithLogits, bitsTensor, forward} from "../src/model/model.js";
import {disposeParams, initParams} from "../src/model/params.js";
import {toArrays, trainBatches} from "../src/model/task.js";
import {useWasm} from "./steps.js";

await useWasm();
for (const [preset, P] of [[TINY, 2], [FULL, 4], [FULL, 8]] as const) {
  const cfg = makeConfig(preset, "iha", {n_pseudo: P});
  const {bits, labels} = toArrays(trainBatches(0, 1, preset.train.batch_size, preset.task));
  const params = initParams(cfg, 0);
  const names = Object.keys(params);
  const run = (perGroup: boolean) => {
    setAttentionCore(perGroup ? "perGroup" : "batched");
    const t0 = performance.now();
    const out = tf.tidy(() => {
      const x = bitsTensor(bits, cfg); // [B,N]
      const y = tf.tensor2d(labels, x.shape); // [B,N]
      const {value, grads} = tf.variableGrads(() => bceWithLogits(forward(params, cfg, x), y), Object.values(params));
      return {loss: value.dataSync()[0], grads: Object.values(grads).map((g) => g.dataSync() as Float32Array)};
    });
    return {...out, ms: performance.now() - t0};
  };
  const a = run(true);
  const b = run(false);
  setAttentionCore(null);
  let worst = 0;
  let worstName = "";
  a.grads.forEach((ga, i) => {
    const gb = b.grads[i];
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < ga.length; j++) {
      diff = Math.max(diff, Math.abs(ga[j] - gb[j]));
      scale = Math.max(scale, Math.abs(gb[j]));
    }
    if (diff / (scale || 1) > worst) [worst, worstName] = [diff / (scale || 1), names[i]];
  });
  console.log(
    `${preset.name} P=${P}: loss ${a.loss} (per-group) vs ${b.loss} (batched); ` +
      `largest gradient difference ${worst.toExponential(2)} of the gradient's max (${worstName}); ` +
      `forward+backward ${a.ms.toFixed(0)} vs ${b.ms.toFixed(0)} ms`,
  );
  disposeParams(params);
}
