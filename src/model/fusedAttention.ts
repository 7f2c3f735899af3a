// The fused attention core (kernels/attention.as.ts, compiled to WebAssembly SIMD) as a TF.js op:
// z = softmax(q kᵀ + mask) v per (batch, head) group, forward and backward each one kernel call per
// group (many short calls let the engine's optimising compiler take over after the first few). When a
// gradient is recorded, the forward leaves the weights (unnormalised, E = exp(s − rowmax), with 1/rowsum:
// A = E/rowsum) and its rows in a slot of the kernel's memory that the backward reads and then frees (the
// next step's forward takes the same slot): no S×T map is recomputed, normalised or copied. The operands are read, and the results written, in the layout the calling layer's
// products make (RowLayout): the kernel gathers rows from it and scatters them back, so no layer
// transposes into or out of the core.
// The bytes of the compiled module come from whoever runs training (src/data/kernels.ts in Node); this
// file only needs the WebAssembly API.
import * as tf from "@tensorflow/tfjs";
import {floats, tensorOf} from "./tensorData.js";

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, w: number, A: number, scratch: number): void;
  backward(S: number, T: number, dp: number, q: number, k: number, v: number, z: number, w: number, dz: number, dq: number, dk: number, dv: number, scratch: number): void;
  gather(x: number, rows: number, ...layout: number[]): void;
  scatter(rows: number, x: number, ...layout: number[]): void;
  productTN(a: number, b: number, M: number, K: number, N: number, out: number): void;
  productNN(a: number, b: number, M: number, K: number, N: number, bias: number, out: number): void;
  columnSums(x: number, y: number, M: number, N: number, acc: number, out: number): void;
  ihaContributions(A: number, V: number, R: number, H: number, N: number, P: number, d: number, Y: number, out: number): void;
  layerNormForward(x: number, w: number, b: number, M: number, D: number, eps: number, y: number, xhat: number, sd: number): void;
  layerNormBackward(dy: number, xhat: number, sd: number, w: number, M: number, D: number, dx: number): void;
  thinProductTN(a: number, b: number, M: number, K: number, N: number, acc: number, out: number): void;
  adam(g: number, x: number, m: number, s: number, n: number, ...rest: number[]): void;
}

