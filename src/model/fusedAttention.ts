// The fused attention core (kernels/attention.as.ts, compiled to WebAssembly SIMD) as a TF.js op:
// z = softmax(q kᵀ + mask) v per (batch, head) group, forward and backward each one kernel call per
// group (many short calls let the engine's optimising compiler take over after the first few), with
// no S×T map kept between them (the backward recomputes it from the row log-sum-exp). The operands are
// read, and the results written, in the layout the calling layer's products make (RowLayout): the
// kernel gathers rows from it and scatters them back, so no layer transposes into or out of the core.
// The bytes of the compiled module come from whoever runs training (src/data/kernels.ts in Node); this
// file only needs the WebAssembly API.
import * as tf from "@tensorflow/tfjs";

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, lse: number, A: number, scratch: number): void;
  backward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, lse: number, dz: number, dq: number, dk: number, dv: number, scratch: number): void;
  gather(x: number, rows: number, ...layout: number[]): void;
  scatter(rows: number, x: number, ...layout: number[]): void;
}

/** Shapes of one call: G groups, S queries, T keys, d = d_head, dp = d rounded up to 4. */
interface Dims {
  G: number;
  S: number;
  T: number;
  d: number;
  dp: number;
}

/**
 * Where the rows of one operand lie in a tensor's flat data: channel c of row r = n·P + p of group
 * g = b·H + h is at b·stride[0] + h·stride[1] + n·stride[2] + p·stride[3] + c·stride[4]. The core
 * gathers its operands from such a layout into the kernel's [G, R, dp] rows and writes its results back
 * in the same layout, so a layer hands over the tensors its products made, with no transpose.
 */
export interface RowLayout {
  B: number;
  H: number;
  N: number;
  P: number;
  d: number;
  stride: [number, number, number, number, number];
}

/** [G, R, d]: group-major rows (what attentionCore reshapes [B,H,R,d] to). */
export function groupRows(G: number, R: number, d: number): RowLayout {
  return {B: G, H: 1, N: R, P: 1, d, stride: [R * d, 0, d, 0, 1]};
}

/** [B, N, H, d]: tokens, then heads (what the Q, K, V projections make). */
export function tokenRows(B: number, N: number, H: number, d: number): RowLayout {
  return {B, H, N, P: 1, d, stride: [N * H * d, d, H * d, 0, 1]};
}

/**
 * [B·N·d, H·P]: row (b, n, c), column h·P + p (what IHA's α mix makes, and what its R collapse multiplies):
 * pseudo-token n·P + p of head h, channel c.
 */
export function pseudoRows(B: number, N: number, d: number, H: number, P: number): RowLayout {
  return {B, H, N, P, d, stride: [N * d * H * P, P, d * H * P, 1, H * P]};
}

