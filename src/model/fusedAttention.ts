// The fused attention core (kernels/attention.as.ts, compiled to WebAssembly SIMD) as a TF.js op:
// z = softmax(q kᵀ + mask) v per (batch, head) group, forward and backward each one kernel call per
// group (many short calls let the engine's optimising compiler take over after the first few), with
// no S×T map kept between them (the backward recomputes it from the row log-sum-exp). The bytes of the
// compiled module come from whoever runs training (src/data/kernels.ts in Node); this file only needs
// the WebAssembly API.
import * as tf from "@tensorflow/tfjs";

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, lse: number, A: number, scratch: number): void;
  backward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, lse: number, dz: number, dq: number, dk: number, dv: number, scratch: number): void;
}

/** Shapes of one call: G groups, S queries, T keys, d = d_head, dp = d rounded up to 4. */
interface Dims {
  G: number;
  S: number;
  T: number;
  d: number;
  dp: number;
}

/** The compiled kernel with its linear memory, laid out afresh for every call. */
export class AttentionKernel {
  private readonly wasm: KernelExports;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {env: {abort: () => { throw new Error("attention kernel aborted"); }}});
    this.wasm = instance.exports as unknown as KernelExports;
    for (const name of ["memory", "heapBase", "forward", "backward"]) {
      if (!(name in instance.exports)) throw new Error(`this WebAssembly module is not the attention kernel: it has no "${name}" export`);
    }
  }

  /** Byte offsets of `floats` consecutive buffers (sizes in floats, 16-byte aligned), growing memory to fit. */
  private layout(floats: number[]): number[] {
    let at = (this.wasm.heapBase() + 15) & ~15;
    const offsets = floats.map((n) => {
      const o = at;
      at += (n * 4 + 15) & ~15;
      return o;
    });
    const have = this.wasm.memory.buffer.byteLength;
    if (at > have) this.wasm.memory.grow(Math.ceil((at - have) / 65536));
    return offsets;
  }

  private view(offset: number, floats: number): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, offset, floats);
  }

  /** Copies rows of width d into rows of width dp (zero-padded) at a kernel buffer. */
  private put(offset: number, data: Float32Array, d: number, dp: number): void {
    const out = this.view(offset, (data.length / d) * dp);
    if (d === dp) out.set(data);
    else {
      out.fill(0);
      for (let r = 0; r < data.length / d; r++) out.set(data.subarray(r * d, (r + 1) * d), r * dp);
    }
  }

  /** Rows of width dp at a kernel buffer → a new array of rows of width d. */
  private take(offset: number, rows: number, d: number, dp: number): Float32Array {
    const src = this.view(offset, rows * dp);
    if (d === dp) return src.slice();
    const out = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * dp, r * dp + d), r * d);
    return out;
  }

  /** q [G·S·d] (scaled), k, v [G·T·d], mask [S·T] or null → z [G·S·d], lse [G·S], and A [G·S·T] when asked. */
  forward(dims: Dims, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, withA: boolean) {
    const {G, S, T, d, dp} = dims;
    const Tp = (T + 7) & ~7;
    const [oq, ok, ov, om, oz, olse, oA, oscr] = this.layout([G * S * dp, G * T * dp, G * T * dp, mask ? S * T : 0, G * S * dp, G * S, withA ? G * S * T : 0, dp * Tp + S * Tp]);
    this.put(oq, q, d, dp);
    this.put(ok, k, d, dp);
    this.put(ov, v, d, dp);
    if (mask) this.view(om, S * T).set(mask);
    const [qs, ks] = [S * dp * 4, T * dp * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      this.wasm.forward(S, T, dp, oq + g * qs, ok + g * ks, ov + g * ks, mask ? om : 0, oz + g * qs, olse + g * S * 4, withA ? oA + g * S * T * 4 : 0, oscr);
    }
    return {
      z: this.take(oz, G * S, d, dp), // [G,S,d]
      lse: this.view(olse, G * S).slice(), // [G,S]
      A: withA ? this.view(oA, G * S * T).slice() : null, // [G,S,T]
    };
  }

  /** Gradients of z with respect to q, k, v given dz [G·S·d] and the forward's z and lse. */
  backward(dims: Dims, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, z: Float32Array, lse: Float32Array, dz: Float32Array) {
    const {G, S, T, d, dp} = dims;
    const Tp = (T + 7) & ~7;
    const qs = G * S * dp;
    const ks = G * T * dp;
    const [oq, ok, ov, om, oz, olse, odz, odq, odk, odv, oscr] = this.layout([qs, ks, ks, mask ? S * T : 0, qs, G * S, qs, qs, ks, ks, 2 * dp * Tp + 2 * S * Tp]);
    this.put(oq, q, d, dp);
    this.put(ok, k, d, dp);
    this.put(ov, v, d, dp);
    if (mask) this.view(om, S * T).set(mask);
    this.put(oz, z, d, dp);
    this.view(olse, G * S).set(lse);
    this.put(odz, dz, d, dp);
    const [qb, kb] = [S * dp * 4, T * dp * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      const [gq, gk] = [g * qb, g * kb];
      this.wasm.backward(S, T, dp, oq + gq, ok + gk, ov + gk, mask ? om : 0, oz + gq, olse + g * S * 4, odz + gq, odq + gq, odk + gk, odv + gk, oscr);
    }
    return {dq: this.take(odq, G * S, d, dp), dk: this.take(odk, G * T, d, dp), dv: this.take(odv, G * T, d, dp)};
  }
}

/**
 * z = softmax(q kᵀ + mask) v over groups: q [G,S,d] (scaled), k, v [G,T,d] → z [G,S,d] with its gradient,
 * and the maps A [G,S,T] when `withPattern` (for caches; not differentiated).
 */
export function fusedAttention(
  kernel: AttentionKernel,
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: Float32Array | null,
  withPattern: boolean,
): {z: tf.Tensor3D; pattern: tf.Tensor3D | null} {
  const [G, S, d] = q.shape;
  const T = k.shape[1];
  const dims = {G, S, T, d, dp: (d + 3) & ~3};
  let pattern: tf.Tensor3D | null = null;
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [tq, tk, tv, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const out = kernel.forward(dims, tq.dataSync() as Float32Array, tk.dataSync() as Float32Array, tv.dataSync() as Float32Array, mask, withPattern);
    if (out.A) pattern = tf.keep(tf.tensor3d(out.A, [G, S, T])); // [G,S,T]
    const z = tf.tensor3d(out.z, [G, S, d]); // [G,S,d]
    save([tq, tk, tv, z, tf.tensor2d(out.lse, [G, S])]);
    return {
      value: z,
      gradFunc: (dz: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sz, slse] = saved.map((t) => t.dataSync() as Float32Array);
        const g = kernel.backward(dims, sq, sk, sv, mask, sz, slse, dz.dataSync() as Float32Array);
        return [tf.tensor3d(g.dq, [G, S, d]), tf.tensor3d(g.dk, [G, T, d]), tf.tensor3d(g.dv, [G, T, d])];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor3D;
  const z = op(q, k, v); // [G,S,d]
  return {z, pattern};
}