/** Adam's float32 constants for one step (trainLoop.makeOptimiser): β1, β2, 1 − β1, 1 − β2, 1 − β1ᵗ, 1 − β2ᵗ, ε, −lr. */
export interface AdamStep {
  b1: number;
  b2: number;
  c1: number;
  c2: number;
  k1: number;
  k2: number;
  eps: number;
  minusLr: number;
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

/**
 * What the backward pass reads of one forward pass, in a slot of the kernel's memory: the weights
 * w [G, S·Tp + Sr] (at the slot's offset: each group's unnormalised weights E [S,Tp] and the reciprocals of
 * their row sums, S of them padded to Sr, a multiple of 4), then q (scaled), k, v and z as the kernel's rows
 * [G,·,dp] (byte offsets).
 */
interface Saved {
  w: number;
  q: number;
  k: number;
  v: number;
  z: number;
}

/**
 * The compiled kernel with its linear memory: slots of saved forward passes from the module's heap base up
 * (a stack: a slot freed on top is taken off, so one forward and one backward per step reuse the same
 * bytes), and above them the buffers of the call in progress, laid out afresh for every call.
 */
export class AttentionKernel {
  private readonly wasm: KernelExports;
  private readonly base: number;
  /** the saved slots, lowest first: byte offset, size, and whether the backward pass has freed it */
  private readonly slots: {offset: number; bytes: number; free: boolean}[] = [];
  /** frees the slot of a forward pass whose gradient was never asked for, once its op is collected */
  private readonly unclaimed = new FinalizationRegistry<number>((slot) => this.release(slot));

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {env: {abort: () => { throw new Error("attention kernel aborted"); }}});
    this.wasm = instance.exports as unknown as KernelExports;
    for (const name of ["memory", "heapBase", "forward", "backward", "gather", "scatter", "productTN", "productNN", "columnSums", "ihaContributions", "layerNormForward", "layerNormBackward", "thinProductTN", "adam"]) {
      if (!(name in instance.exports)) throw new Error(`this WebAssembly module is not the attention kernel: it has no "${name}" export`);
    }
    this.base = (this.wasm.heapBase() + 15) & ~15;
  }

  /** The first byte above the saved slots. */
  private slotsEnd(): number {
    const top = this.slots[this.slots.length - 1];
    return top ? top.offset + top.bytes : this.base;
  }

  /** Grows the memory to hold `end` bytes. */
  private reach(end: number): void {
    const have = this.wasm.memory.buffer.byteLength;
    if (end > have) this.wasm.memory.grow(Math.ceil((end - have) / 65536));
  }

  /** Byte offsets of `floats` consecutive buffers (sizes in floats, 16-byte aligned) from `start`, growing memory to fit. */
  private place(start: number, floats: number[]): number[] {
    let at = start;
    const offsets = floats.map((n) => {
      const o = at;
      at += (n * 4 + 15) & ~15;
      return o;
    });
    this.reach(at);
    return offsets;
  }

  /** The call's buffers (sizes in floats) above the slots: their byte offsets. */
  private layout(floats: number[]): number[] {
    return this.place(this.slotsEnd(), floats);
  }

  /** A new slot of `floats` consecutive buffers on top of the others: their byte offsets (the first is the slot's). */
  private claim(floats: number[]): number[] {
    const offsets = this.place(this.slotsEnd(), [...floats, 0]);
    const end = offsets.pop()!;
    this.slots.push({offset: offsets[0], bytes: end - offsets[0], free: false});
    return offsets;
  }

  /** Frees the slot at `offset`, and takes the free slots on top of the stack off it. */
  private release(offset: number): void {
    const slot = this.slots.find((s) => s.offset === offset);
    if (slot) slot.free = true;
    while (this.slots.length && this.slots[this.slots.length - 1].free) this.slots.pop();
  }

  /** Slots held by forward passes whose backward pass has not run, and the memory's size in bytes (for tests). */
  usage(): {liveSlots: number; bytes: number} {
    return {liveSlots: this.slots.filter((s) => !s.free).length, bytes: this.wasm.memory.buffer.byteLength};
  }

  private view(offset: number, floats: number): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, offset, floats);
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
   * layouts.q (a view of the kernel's memory, valid until its next call), A [G·S·T] when asked, and, when
   * `keep`, the slot that the backward pass reads (the weights and rows of this pass).
   */
  forward(dims: Dims, layouts: CoreLayouts, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, withA: boolean, keep: boolean) {
    const {G, S, T, dp} = dims;
    const {Tp, wg} = weightsSize(dims);
    const [qs, ks] = [G * S * dp, G * T * dp];
    let saved: Saved | null = null;
    if (keep) {
      const [w, sq, sk, sv, sz] = this.claim([G * wg, qs, ks, ks, qs]);
      saved = {w, q: sq, k: sk, v: sv, z: sz};
    }
    const [rq, rk, rv, lq, lk, lv, om, lz, oA, oscr] = this.layout([q.length, k.length, v.length, keep ? 0 : qs, keep ? 0 : ks, keep ? 0 : ks, mask ? S * T : 0, keep ? 0 : qs, withA ? G * S * T : 0, dp * Tp + wg]);
    const [oq, ok, ov, oz] = saved ? [saved.q, saved.k, saved.v, saved.z] : [lq, lk, lv, lz];
    this.put(rq, oq, q, layouts.q, dp, layouts.scale);
    this.put(rk, ok, k, layouts.kv, dp, 1);
    this.put(rv, ov, v, layouts.kv, dp, 1);
    if (mask) this.view(om, S * T).set(mask);
    const [qb, kb, wb] = [S * dp * 4, T * dp * 4, wg * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      this.wasm.forward(S, T, dp, oq + g * qb, ok + g * kb, ov + g * kb, mask ? om : 0, oz + g * qb, saved ? saved.w + g * wb : 0, withA ? oA + g * S * T * 4 : 0, oscr);
    }
    if (saved) this.unclaimed.register(saved, saved.w, saved);
    return {
      z: this.take(oz, rq, layouts.q, dp, 1), // q's layout
      A: withA ? this.view(oA, G * S * T).slice() : null, // [G,S,T]
      saved,
    };
  }

  /**
   * aᵀ · b [K,N] for a [M,K] and b [M,N] (row-major data; K and N multiples of 4): a view of the kernel's
   * memory, valid until its next call.
   */
  productTN(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
    const [oa, ob, out] = this.layout([M * K, M * N, K * N]);
    this.view(oa, M * K).set(a);
    this.view(ob, M * N).set(b);
    this.wasm.productTN(oa, ob, M, K, N, out);
    return this.view(out, K * N);
  }

  /**
   * a · b (+ bias on every row) [M,N] for a [M,K], b [K,N] and bias [N] (row-major data; N a multiple of 4):
   * a view of the kernel's memory, valid until its next call.
   */
  productNN(a: Float32Array, b: Float32Array, M: number, K: number, N: number, bias: Float32Array | null = null): Float32Array {
    const [oa, ob, obias, out] = this.layout([M * K, K * N, bias ? N : 0, M * N]);
    this.view(oa, M * K).set(a);
    this.view(ob, K * N).set(b);
    if (bias) this.view(obias, N).set(bias);
    this.wasm.productNN(oa, ob, M, K, N, bias ? obias : 0, out);
    return this.view(out, M * N);
  }

  /**
   * The gradients of y = a · b (+ bias) for a [M,K], b [K,N] and dy [M,N] (K and N multiples of 4), dy copied
   * in once: da = dy · bᵀ [M,K], db = aᵀ · dy [K,N] and, when `withBias`, dbias = Σ_m dy[m, :] [N] summed in
   * float64. Views of the kernel's memory, valid until its next call.
   */
  productGrads(a: Float32Array, b: Float32Array, dy: Float32Array, M: number, K: number, N: number, withBias: boolean) {
    const [oa, obT, ody, oda, odb, oacc, odbias] = this.layout([M * K, N * K, M * N, M * K, K * N, withBias ? 2 * N : 0, withBias ? N : 0]);
    this.view(oa, M * K).set(a);
    const bT = this.view(obT, N * K); // [N,K]
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) bT[n * K + k] = b[k * N + n];
    this.view(ody, M * N).set(dy);
    this.wasm.productNN(ody, obT, M, N, K, 0, oda);
    this.wasm.productTN(oa, ody, M, K, N, odb);
    if (withBias) this.wasm.columnSums(ody, 0, M, N, oacc, odbias);
    return {da: this.view(oda, M * K), db: this.view(odb, K * N), dbias: withBias ? this.view(odbias, N) : null};
  }

  /**
   * aᵀ · b [K,N] for a [M,K] and b [M,N] (row-major data, any K and N), summed in float64 in the order of the rows
   * and rounded once, as hostSums.thinProductTN: a view of the kernel's memory, valid until its next call.
   */
  thinProductTN(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
    const [oa, ob, oacc, out] = this.layout([M * K, M * N, 2 * K * N, K * N]);
    this.view(oa, M * K).set(a);
    this.view(ob, M * N).set(b);
    this.wasm.thinProductTN(oa, ob, M, K, N, oacc, out);
    return this.view(out, K * N);
  }

  /**
   * One Adam update (trainLoop.makeOptimiser's formula): the moments m and s are updated in place, the new values
   * of x returned as a view of the kernel's memory, valid until its next call.
   */
  adam(g: Float32Array, x: Float32Array, m: Float32Array, s: Float32Array, k: AdamStep): Float32Array {
    const n = g.length;
    const [og, ox, om, os, out] = this.layout([n, n, n, n, n]);
    this.view(og, n).set(g);
    this.view(ox, n).set(x);
    this.view(om, n).set(m);
    this.view(os, n).set(s);
    this.wasm.adam(og, ox, om, os, n, k.b1, k.b2, k.c1, k.c2, k.k1, k.k2, k.eps, k.minusLr, out);
    m.set(this.view(om, n));
    s.set(this.view(os, n));
    return this.view(out, n);
  }

  /**
   * LayerNorm of M rows of D floats (D a multiple of 4): y and x̂ [M,D], s = √(σ² + ε) [M], as views of the
   * kernel's memory, valid until its next call.
   */
  layerNormForward(x: Float32Array, w: Float32Array, b: Float32Array, M: number, D: number, eps: number) {
    const [ox, ow, ob, oy, oh, os] = this.layout([M * D, D, D, M * D, M * D, M]);
    this.view(ox, M * D).set(x);
    this.view(ow, D).set(w);
    this.view(ob, D).set(b);
    this.wasm.layerNormForward(ox, ow, ob, M, D, eps, oy, oh, os);
    return {y: this.view(oy, M * D), xhat: this.view(oh, M * D), sd: this.view(os, M)};
  }

  /**
   * LayerNorm's gradients from dy, x̂ [M,D], s [M] and w [D]: dx [M,D], and dw = Σ_m dy ⊙ x̂, db = Σ_m dy [D]
   * summed in float64. Views of the kernel's memory, valid until its next call.
   */
  layerNormBackward(dy: Float32Array, xhat: Float32Array, sd: Float32Array, w: Float32Array, M: number, D: number) {
    const [ody, oh, os, ow, odx, oacc, odw, odb] = this.layout([M * D, M * D, M, D, M * D, 2 * D, D, D]);
    this.view(ody, M * D).set(dy);
    this.view(oh, M * D).set(xhat);
    this.view(os, M).set(sd);
    this.view(ow, D).set(w);
    this.wasm.layerNormBackward(ody, oh, os, ow, M, D, odx);
    this.wasm.columnSums(ody, oh, M, D, oacc, odw);
    this.wasm.columnSums(ody, 0, M, D, oacc, odb);
    return {dx: this.view(odx, M * D), dw: this.view(odw, D), db: this.view(odb, D)};
  }

  /**
   * IHA's contributions c [b,H,N,N,d] (effective.ts) from the pseudo pattern Ā [b,H,NP,NP], the pseudo values
   * Ṽ [b,H,NP,d] and R [H, H·P], one sample at a time; H, P and d multiples of 4 (ihaContributionsFit).
   */
  ihaContributions(A: Float32Array, V: Float32Array, R: Float32Array, b: number, H: number, N: number, P: number, d: number): Float32Array {
    if (!ihaContributionsFit(H, P, d)) throw new Error(`ihaContributions needs H, P and d_head multiples of 4, got ${H}, ${P}, ${d}`);
    const NP = N * P;
    const [a, v, sa] = [H * NP * NP, H * NP * d, H * N * N * d]; // floats per sample: Ā, Ṽ, c
    const [oA, oV, oR, oY, oOut] = this.layout([a, v, R.length, H * P * d, sa]);
    this.view(oR, R.length).set(R);
    const result = new Float32Array(b * sa); // [b,H,N,N,d]
    for (let s = 0; s < b; s++) {
      this.view(oA, a).set(A.subarray(s * a, (s + 1) * a));
      this.view(oV, v).set(V.subarray(s * v, (s + 1) * v));
      this.wasm.ihaContributions(oA, oV, oR, H, N, P, d, oY, oOut);
      result.set(this.view(oOut, sa), s * sa);
    }
    return result;
  }

  /**
   * Gradients of z with respect to q, k, v (each in its layout; views of the kernel's memory, valid until its
   * next call) given dz (q's layout) and the forward's slot, which is then freed (use it once).
   */
  backward(dims: Dims, layouts: CoreLayouts, saved: Saved, dz: Float32Array) {
    const {G, S, T, dp} = dims;
    const {Tp, wg} = weightsSize(dims);
    const [qs, ks] = [G * S * dp, G * T * dp];
    const kvSize = layoutSize(layouts.kv);
    const [rdz, rdk, rdv, odz, odq, odk, odv, oscr] = this.layout([dz.length, kvSize, kvSize, qs, qs, ks, ks, dp * Tp + wg + S * dp]);
    this.put(rdz, odz, dz, layouts.q, dp, 1);
    const [qb, kb, wb] = [S * dp * 4, T * dp * 4, wg * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      const [gq, gk] = [g * qb, g * kb];
      this.wasm.backward(S, T, dp, saved.q + gq, saved.k + gk, saved.v + gk, saved.z + gq, saved.w + g * wb, odz + gq, odq + gq, odk + gk, odv + gk, oscr);
    }
    const grads = {
      dq: this.take(odq, rdz, layouts.q, dp, layouts.scale), // d/dq = scale · d/d(scaled q); out through dz's buffer
      dk: this.take(odk, rdk, layouts.kv, dp, 1),
      dv: this.take(odv, rdv, layouts.kv, dp, 1),
    };
    this.unclaimed.unregister(saved);
    this.release(saved.w);
    return grads;
  }
}