/** The compiled kernel with its linear memory, laid out afresh for every call. */
export class AttentionKernel {
  private readonly wasm: KernelExports;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {env: {abort: () => { throw new Error("attention kernel aborted"); }}});
    this.wasm = instance.exports as unknown as KernelExports;
    for (const name of ["memory", "heapBase", "forward", "backward", "gather", "scatter"]) {
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

  /**
   * Arrays the backward pass has finished with, reused for the next forward's rows: a fresh multi-megabyte
   * array costs its page faults on first touch (0.4–20 ms each on the build machine), a reused one does not.
   */
  private readonly spare: Float32Array[] = [];

  /** A copy of `floats` floats at `offset`, in a spare array of that size when there is one. */
  private copy(offset: number, floats: number): Float32Array {
    const i = this.spare.findIndex((a) => a.length === floats);
    const out = i >= 0 ? this.spare.splice(i, 1)[0] : new Float32Array(floats);
    out.set(this.view(offset, floats));
    return out;
  }

  /** Copies `data` (in `layout`) into the kernel's memory at `raw`, then its rows, times `scale`, to `rows`. */
  private put(raw: number, rows: number, data: Float32Array, layout: RowLayout, dp: number, scale: number): void {
    this.view(raw, data.length).set(data);
    this.wasm.gather(raw, rows, ...layoutArgs(layout, dp), scale);
  }

  /** Rows at `rows`, times `scale`, into `layout` at `raw`: a view of the kernel's memory, valid until its next call. */
  private take(rows: number, raw: number, layout: RowLayout, dp: number, scale: number): Float32Array {
    this.wasm.scatter(rows, raw, ...layoutArgs(layout, dp), scale);
    return this.view(raw, layoutSize(layout));
  }

  /**
   * q (queries, scaled by `scale` here) in layouts.q, k, v in layouts.kv, mask [S·T] or null → z in
   * layouts.q (a view of the kernel's memory, valid until its next call), lse [G·S], A [G·S·T] when asked,
   * and, when `keep`, copies of the rows the backward pass needs (q, k, v, z as the kernel reads them).
   */
  forward(dims: Dims, layouts: CoreLayouts, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, withA: boolean, keep: boolean) {
    const {G, S, T, dp} = dims;
    const Tp = (T + 7) & ~7;
    const [qs, ks] = [G * S * dp, G * T * dp];
    const [rq, rk, rv, oq, ok, ov, om, oz, olse, oA, oscr] = this.layout([q.length, k.length, v.length, qs, ks, ks, mask ? S * T : 0, qs, G * S, withA ? G * S * T : 0, dp * Tp + S * Tp]);
    this.put(rq, oq, q, layouts.q, dp, layouts.scale);
    this.put(rk, ok, k, layouts.kv, dp, 1);
    this.put(rv, ov, v, layouts.kv, dp, 1);
    if (mask) this.view(om, S * T).set(mask);
    const [qb, kb] = [S * dp * 4, T * dp * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      this.wasm.forward(S, T, dp, oq + g * qb, ok + g * kb, ov + g * kb, mask ? om : 0, oz + g * qb, olse + g * S * 4, withA ? oA + g * S * T * 4 : 0, oscr);
    }
    const rows: SavedRows | null = keep
      ? {q: this.copy(oq, qs), k: this.copy(ok, ks), v: this.copy(ov, ks), z: this.copy(oz, qs), lse: this.copy(olse, G * S)}
      : null;
    return {
      z: this.take(oz, rq, layouts.q, dp, 1), // q's layout
      A: withA ? this.view(oA, G * S * T).slice() : null, // [G,S,T]
      rows,
    };
  }

  /**
   * Gradients of z with respect to q, k, v (each in its layout; views of the kernel's memory, valid until its
   * next call) given dz (q's layout) and the forward's rows, whose arrays are then reused (use them once).
   */
  backward(dims: Dims, layouts: CoreLayouts, rows: SavedRows, mask: Float32Array | null, dz: Float32Array) {
    const {G, S, T, dp} = dims;
    const Tp = (T + 7) & ~7;
    const [qs, ks] = [G * S * dp, G * T * dp];
    const kvSize = layoutSize(layouts.kv);
    const [rdz, rdk, rdv, oq, ok, ov, om, oz, olse, odz, odq, odk, odv, oscr] = this.layout([dz.length, kvSize, kvSize, qs, ks, ks, mask ? S * T : 0, qs, G * S, qs, qs, ks, ks, 2 * dp * Tp + 2 * S * Tp]);
    this.view(oq, qs).set(rows.q);
    this.view(ok, ks).set(rows.k);
    this.view(ov, ks).set(rows.v);
    this.view(oz, qs).set(rows.z);
    this.view(olse, G * S).set(rows.lse);
    for (const a of [rows.q, rows.k, rows.v, rows.z, rows.lse]) this.spare.push(a);
    this.put(rdz, odz, dz, layouts.q, dp, 1);
    if (mask) this.view(om, S * T).set(mask);
    const [qb, kb] = [S * dp * 4, T * dp * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      const [gq, gk] = [g * qb, g * kb];
      this.wasm.backward(S, T, dp, oq + gq, ok + gk, ov + gk, mask ? om : 0, oz + gq, olse + g * S * 4, odz + gq, odq + gq, odk + gk, odv + gk, oscr);
    }
    return {
      dq: this.take(odq, rdz, layouts.q, dp, layouts.scale), // d/dq = scale · d/d(scaled q); out through dz's buffer
      dk: this.take(odk, rdk, layouts.kv, dp, 1),
      dv: this.take(odv, rdv, layouts.kv, dp, 1),
    };
  }
}

