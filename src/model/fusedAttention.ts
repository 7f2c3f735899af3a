// The fused attention core (kernels/attention.as.ts, compiled to WebAssembly SIMD) as a TF.js op:
// z = softmax(q kᵀ + mask) v per (batch, head) group, forward and backward each one kernel call per
// group (many short calls let the engine's optimising compiler take over after the first few). When a
// gradient is recorded, the forward leaves the weights (unnormalised, E = exp(s − rowmax), with 1/rowsum:
// A = E/rowsum) and its rows in a slot that the backward reads and then frees: no S×T map is recomputed,
// normalised or copied. The operands are read, and the results written, in the layout the calling layer's
// products make (RowLayout): the kernel gathers rows from it and scatters them back, so no layer
// transposes into or out of the core.
// The kernel works in the memory of TF.js's wasm backend (KernelHeap): it reads tensors where they lie and
// writes results into blocks that become tensors without a copy. The bytes of the compiled module come from
// whoever runs training (src/data/kernels.ts in Node).
import * as tf from "@tensorflow/tfjs";
import {floats, tensorOf} from "./tensorData.js";

interface KernelExports {
  expConstants(out: number): void;
  forward(S: number, T: number, dp: number, q: number, k: number, v: number, mask: number, z: number, w: number, A: number, scratch: number, consts: number): void;
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
 * What the backward pass reads of one forward pass, in a slot (a block of the kernel's memory): the weights
 * w [G, S·Tp + Sr] (each group's unnormalised weights E [S,Tp] and the reciprocals of
 * their row sums, S of them padded to Sr, a multiple of 4), then q (scaled), k, v and z as the kernel's rows
 * [G,·,dp] (byte offsets).
 */
interface Saved {
  /** the slot's malloc offset */
  block: number;
  w: number;
  q: number;
  k: number;
  v: number;
  z: number;
}

/**
 * Where the kernel works: the memory of TF.js's wasm backend (the module imports it) and that backend's
 * allocator, so that the kernel reads tensors where TF.js keeps them and writes its results into blocks that
 * become tensors without a copy.
 */
export interface KernelHeap {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(offset: number): void;
  /** A float32 tensor of `shape` over the block at `offset` (from malloc), which the tensor then owns. */
  adopt(offset: number, shape: number[]): tf.Tensor;
}

/** The part of TF.js's wasm backend (4.22) the heap uses. */
interface WasmBackendHeap {
  wasm?: {asm?: {memory?: WebAssembly.Memory}; _malloc(bytes: number): number; _free(offset: number): void};
  makeOutput(shape: number[], dtype: "float32", memoryOffset: number): tf.TensorInfo;
}

/** The heap of the current TF.js backend, which must be the wasm backend. */
export function wasmBackendHeap(): KernelHeap {
  const backend = tf.backend() as unknown as WasmBackendHeap;
  const wasm = backend.wasm;
  const memory = wasm?.asm?.memory;
  if (tf.getBackend() !== "wasm" || !wasm || !memory) throw new Error("the attention kernel works in the memory of TF.js's wasm backend: select that backend first");
  return {
    memory,
    malloc: (bytes) => wasm._malloc(bytes) >>> 0,
    free: (offset) => wasm._free(offset),
    adopt: (offset, shape) => tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, "float32", offset)),
  };
}

/**
 * The compiled kernel, working in TF.js's wasm memory (KernelHeap). Every call reads its inputs where they lie
 * when they are in that memory (tensors' data, through `floats`), and copies other arrays into a scratch block
 * kept between calls; it writes each result into a block of its own, which `tensor` hands to TF.js as a tensor
 * without a copy. Results not taken are freed when the next call starts. A forward pass under a gradient tape
 * keeps its weights and rows in a block of their own (a slot) until its backward pass frees it.
 */