/** Whether the kernel's ihaContributions takes these sizes (its register tiles need multiples of 4). */
export function ihaContributionsFit(H: number, P: number, d: number): boolean {
  return H % 4 === 0 && P % 4 === 0 && d % 4 === 0;
}

/** Where the core reads q (and writes z) and where it reads k and v, and the logit scale applied to q. */
export interface CoreLayouts {
  q: RowLayout;
  kv: RowLayout;
  scale: number;
}

/** Tp, T padded to a multiple of 8, and the floats of one group's weights: E [S,Tp] and 1/rowsum [S] padded to a multiple of 4. */
function weightsSize({S, T}: Dims): {Tp: number; wg: number} {
  const Tp = (T + 7) & ~7;
  return {Tp, wg: S * Tp + ((S + 3) & ~3)};
}

/** Entries a layout spans. */
function layoutSize(l: RowLayout): number {
  return l.B * l.H * l.N * l.P * l.d;
}

/** The shape and strides of a layout as the kernel's gather and scatter take them. */
function layoutArgs(l: RowLayout, dp: number): number[] {
  return [l.B, l.H, l.N, l.P, l.d, dp, ...l.stride];
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
    // the backward's inputs stay in the kernel's memory (a slot), not as saved tensors, which TF.js would clone
    const out = kernel.forward(dims, layouts, floats(tq), floats(tk), floats(tv), mask, withPattern, keep);
    if (out.A) pattern = tf.keep(tf.tensor3d(out.A, [G, S, T])); // [G,S,T]
    return {
      value: tensorOf(out.z, tq.shape), // q's shape and layout
      gradFunc: (dz: tf.Tensor) => {
        if (!out.saved) throw new Error("the fused attention core's gradient was asked for twice, or without a gradient tape in its forward pass");
        const g = kernel.backward(dims, layouts, out.saved, floats(dz));
        out.saved = null; // freed: the next forward pass takes the slot
        return [tensorOf(g.dq, tq.shape), tensorOf(g.dk, tk.shape), tensorOf(g.dv, tv.shape)];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;
  const z = op(q, k, v);
  return {z, pattern};
}