/** What the backward pass needs of the forward's: q (scaled), k, v and z as the kernel's rows [G,·,dp], lse [G,S]. */
interface SavedRows {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  z: Float32Array;
  lse: Float32Array;
}

/** Where the core reads q (and writes z) and where it reads k and v, and the logit scale applied to q. */
export interface CoreLayouts {
  q: RowLayout;
  kv: RowLayout;
  scale: number;
}

/** Entries a layout spans. */
function layoutSize(l: RowLayout): number {
  return l.B * l.H * l.N * l.P * l.d;
}

/** The shape and strides of a layout as the kernel's gather and scatter take them. */
function layoutArgs(l: RowLayout, dp: number): number[] {
  return [l.B, l.H, l.N, l.P, l.d, dp, ...l.stride];
}

/** What the wasm backend keeps of a tensor: its bytes sit in the backend's WebAssembly memory at memoryOffset. */
interface WasmBackendStorage {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset?: number | null} | undefined};
}

/**
 * A float32 tensor's data. On the wasm backend, a view of the backend's own memory (no copy: dataSync()
 * copies into a fresh array, 0.4–20 ms for IHA's 4.7 MB operands against 0.1 ms for copying from the
 * view); use it before the backend allocates again. Elsewhere dataSync().
 */
function floats(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<WasmBackendStorage>;
  const offset = t.dtype === "float32" ? backend.dataIdMap?.get(t.dataId)?.memoryOffset : null;
  if (backend.wasm && typeof offset === "number") return new Float32Array(backend.wasm.HEAPU8.buffer, offset, t.size);
  return t.dataSync() as Float32Array;
}

/** A tensor holding a copy of `view` (the wasm backend copies what it is given into its memory; others keep it). */
function tensorOf(view: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === "wasm" ? view : view.slice(), shape);
}

/**
 * z = softmax(s·q kᵀ + mask) v over the groups of `layouts` (s the scale), with its gradient: q, k, v
 * and z are tensors of any shape whose data the layouts describe (z has q's shape), and the maps
 * A [G,S,T] when `withPattern` (for caches; not differentiated).
 */
export function fusedAttention(
  kernel: AttentionKernel,
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  mask: Float32Array | null,
  withPattern: boolean,
  layouts: CoreLayouts,
): {z: tf.Tensor; pattern: tf.Tensor3D | null} {
  const {q: ql, kv: kl} = layouts;
  const d = ql.d;
  const dims = {G: ql.B * ql.H, S: ql.N * ql.P, T: kl.N * kl.P, d, dp: (d + 3) & ~3};
  const {G, S, T} = dims;
  if (kl.B * kl.H !== G || kl.d !== d) throw new Error(`attention core: queries are ${G} groups of width ${d}, keys ${kl.B * kl.H} of width ${kl.d}`);
  for (const [name, t, l] of [["q", q, ql], ["k", k, kl], ["v", v, kl]] as const) {
    if (t.size !== layoutSize(l)) throw new Error(`attention core: ${name} has ${t.size} entries, its layout ${layoutSize(l)}`);
  }
  let pattern: tf.Tensor3D | null = null;
  const keep = tf.engine().isTapeOn(); // read here: inside the op's forward function the engine reports the tape off
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [tq, tk, tv] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    // the backward's inputs are kept as the kernel's rows (copies), not as saved tensors, which TF.js would clone
    const out = kernel.forward(dims, layouts, floats(tq), floats(tk), floats(tv), mask, withPattern, keep);
    if (out.A) pattern = tf.keep(tf.tensor3d(out.A, [G, S, T])); // [G,S,T]
    return {
      value: tensorOf(out.z, tq.shape), // q's shape and layout
      gradFunc: (dz: tf.Tensor) => {
        if (!out.rows) throw new Error("the fused attention core's gradient was asked for twice, or without a gradient tape in its forward pass");
        const g = kernel.backward(dims, layouts, out.rows, mask, floats(dz));
        out.rows = null; // handed back to the kernel for reuse
        return [tensorOf(g.dq, tq.shape), tensorOf(g.dk, tk.shape), tensorOf(g.dv, tv.shape)];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;
  const z = op(q, k, v);
  return {z, pattern};
}