export class AttentionKernel {
  private readonly wasm: KernelExports;
  private readonly heap: KernelHeap;
  /** exp's constants (expConstants: 12 floats), written once */
  private readonly constants: number;
  /** the scratch block: its malloc offset and usable bytes from the first 16-byte boundary */
  private scratch = {block: 0, bytes: 0};
  /** the last call's result blocks not yet taken by a tensor (malloc offsets), by the view the call returned */
  private results = new Map<Float32Array, number>();
  /** slots of forward passes whose backward pass has not run */
  private readonly slots = new Set<number>();
  /** frees the slot of a forward pass whose gradient was never asked for, once its op is collected */
  private readonly unclaimed = new FinalizationRegistry<number>((slot) => this.release(slot));

  constructor(bytes: Uint8Array<ArrayBuffer>, heap: KernelHeap = wasmBackendHeap()) {
    this.heap = heap;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {memory: heap.memory, abort: () => { throw new Error("attention kernel aborted"); }},
    });
    this.wasm = instance.exports as unknown as KernelExports;
    for (const name of ["expConstants", "forward", "backward", "gather", "scatter", "productTN", "productNN", "columnSums", "thinProductTN", "adam", "ihaContributions", "layerNormForward", "layerNormBackward"]) {
      if (!(name in instance.exports)) throw new Error(`this WebAssembly module is not the attention kernel: it has no "${name}" export`);
    }
    this.constants = heap.malloc(48);
    this.wasm.expConstants(this.constants);
  }

  /** Slots held by forward passes whose backward pass has not run, and the memory's size in bytes (for tests). */
  usage(): {liveSlots: number; bytes: number} {
    return {liveSlots: this.slots.size, bytes: this.heap.memory.buffer.byteLength};
  }

  private view(offset: number, floats: number): Float32Array {
    return new Float32Array(this.heap.memory.buffer, offset, floats);
  }

  /**
   * Starts a call: frees the last call's results that no tensor took, and returns the byte offsets of the inputs
   * (read where they lie when in the kernel's memory, else copied into the scratch), of scratch buffers (sizes in
   * floats, 16-byte aligned) and of new result blocks (sizes in floats). Input views are read before anything is
   * allocated (an allocation may grow the memory, which detaches every view of it).
   */
  private begin(inputs: Float32Array[], scratch: number[], results: number[] = []): {ins: number[]; tmp: number[]; out: number[]} {
    const memory = this.heap.memory;
    const shared = inputs.map((a) => {
      if (a.length === 0 && a.buffer.byteLength === 0) throw new Error("attention kernel: an input is a view of memory that has grown since (take views after allocating)");
      return a.buffer === memory.buffer ? a.byteOffset : -1;
    });
    for (const offset of this.results.values()) this.heap.free(offset);
    this.results.clear();
    const copies = inputs.filter((_, i) => shared[i] < 0);
    const sizes = [...copies.map((a) => a.length), ...scratch].map((n) => (n * 4 + 15) & ~15);
    const need = sizes.reduce((a, b) => a + b, 0);
    if (need > this.scratch.bytes) {
      if (this.scratch.block) this.heap.free(this.scratch.block);
      const block = this.heap.malloc(need + 15);
      this.scratch = {block, bytes: need};
    }
    let at = (this.scratch.block + 15) & ~15;
    const offsets = sizes.map((n) => ((at += n), at - n));
    const out = results.map((floats) => this.heap.malloc(Math.max(floats, 1) * 4));
    let c = 0;
    const ins = shared.map((o, i) => {
      if (o >= 0) return o;
      this.view(offsets[c], inputs[i].length).set(inputs[i]);
      return offsets[c++];
    });
    return {ins, tmp: offsets.slice(copies.length), out};
  }

  /** The view of a result block (from begin) that this call returns, remembered until a tensor takes it or the next call. */
  private result(offset: number, floats: number): Float32Array {
    const view = this.view(offset, floats);
    this.results.set(view, offset);
    return view;
  }

  /**
   * A tensor of `shape` holding `view`: a result of the kernel's last call becomes the tensor's data without a
   * copy (and is no longer freed by the next call), even when the memory has grown since (making a tensor may
   * allocate, which detaches views); any other array is copied (tensorOf).
   */
  tensor(view: Float32Array, shape: number[]): tf.Tensor {
    const offset = this.results.get(view);
    if (offset === undefined) return tensorOf(view, shape);
    this.results.delete(view);
    return this.heap.adopt(offset, shape);
  }

  /** Frees the slot at `offset` (once). */
  private release(offset: number): void {
    if (this.slots.delete(offset)) this.heap.free(offset);
  }

  /**
   * q (queries, scaled by `scale` here) in layouts.q, k, v in layouts.kv, mask [S·T] or null → z in
   * layouts.q (a result of this call), A [G·S·T] when asked, and, when `keep`, the slot that the backward pass
   * reads (the weights and rows of this pass).
   */
  forward(dims: Dims, layouts: CoreLayouts, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, withA: boolean, keep: boolean) {
    const {G, S, T, dp} = dims;
    const {Tp, wg} = weightsSize(dims);
    const [qs, ks] = [G * S * dp, G * T * dp];
    const rows = [qs, ks, ks, qs]; // q, k, v, z as the kernel's rows
    const {ins, tmp, out} = this.begin(mask ? [q, k, v, mask] : [q, k, v], [...(keep ? [0, 0, 0, 0] : rows), withA ? G * S * T : 0, dp * Tp + wg], [layoutSize(layouts.q)]);
    const [rq, rk, rv, om] = [ins[0], ins[1], ins[2], mask ? ins[3] : 0];
    let saved: Saved | null = null;
    if (keep) {
      const floats = [G * wg, ...rows].map((n) => (n * 4 + 15) & ~15);
      const block = this.heap.malloc(floats.reduce((a, b) => a + b, 0) + 15);
      this.slots.add(block);
      let at = (block + 15) & ~15;
      const [w, sq, sk, sv, sz] = floats.map((n) => ((at += n), at - n));
      saved = {block, w, q: sq, k: sk, v: sv, z: sz};
    }
    const [oq, ok, ov, oz] = saved ? [saved.q, saved.k, saved.v, saved.z] : tmp.slice(0, 4);
    const [oA, oscr] = tmp.slice(4);
    this.wasm.gather(rq, oq, ...layoutArgs(layouts.q, dp), layouts.scale);
    this.wasm.gather(rk, ok, ...layoutArgs(layouts.kv, dp), 1);
    this.wasm.gather(rv, ov, ...layoutArgs(layouts.kv, dp), 1);
    const [qb, kb, wb] = [S * dp * 4, T * dp * 4, wg * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      this.wasm.forward(S, T, dp, oq + g * qb, ok + g * kb, ov + g * kb, om, oz + g * qb, saved ? saved.w + g * wb : 0, withA ? oA + g * S * T * 4 : 0, oscr, this.constants);
    }
    if (saved) this.unclaimed.register(saved, saved.block, saved);
    this.wasm.scatter(oz, out[0], ...layoutArgs(layouts.q, dp), 1);
    return {
      z: this.result(out[0], layoutSize(layouts.q)), // q's layout
      A: withA ? this.view(oA, G * S * T).slice() : null, // [G,S,T]
      saved,
    };
  }

  /**
   * Gradients of z with respect to q, k, v (each in its layout; results of this call) given dz (q's layout) and
   * the forward's slot, which is then freed (use it once).
   */
  backward(dims: Dims, layouts: CoreLayouts, saved: Saved, dz: Float32Array) {
    const {G, S, T, dp} = dims;
    const {Tp, wg} = weightsSize(dims);
    const [qs, ks] = [G * S * dp, G * T * dp];
    const [qSize, kvSize] = [layoutSize(layouts.q), layoutSize(layouts.kv)];
    const {ins, tmp, out} = this.begin([dz], [qs, qs, ks, ks, dp * Tp + wg + S * dp], [qSize, kvSize, kvSize]);
    const [odz, odq, odk, odv, oscr] = tmp;
    this.wasm.gather(ins[0], odz, ...layoutArgs(layouts.q, dp), 1);
    const [qb, kb, wb] = [S * dp * 4, T * dp * 4, wg * 4]; // bytes per group
    for (let g = 0; g < G; g++) {
      const [gq, gk] = [g * qb, g * kb];
      this.wasm.backward(S, T, dp, saved.q + gq, saved.k + gk, saved.v + gk, saved.z + gq, saved.w + g * wb, odz + gq, odq + gq, odk + gk, odv + gk, oscr);
    }
    this.wasm.scatter(odq, out[0], ...layoutArgs(layouts.q, dp), layouts.scale); // d/dq = scale · d/d(scaled q)
    this.wasm.scatter(odk, out[1], ...layoutArgs(layouts.kv, dp), 1);
    this.wasm.scatter(odv, out[2], ...layoutArgs(layouts.kv, dp), 1);
    this.unclaimed.unregister(saved);
    this.release(saved.block);
    return {dq: this.result(out[0], qSize), dk: this.result(out[1], kvSize), dv: this.result(out[2], kvSize)};
  }

  /** aᵀ · b [K,N] for a [M,K] and b [M,N] (row-major data; K and N multiples of 4): a result of this call. */
  productTN(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
    const {ins, out} = this.begin([a, b], [], [K * N]);
    this.wasm.productTN(ins[0], ins[1], M, K, N, out[0]);
    return this.result(out[0], K * N);
  }

  /**
   * a · b (+ bias on every row) [M,N] for a [M,K], b [K,N] and bias [N] (row-major data; N a multiple of 4): a
   * result of this call.
   */
  productNN(a: Float32Array, b: Float32Array, M: number, K: number, N: number, bias: Float32Array | null = null): Float32Array {
    const {ins, out} = this.begin(bias ? [a, b, bias] : [a, b], [], [M * N]);
    this.wasm.productNN(ins[0], ins[1], M, K, N, bias ? ins[2] : 0, out[0]);
    return this.result(out[0], M * N);
  }

  /**
   * The gradients of y = a · b (+ bias) for a [M,K], b [K,N] and dy [M,N] (K and N multiples of 4): da = dy · bᵀ
   * [M,K], db = aᵀ · dy [K,N] and, when `withBias`, dbias = Σ_m dy[m, :] [N] summed in float64. Results of this call.
   */
  productGrads(a: Float32Array, b: Float32Array, dy: Float32Array, M: number, K: number, N: number, withBias: boolean) {
    const {ins, tmp, out} = this.begin([a, b, dy], [N * K, withBias ? 2 * N : 0], withBias ? [M * K, K * N, N] : [M * K, K * N]);
    const [oa, ob, ody] = ins;
    const [obT, oacc] = tmp;
    const [bv, bT] = [this.view(ob, K * N), this.view(obT, N * K)]; // b [K,N] → bᵀ [N,K]
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) bT[n * K + k] = bv[k * N + n];
    this.wasm.productNN(ody, obT, M, N, K, 0, out[0]);
    this.wasm.productTN(oa, ody, M, K, N, out[1]);
    if (withBias) this.wasm.columnSums(ody, 0, M, N, oacc, out[2]);
    return {da: this.result(out[0], M * K), db: this.result(out[1], K * N), dbias: withBias ? this.result(out[2], N) : null};
  }

  /**
   * aᵀ · b [K,N] for a [M,K] and b [M,N] (row-major data, any K and N), summed in float64 in the order of the rows
   * and rounded once, as hostSums.thinProductTN: a result of this call.
   */
  thinProductTN(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
    const {ins, tmp, out} = this.begin([a, b], [2 * K * N], [K * N]);
    this.wasm.thinProductTN(ins[0], ins[1], M, K, N, tmp[0], out[0]);
    return this.result(out[0], K * N);
  }

  /**
   * One Adam update (trainLoop.makeOptimiser's formula): the moments m and s are updated in place, the new values
   * of x returned (a result of this call).
   */
  adam(g: Float32Array, x: Float32Array, m: Float32Array, s: Float32Array, k: AdamStep): Float32Array {
    const n = g.length;
    const {ins, out} = this.begin([g, x, m, s], [], [n]);
    const [og, ox, om, os] = ins;
    this.wasm.adam(og, ox, om, os, n, k.b1, k.b2, k.c1, k.c2, k.k1, k.k2, k.eps, k.minusLr, out[0]);
    m.set(this.view(om, n));
    s.set(this.view(os, n));
    return this.result(out[0], n);
  }

  /**
   * LayerNorm of M rows of D floats (D a multiple of 4): y and x̂ [M,D], s = √(σ² + ε) [M], results of this call.
   */
  layerNormForward(x: Float32Array, w: Float32Array, b: Float32Array, M: number, D: number, eps: number) {
    const {ins, out} = this.begin([x, w, b], [], [M * D, M * D, M]);
    this.wasm.layerNormForward(ins[0], ins[1], ins[2], M, D, eps, out[0], out[1], out[2]);
    return {y: this.result(out[0], M * D), xhat: this.result(out[1], M * D), sd: this.result(out[2], M)};
  }

  /**
   * LayerNorm's gradients from dy, x̂ [M,D], s [M] and w [D]: dx [M,D], and dw = Σ_m dy ⊙ x̂, db = Σ_m dy [D]
   * summed in float64. Results of this call.
   */
  layerNormBackward(dy: Float32Array, xhat: Float32Array, sd: Float32Array, w: Float32Array, M: number, D: number) {
    const {ins, tmp, out} = this.begin([dy, xhat, sd, w], [2 * D], [M * D, D, D]);
    const [ody, oh, os, ow] = ins;
    this.wasm.layerNormBackward(ody, oh, os, ow, M, D, out[0]);
    this.wasm.columnSums(ody, oh, M, D, tmp[0], out[1]);
    this.wasm.columnSums(ody, 0, M, D, tmp[0], out[2]);
    return {dx: this.result(out[0], M * D), dw: this.result(out[1], D), db: this.result(out[2], D)};
  }

  /**
   * IHA's contributions c [b,H,N,N,d] (effective.ts) from the pseudo pattern Ā [b,H,NP,NP], the pseudo values
   * Ṽ [b,H,NP,d] and R [H, H·P], one sample at a time; H, P and d multiples of 4 (ihaContributionsFit).
   */
  ihaContributions(A: Float32Array, V: Float32Array, R: Float32Array, b: number, H: number, N: number, P: number, d: number): Float32Array {
    if (!ihaContributionsFit(H, P, d)) throw new Error(`ihaContributions needs H, P and d_head multiples of 4, got ${H}, ${P}, ${d}`);
    const NP = N * P;
    const [a, v, sa] = [H * NP * NP, H * NP * d, H * N * N * d]; // floats per sample: Ā, Ṽ, c
    const {ins, tmp} = this.begin([A, V, R], [H * P * d, sa]);
    const [oA, oV, oR] = ins;
    const [oY, oOut] = tmp;
    const result = new Float32Array(b * sa); // [b,H,N,N,d]
    for (let s = 0; s < b; s++) {
      this.wasm.ihaContributions(oA + s * a * 4, oV + s * v * 4, oR, H, N, P, d, oY, oOut);
      result.set(this.view(oOut, sa), s * sa);
    }
    return result;
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
      value: kernel.tensor(out.z, tq.shape), // q's shape and layout
      gradFunc: (dz: tf.Tensor) => {
        if (!out.saved) throw new Error("the fused attention core's gradient was asked for twice, or without a gradient tape in its forward pass");
        const g = kernel.backward(dims, layouts, out.saved, floats(dz));
        out.saved = null; // freed: the next forward pass takes the slot
        return [kernel.tensor(g.dq, tq.shape), kernel.tensor(g.dk, tk.shape), kernel.tensor(g.dv, tv.shape)];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;
  const z = op(q, k, v);
  return {z, pattern};
}
