// Fused attention core, AssemblyScript compiled to WebAssembly SIMD (src/data/kernels.ts builds it;
// src/model/fusedAttention.ts runs it). One call does one (batch, head) group, q already scaled:
//   forward   s = q kᵀ + mask [S,T],  E = exp(s − rowmax s),  r_i = 1 / Σ_j E_ij  (A = softmax(s) = r ⊙ E),
//             z = r ⊙ (E v) [S,dp]  (no pass that normalises E)
//   backward  given the forward's E and r:  dz' = r ⊙ dz,  D'_i = dz'_i · z_i,  dS = E ⊙ (dz' vᵀ − D')
//             (= A ⊙ (dA − D) with dA = dz vᵀ, D_i = dz_i · z_i),  dq = dS k,  dk = dSᵀ q,  dv = Eᵀ dz' (= Aᵀ dz)
// Layouts are row-major float32: q, z, dz, dq [S,dp]; k, v, dk, dv [T,dp]; mask [S,T]; the weights w [S·Tp + S]
// (E [S,Tp], then r [S]: the forward leaves them there, the backward reads them; the caller keeps w between
// the two calls when it trains); A [S,T] (a copy for caches, r ⊙ E). dp is d_head padded to a multiple of 4 with zero columns (the caller
// pads), so every row of q, k, v is whole SIMD vectors. Tp = T rounded up to 8; the padded key columns get
// −∞ scores and so weight 0. Products run on tiles of four rows and two vectors of columns where the shapes
// allow (tile4x8 below).
// A pointer argument of 0 means "absent" (no mask, no A to write, w in the scratch).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** below this, exp underflows: exp4 clamps its argument here (and with `exact` returns 0: masked and padded scores land here) */
const EXP_LO: f32 = -87.33654;
/** 1.5·2²³ + 127: adding it rounds to an integer and leaves n + 127 in the low mantissa bits */
const ROUND_BIAS: f32 = 12583039.0;
/**
 * exp4's constants, in the order of its arguments k0 … k10, which forward reads from memory (the caller keeps them
 * there: expConstants writes them): a constant vector written in the loop is rebuilt on every iteration (several
 * instructions each), one loaded into a local when a row starts is not. The module has no data of its own: it
 * works in the memory it imports (TF.js's wasm heap), at the addresses its caller allocates there.
 */
export function expConstants(out: usize): void {
  store<f32>(out, EXP_LO);
  store<f32>(out, LOG2E, 4);
  store<f32>(out, ROUND_BIAS, 8);
  store<f32>(out, LN2_HI, 12);
  store<f32>(out, LN2_LO, 16);
  store<f32>(out, 1.381455222144723e-3, 20);
  store<f32>(out, 8.368694223463535e-3, 24);
  store<f32>(out, 4.166838526725769e-2, 28);
  store<f32>(out, 1.666652113199234e-1, 32);
  store<f32>(out, 4.999999403953552e-1, 36);
  store<f32>(out, 1, 40);
}

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

// @ts-ignore: decorator
@inline function hsum(x: v128): f32 {
  return f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1) + f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3);
}

/**
 * exp of four floats x ≤ 0 (a score minus its row's maximum): 2^n · e^r with n = round(x·log₂e), r = x − n·ln2
 * (split in two parts) and e^r = 1 + r + r²·p(r), p of degree 4 (Cephes' expf has degree 5 there; these
 * coefficients are a minimax fit of e^r's relative error on |r| ≤ ln2/2, 3·10⁻⁹, which in float32 arithmetic gives
 * the same largest error as Cephes', 0.80 ulp over that range, one multiply-add fewer).
 * n is rounded by adding 1.5·2²³ + 127, after which the low bits of the float hold n + 127, so shifting them
 * into the exponent field gives 2^n with no float-to-int conversion. Only pmax (a single instruction, no NaN
 * fix-ups) bounds x, so below EXP_LO the result is e^EXP_LO ≈ 1.2·10⁻³⁸; with `exact` it is 0 there (what masked and
 * padded scores need; two operations more). k0 … k10 are expConstants' entries as vectors.
 */
// @ts-ignore: decorator
@inline function exp4(
  x: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128,
  k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, exact: bool,
): v128 {
  const under = exact ? f32x4.lt(x, k0) : f32x4.splat(0);
  x = f32x4.pmax(x, k0);
  const biased = f32x4.add(f32x4.mul(x, k1), k2);
  const pow2n = i32x4.shl(biased, 23);
  const n = f32x4.sub(biased, k2);
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, k3)), f32x4.mul(n, k4));
  let p = k5;
  p = f32x4.add(f32x4.mul(p, r), k6);
  p = f32x4.add(f32x4.mul(p, r), k7);
  p = f32x4.add(f32x4.mul(p, r), k8);
  p = f32x4.add(f32x4.mul(p, r), k9);
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), k10);
  return exact ? v128.andnot(f32x4.mul(y, pow2n), under) : f32x4.mul(y, pow2n);
}

/** out [dp,Tp] = xᵀ for rows x [T,dp] (zero padding columns T … Tp−1). */
function transposeInto(x: usize, T: i32, dp: i32, Tp: i32, out: usize): void {
  for (let c = 0; c < dp; c++) {
    for (let j = 0; j < T; j++) store<f32>(at(out, c * Tp + j), load<f32>(at(x, j * dp + c)));
    for (let j = T; j < Tp; j++) store<f32>(at(out, c * Tp + j), 0);
  }
}

// The three products share one micro-kernel: four output rows at a time, out_r = Σ_{t<n} w_r[t] · x[t], where
// w_r[t] is the float at w + r·lane + t·wStep (broadcast to a vector) and x[t] the 8 (or 4) floats at
// x + t·xStep; each loaded x vector is used four times. Row r is stored at out + r·outRow (added to what is
// there when acc, a constant at every call, so the other branch is compiled away).

// @ts-ignore: decorator
@inline function tile4x8(w: usize, lane: usize, wStep: usize, x: usize, xStep: usize, n: i32, out: usize, outRow: usize, acc: bool = false, bias: usize = 0): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
  for (let t = 0; t < n; t++, w += wStep, x += xStep) {
    const xv = v128.load(x);
    const xe = v128.load(x, 16);
    let y = v128.load32_splat(w);
    c0 = f32x4.add(c0, f32x4.mul(y, xv));
    d0 = f32x4.add(d0, f32x4.mul(y, xe));
    y = v128.load32_splat(w + lane);
    c1 = f32x4.add(c1, f32x4.mul(y, xv));
    d1 = f32x4.add(d1, f32x4.mul(y, xe));
    y = v128.load32_splat(w + 2 * lane);
    c2 = f32x4.add(c2, f32x4.mul(y, xv));
    d2 = f32x4.add(d2, f32x4.mul(y, xe));
    y = v128.load32_splat(w + 3 * lane);
    c3 = f32x4.add(c3, f32x4.mul(y, xv));
    d3 = f32x4.add(d3, f32x4.mul(y, xe));
  }
  if (acc) {
    c0 = f32x4.add(c0, v128.load(out));
    d0 = f32x4.add(d0, v128.load(out, 16));
    c1 = f32x4.add(c1, v128.load(out + outRow));
    d1 = f32x4.add(d1, v128.load(out + outRow, 16));
    c2 = f32x4.add(c2, v128.load(out + 2 * outRow));
    d2 = f32x4.add(d2, v128.load(out + 2 * outRow, 16));
    c3 = f32x4.add(c3, v128.load(out + 3 * outRow));
    d3 = f32x4.add(d3, v128.load(out + 3 * outRow, 16));
  }
  if (bias) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias, 16);
    c0 = f32x4.add(c0, b0);
    d0 = f32x4.add(d0, b1);
    c1 = f32x4.add(c1, b0);
    d1 = f32x4.add(d1, b1);
    c2 = f32x4.add(c2, b0);
    d2 = f32x4.add(d2, b1);
    c3 = f32x4.add(c3, b0);
    d3 = f32x4.add(d3, b1);
  }
  v128.store(out, c0);
  v128.store(out, d0, 16);
  v128.store(out + outRow, c1);
  v128.store(out + outRow, d1, 16);
  v128.store(out + 2 * outRow, c2);
  v128.store(out + 2 * outRow, d2, 16);
  v128.store(out + 3 * outRow, c3);
  v128.store(out + 3 * outRow, d3, 16);
}

// @ts-ignore: decorator
@inline function tile4x4(w: usize, lane: usize, wStep: usize, x: usize, xStep: usize, n: i32, out: usize, outRow: usize, acc: bool = false, bias: usize = 0): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let t = 0; t < n; t++, w += wStep, x += xStep) {
    const xv = v128.load(x);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(w), xv));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(w + lane), xv));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(w + 2 * lane), xv));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(w + 3 * lane), xv));
  }
  if (acc) {
    c0 = f32x4.add(c0, v128.load(out));
    c1 = f32x4.add(c1, v128.load(out + outRow));
    c2 = f32x4.add(c2, v128.load(out + 2 * outRow));
    c3 = f32x4.add(c3, v128.load(out + 3 * outRow));
  }
  if (bias) {
    const b0 = v128.load(bias);
    c0 = f32x4.add(c0, b0);
    c1 = f32x4.add(c1, b0);
    c2 = f32x4.add(c2, b0);
    c3 = f32x4.add(c3, b0);
  }
  v128.store(out, c0);
  v128.store(out + outRow, c1);
  v128.store(out + 2 * outRow, c2);
  v128.store(out + 3 * outRow, c3);
}

/** One output row of 4 floats (the rows left over when a count is not a multiple of 4). */
// @ts-ignore: decorator
@inline function tile1x4(w: usize, wStep: usize, x: usize, xStep: usize, n: i32, out: usize, bias: usize = 0): void {
  let c0 = f32x4.splat(0);
  for (let t = 0; t < n; t++, w += wStep, x += xStep) c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(w), v128.load(x)));
  if (bias) c0 = f32x4.add(c0, v128.load(bias));
  v128.store(out, c0);
}

/** out [S,Tp] = a [S,dp] · bᵀ, with bᵀ given as [dp,Tp] (Tp a multiple of 8). */
function productWide(a: usize, bT: usize, S: i32, dp: i32, Tp: i32, out: usize): void {
  const rowA = (<usize>dp) << 2;
  const rowB = (<usize>Tp) << 2;
  let i = 0;
  for (; i + 4 <= S; i += 4) for (let j = 0; j < Tp; j += 8) tile4x8(at(a, i * dp), rowA, 4, at(bT, j), rowB, dp, at(out, i * Tp + j), rowB);
  for (; i < S; i++) for (let j = 0; j < Tp; j += 4) tile1x4(at(a, i * dp), 4, at(bT, j), rowB, dp, at(out, i * Tp + j));
}

/** out [S,dp] = w [S,Tp] · x [T,dp] (columns T … Tp−1 of w are ignored). */
function productThin(w: usize, x: usize, S: i32, T: i32, Tp: i32, dp: i32, out: usize): void {
  const rowW = (<usize>Tp) << 2;
  const rowX = (<usize>dp) << 2;
  let i = 0;
  if ((dp & 7) == 0) for (; i + 4 <= S; i += 4) for (let c = 0; c < dp; c += 8) tile4x8(at(w, i * Tp), rowW, 4, at(x, c), rowX, T, at(out, i * dp + c), rowX);
  for (; i + 4 <= S; i += 4) for (let c = 0; c < dp; c += 4) tile4x4(at(w, i * Tp), rowW, 4, at(x, c), rowX, T, at(out, i * dp + c), rowX);
  for (; i < S; i++) for (let c = 0; c < dp; c += 4) tile1x4(at(w, i * Tp), 4, at(x, c), rowX, T, at(out, i * dp + c));
}

/** out [T,dp] = wᵀ · x for w [S,Tp] and x [S,dp]. */
function productThinT(w: usize, x: usize, S: i32, T: i32, Tp: i32, dp: i32, out: usize): void {
  const rowW = (<usize>Tp) << 2;
  const rowX = (<usize>dp) << 2;
  let j = 0;
  if ((dp & 7) == 0) for (; j + 4 <= T; j += 4) for (let c = 0; c < dp; c += 8) tile4x8(at(w, j), 4, rowW, at(x, c), rowX, S, at(out, j * dp + c), rowX);
  for (; j + 4 <= T; j += 4) for (let c = 0; c < dp; c += 4) tile4x4(at(w, j), 4, rowW, at(x, c), rowX, S, at(out, j * dp + c), rowX);
  for (; j < T; j++) for (let c = 0; c < dp; c += 4) tile1x4(at(w, j), rowW, at(x, c), rowX, S, at(out, j * dp + c));
}

/** Adds the mask [S,T] to s [S,Tp] and sets the padded columns to −∞. */
function maskScores(s: usize, mask: usize, S: i32, T: i32, Tp: i32): void {
  for (let i = 0; i < S; i++) {
    if (mask) for (let j = 0; j < T; j++) store<f32>(at(s, i * Tp + j), load<f32>(at(s, i * Tp + j)) + load<f32>(at(mask, i * T + j)));
    for (let j = T; j < Tp; j++) store<f32>(at(s, i * Tp + j), -Infinity);
  }
}

/**
 * Row i of s [S,Tp] ← exp(s_ij − shift) in place, shift the row's maximum, c expConstants'; returns the row's sum.
 * Four vectors an iteration (two for the last 8 columns when Tp is not a multiple of 16): exp4 is one long chain of
 * dependent operations, and several in flight keep the core busy (kernel forward at IHA P = 8: one vector an
 * iteration 201 ms of CPU, two 171, four 146, in one process, alternating, load 3–5). `exact` as exp4's (a constant
 * at each call: inlined, each call compiles to its own loop).
 */
// @ts-ignore: decorator
@inline function expRow(s: usize, i: i32, Tp: i32, shift: f32, c: usize, exact: bool): f32 {
  const k0 = v128.load32_splat(c), k1 = v128.load32_splat(c, 4), k2 = v128.load32_splat(c, 8);
  const k3 = v128.load32_splat(c, 12), k4 = v128.load32_splat(c, 16), k5 = v128.load32_splat(c, 20);
  const k6 = v128.load32_splat(c, 24), k7 = v128.load32_splat(c, 28), k8 = v128.load32_splat(c, 32);
  const k9 = v128.load32_splat(c, 36), k10 = v128.load32_splat(c, 40);
  const sv = f32x4.splat(shift);
  let sum = f32x4.splat(0);
  let j = 0;
  for (; j + 16 <= Tp; j += 16) {
    const p = at(s, i * Tp + j);
    const e = exp4(f32x4.sub(v128.load(p), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    const f = exp4(f32x4.sub(v128.load(p, 16), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    const g = exp4(f32x4.sub(v128.load(p, 32), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    const h = exp4(f32x4.sub(v128.load(p, 48), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    v128.store(p, e);
    v128.store(p, f, 16);
    v128.store(p, g, 32);
    v128.store(p, h, 48);
    sum = f32x4.add(f32x4.add(f32x4.add(f32x4.add(sum, e), f), g), h);
  }
  for (; j < Tp; j += 8) {
    const p = at(s, i * Tp + j);
    const e = exp4(f32x4.sub(v128.load(p), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    const f = exp4(f32x4.sub(v128.load(p, 16), sv), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, exact);
    v128.store(p, e);
    v128.store(p, f, 16);
    sum = f32x4.add(f32x4.add(sum, e), f);
  }
  return hsum(sum);
}

/** max_j of row i of s [S,Tp] (Tp a multiple of 8), on two running maxima (one would wait on pmax's latency). */
function rowMax(s: usize, i: i32, Tp: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let n = m;
  for (let j = 0; j < Tp; j += 8) {
    const p = at(s, i * Tp + j);
    m = f32x4.pmax(m, v128.load(p));
    n = f32x4.pmax(n, v128.load(p, 16));
  }
  m = f32x4.pmax(m, n);
  return max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
}

/**
 * Forward pass of one group (see the header). The weights are kept unnormalised, E = exp(s − rowmax) [S,Tp],
 * followed by r = 1/rowsum(E) [S] (A = r ⊙ E, z = r ⊙ (E v)): in w [S·Tp + S] when w is not 0 (for the
 * backward pass), else in the scratch. scratch: dp·Tp + S·Tp + S floats; consts: expConstants'.
 */
export function forward(
  S: i32, T: i32, dp: i32,
  q: usize, k: usize, v: usize, mask: usize,
  z: usize, w: usize, A: usize, scratch: usize, consts: usize,
): void {
  const Tp = (T + 7) & ~7;
  const kT = scratch;
  const s = w ? w : at(kT, dp * Tp);
  const r = at(s, S * Tp);
  transposeInto(k, T, dp, Tp, kT);
  productWide(q, kT, S, dp, Tp, s);
  maskScores(s, mask, S, T, Tp);
  if (mask || Tp != T) for (let i = 0; i < S; i++) store<f32>(at(r, i), 1 / expRow(s, i, Tp, rowMax(s, i, Tp), consts, true));
  else for (let i = 0; i < S; i++) store<f32>(at(r, i), 1 / expRow(s, i, Tp, rowMax(s, i, Tp), consts, false)); // no score is masked or padded
  productThin(s, v, S, T, Tp, dp, z);
  scaleRows(z, r, S, dp);
  if (A) {
    for (let i = 0; i < S; i++) {
      const ri = load<f32>(at(r, i));
      for (let j = 0; j < T; j++) store<f32>(at(A, i * T + j), load<f32>(at(s, i * Tp + j)) * ri);
    }
  }
}

/** Row i of x [S,dp] times r_i (r [S]), in place. */
function scaleRows(x: usize, r: usize, S: i32, dp: i32): void {
  for (let i = 0; i < S; i++) {
    const ri = v128.load32_splat(at(r, i));
    for (let c = 0; c < dp; c += 4) v128.store(at(x, i * dp + c), f32x4.mul(v128.load(at(x, i * dp + c)), ri));
  }
}

/**
 * Backward pass of one group (see the header), w the forward's E [S,Tp] and r [S]. With dz' = r ⊙ dz, the
 * rows scaled (A = r ⊙ E): dS = E ⊙ (dz' vᵀ − D'), D'_i = dz'_i · z_i, and dv = Eᵀ dz'.
 * scratch: dp·Tp + S·Tp + S·dp + S floats. dq, dk, dv are overwritten.
 */
export function backward(
  S: i32, T: i32, dp: i32,
  q: usize, k: usize, v: usize, z: usize, w: usize, dz: usize,
  dq: usize, dk: usize, dv: usize, scratch: usize,
): void {
  const Tp = (T + 7) & ~7;
  const vT = scratch;
  const dS = at(vT, dp * Tp);
  const dzr = at(dS, S * Tp);
  const D = at(dzr, S * dp);
  const r = at(w, S * Tp);
  transposeInto(v, T, dp, Tp, vT);
  for (let i = 0; i < S; i++) {
    const ri = v128.load32_splat(at(r, i));
    let Dv = f32x4.splat(0);
    for (let c = 0; c < dp; c += 4) {
      const x = f32x4.mul(v128.load(at(dz, i * dp + c)), ri);
      v128.store(at(dzr, i * dp + c), x);
      Dv = f32x4.add(Dv, f32x4.mul(x, v128.load(at(z, i * dp + c))));
    }
    store<f32>(at(D, i), hsum(Dv));
  }
  productWide(dzr, vT, S, dp, Tp, dS);
  for (let i = 0; i < S; i++) {
    // dS = E ⊙ (dz' vᵀ − D')
    const Dr = v128.load32_splat(at(D, i));
    for (let j = 0; j < Tp; j += 4) {
      const p = at(dS, i * Tp + j);
      v128.store(p, f32x4.mul(v128.load(at(w, i * Tp + j)), f32x4.sub(v128.load(p), Dr)));
    }
  }
  productThin(dS, k, S, T, Tp, dp, dq);
  productThinT(dS, q, S, T, Tp, dp, dk);
  productThinT(w, dzr, S, T, Tp, dp, dv);
}

// Operands arrive in the layout the layer made them in (fusedAttention.ts, RowLayout): channel c of row
// r = n·P + p of group g = b·H + h at element b·sb + h·sh + n·sn + p·sp + c·sc. gather copies them into
// the [G, R, dp] rows the passes above read (times scale, channels d … dp−1 zero); scatter writes rows back.

/** rows [B·H, N·P, dp] ← scale · x (the layout above). */
export function gather(
  x: usize, rows: usize, B: i32, H: i32, N: i32, P: i32, d: i32, dp: i32,
  sb: i32, sh: i32, sn: i32, sp: i32, sc: i32, scale: f32,
): void {
  if (d == dp && (d & 3) == 0 && (sc == 1 || (sp == 1 && (P & 3) == 0))) {
    gatherVectors(x, rows, B, H, N, P, d, sb, sh, sn, sp, sc, scale);
    return;
  }
  let o = rows;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) {
        for (let p = 0; p < P; p++, o += (<usize>dp) << 2) {
          const s = at(x, b * sb + h * sh + n * sn + p * sp);
          for (let c = 0; c < d; c++) store<f32>(at(o, c), load<f32>(at(s, c * sc)) * scale);
          for (let c = d; c < dp; c++) store<f32>(at(o, c), 0);
        }
      }
    }
  }
}

/** x (the layout above) ← scale · rows [B·H, N·P, dp]; the inverse of gather. */
export function scatter(
  rows: usize, x: usize, B: i32, H: i32, N: i32, P: i32, d: i32, dp: i32,
  sb: i32, sh: i32, sn: i32, sp: i32, sc: i32, scale: f32,
): void {
  if (d == dp && (d & 3) == 0 && (sc == 1 || (sp == 1 && (P & 3) == 0))) {
    scatterVectors(rows, x, B, H, N, P, d, sb, sh, sn, sp, sc, scale);
    return;
  }
  let o = rows;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) {
        for (let p = 0; p < P; p++, o += (<usize>dp) << 2) {
          const s = at(x, b * sb + h * sh + n * sn + p * sp);
          for (let c = 0; c < d; c++) store<f32>(at(s, c * sc), load<f32>(at(o, c)) * scale);
        }
      }
    }
  }
}

// The same two copies four floats at a time, for the layouts the layers make with d_head a multiple of 4 (no padding):
// channels contiguous (sc = 1: MHA's [B,N,H,d], the cores' [B,H,S,d]), or copies contiguous (sp = 1, P a multiple of 4:
// IHA's [B·N·d, H·P]), where a 4 × 4 block (4 channels of 4 copies) is transposed in registers. The same products with
// scale, equal bits.

/** The 4 × 4 transpose of the rows a, b, c, e, stored at out, out + step, out + 2·step, out + 3·step, times sv. */
// @ts-ignore: decorator
@inline function storeTransposed(a: v128, b: v128, c: v128, e: v128, sv: v128, out: usize, step: usize): void {
  const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
  const ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
  const ce0 = i32x4.shuffle(c, e, 0, 4, 1, 5);
  const ce1 = i32x4.shuffle(c, e, 2, 6, 3, 7);
  v128.store(out, f32x4.mul(i32x4.shuffle(ab0, ce0, 0, 1, 4, 5), sv));
  v128.store(out + step, f32x4.mul(i32x4.shuffle(ab0, ce0, 2, 3, 6, 7), sv));
  v128.store(out + 2 * step, f32x4.mul(i32x4.shuffle(ab1, ce1, 0, 1, 4, 5), sv));
  v128.store(out + 3 * step, f32x4.mul(i32x4.shuffle(ab1, ce1, 2, 3, 6, 7), sv));
}

function gatherVectors(x: usize, rows: usize, B: i32, H: i32, N: i32, P: i32, d: i32, sb: i32, sh: i32, sn: i32, sp: i32, sc: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  const row = (<usize>d) << 2;
  const chan = (<usize>sc) << 2;
  let o = rows;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) {
        const s = at(x, b * sb + h * sh + n * sn);
        if (sc == 1) {
          for (let p = 0; p < P; p++, o += row) {
            for (let c = 0; c < d; c += 4) v128.store(at(o, c), f32x4.mul(v128.load(at(s, p * sp + c)), sv));
          }
        } else {
          for (let p = 0; p < P; p += 4) {
            for (let c = 0; c < d; c += 4) {
              const q = at(s, p + c * sc); // channels c … c+3 of copies p … p+3
              storeTransposed(v128.load(q), v128.load(q + chan), v128.load(q + 2 * chan), v128.load(q + 3 * chan), sv, at(o, p * d + c), row);
            }
          }
          o += row * P;
        }
      }
    }
  }
}

function scatterVectors(rows: usize, x: usize, B: i32, H: i32, N: i32, P: i32, d: i32, sb: i32, sh: i32, sn: i32, sp: i32, sc: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  const row = (<usize>d) << 2;
  const chan = (<usize>sc) << 2;
  let o = rows;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) {
        const s = at(x, b * sb + h * sh + n * sn);
        if (sc == 1) {
          for (let p = 0; p < P; p++, o += row) {
            for (let c = 0; c < d; c += 4) v128.store(at(s, p * sp + c), f32x4.mul(v128.load(at(o, c)), sv));
          }
        } else {
          for (let p = 0; p < P; p += 4) {
            for (let c = 0; c < d; c += 4) {
              const q = at(o, p * d + c); // copies p … p+3, channels c … c+3
              storeTransposed(v128.load(q), v128.load(q + row), v128.load(q + 2 * row), v128.load(q + 3 * row), sv, at(s, p + c * sc), chan);
            }
          }
          o += row * P;
        }
      }
    }
  }
}

/** rows of a product's operands summed per block in productTN before the block's sums are added to out */
const TN_BLOCK: i32 = 256;

/**
 * out [K,N] = aᵀ · b for a [M,K] and b [M,N] row-major, K and N multiples of 4: the weight gradient of a
 * product with many rows (M) and a small weight (K × N), where XNNPACK would first repack b or a transpose
 * would be made. Each entry sums its M terms in blocks of TN_BLOCK rows, each block's sum added to out.
 */
export function productTN(a: usize, b: usize, M: i32, K: i32, N: i32, out: usize): void {
  const rowA = (<usize>K) << 2;
  const rowB = (<usize>N) << 2;
  memory.fill(out, 0, (<usize>(K * N)) << 2);
  for (let m0 = 0; m0 < M; m0 += TN_BLOCK) {
    const n = min(TN_BLOCK, M - m0);
    const a0 = at(a, m0 * K);
    const b0 = at(b, m0 * N);
    for (let k = 0; k < K; k += 4) {
      let c = 0;
      if ((N & 7) == 0) for (; c < N; c += 8) tile4x8(at(a0, k), 4, rowA, at(b0, c), rowB, n, at(out, k * N + c), rowB, true);
      for (; c < N; c += 4) tile4x4(at(a0, k), 4, rowA, at(b0, c), rowB, n, at(out, k * N + c), rowB, true);
    }
  }
}

/**
 * out [M,N] = a [M,K] · b [K,N] (+ bias [N] on every row, when bias is not 0) row-major, N a multiple of 4: a
 * product of the layers (projections, mixes, MLP) on the same register tiles as the attention's, four rows of
 * a against 8 (or 4) columns of b at a time; the bias is added to each finished sum, as a separate add would.
 */
export function productNN(a: usize, b: usize, M: i32, K: i32, N: i32, bias: usize, out: usize): void {
  const rowA = (<usize>K) << 2;
  const rowB = (<usize>N) << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    let j = 0;
    if ((N & 7) == 0) for (; j < N; j += 8) tile4x8(at(a, i * K), rowA, 4, at(b, j), rowB, K, at(out, i * N + j), rowB, false, bias ? at(bias, j) : 0);
    for (; j < N; j += 4) tile4x4(at(a, i * K), rowA, 4, at(b, j), rowB, K, at(out, i * N + j), rowB, false, bias ? at(bias, j) : 0);
  }
  for (; i < M; i++) for (let j = 0; j < N; j += 4) tile1x4(at(a, i * K), 4, at(b, j), rowB, K, at(out, i * N + j), bias ? at(bias, j) : 0);
}

/**
 * out [N] = Σ_m x[m, :] (⊙ y[m, :] when y is not 0) over the rows of x [M,N], summed in float64 (acc: N
 * doubles of scratch) and rounded once: bias and LayerNorm gradients, as hostSums.columnSums sums them.
 */
export function columnSums(x: usize, y: usize, M: i32, N: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, (<usize>N) << 3);
  const pairs = N & ~1;
  for (let m = 0; m < M; m++) {
    const row = m * N;
    for (let n = 0; n < pairs; n += 2) {
      let v = f64x2.promote_low_f32x4(v128.load64_zero(at(x, row + n)));
      if (y) v = f64x2.mul(v, f64x2.promote_low_f32x4(v128.load64_zero(at(y, row + n))));
      const p = acc + ((<usize>n) << 3);
      v128.store(p, f64x2.add(v128.load(p), v));
    }
    if (pairs < N) {
      const p = acc + ((<usize>pairs) << 3);
      const v = <f64>load<f32>(at(x, row + pairs)) * (y ? <f64>load<f32>(at(y, row + pairs)) : 1);
      store<f64>(p, load<f64>(p) + v);
    }
  }
  for (let n = 0; n < N; n++) store<f32>(at(out, n), <f32>load<f64>(acc + ((<usize>n) << 3)));
}

/**
 * IHA's per-key-token contributions of one sample (effective.ts): for head h, query token n, key token k,
 *   Y[h', p, :] = Σ_q Ā[h', n·P + p, k·P + q] Ṽ[h', k·P + q, :]      (each source head's pseudo-query p, key copies summed)
 *   out[h, n, k, :] = Σ_{h',p} R[h, h'·P + p] Y[h', p, :]             (the collapse)
 * A = Ā [H, NP, NP], V = Ṽ [H, NP, d], R [H, H·P], out [H, N, N, d], Y a scratch of H·P·d floats. H and P
 * multiples of 4, d of 4 (8: the wide tile). Both sums run in the order of TF.js's batched products.
 */
export function ihaContributions(A: usize, V: usize, R: usize, H: i32, N: i32, P: i32, d: i32, Y: usize, out: usize): void {
  const NP = N * P;
  const HP = H * P;
  const rowA = (<usize>NP) << 2;
  const rowV = (<usize>d) << 2;
  const rowR = (<usize>HP) << 2;
  const rowOut = (<usize>(N * N * d)) << 2; // from head h to h + 1
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < N; k++) {
      for (let g = 0; g < H; g++) {
        const v = at(V, (g * NP + k * P) * d);
        for (let p = 0; p < P; p += 4) {
          const a = at(A, (g * NP + n * P + p) * NP + k * P);
          const y = at(Y, (g * P + p) * d);
          let c = 0;
          if (d == 8) tile4x8(a, rowA, 4, v, rowV, P, y, rowV);
          else for (; c < d; c += 4) tile4x4(a, rowA, 4, at(v, c), rowV, P, at(y, c), rowV);
        }
      }
      for (let h = 0; h < H; h += 4) {
        const o = at(out, ((h * N + n) * N + k) * d);
        if (d == 8) tile4x8(at(R, h * HP), rowR, 4, Y, rowV, HP, o, rowOut);
        else for (let c = 0; c < d; c += 4) tile4x4(at(R, h * HP), rowR, 4, at(Y, c), rowV, HP, at(o, c), rowOut);
      }
    }
  }
}

/**
 * out [K,N] = aᵀ · b for a [M,K] and b [M,N] row-major, summed in float64 (acc: K·N doubles of scratch) in the
 * order of the rows and rounded once, a zero weight a[m,k] skipped: the weight gradient of a product with one
 * or two columns on a side (the one-hot bit embedding, the unembedding), as hostSums.thinProductTN sums it.
 */
export function thinProductTN(a: usize, b: usize, M: i32, K: i32, N: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, (<usize>(K * N)) << 3);
  const pairs = N & ~1;
  for (let m = 0; m < M; m++) {
    const bm = at(b, m * N);
    for (let k = 0; k < K; k++) {
      const w = <f64>load<f32>(at(a, m * K + k));
      if (w == 0) continue;
      const wv = f64x2.splat(w);
      const row = acc + ((<usize>(k * N)) << 3);
      for (let n = 0; n < pairs; n += 2) {
        const p = row + ((<usize>n) << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(wv, f64x2.promote_low_f32x4(v128.load64_zero(at(bm, n))))));
      }
      if (pairs < N) {
        const p = row + ((<usize>pairs) << 3);
        store<f64>(p, load<f64>(p) + w * <f64>load<f32>(at(bm, pairs)));
      }
    }
  }
  for (let i = 0; i < K * N; i++) store<f32>(at(out, i), <f32>load<f64>(acc + ((<usize>i) << 3)));
}

/**
 * One Adam update of n parameters x with gradient g and moments m, s (updated in place), trainLoop.makeOptimiser's
 * formula, each product, sum, quotient and square root a float32 operation (as there):
 *   m ← β1·m + (1−β1)·g,  s ← β2·s + (1−β2)·g²,  out = ((m / k1) / (√(s / k2) + ε)) · (−lr) + x
 * with c1 = 1 − β1, c2 = 1 − β2, k1 = 1 − β1ᵗ, k2 = 1 − β2ᵗ.
 */
export function adam(
  g: usize, x: usize, m: usize, s: usize, n: i32,
  b1: f32, b2: f32, c1: f32, c2: f32, k1: f32, k2: f32, eps: f32, minusLr: f32, out: usize,
): void {
  const B1 = f32x4.splat(b1), B2 = f32x4.splat(b2), C1 = f32x4.splat(c1), C2 = f32x4.splat(c2);
  const K1 = f32x4.splat(k1), K2 = f32x4.splat(k2), E = f32x4.splat(eps), L = f32x4.splat(minusLr);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const gv = v128.load(at(g, j));
    const mv = f32x4.add(f32x4.mul(v128.load(at(m, j)), B1), f32x4.mul(gv, C1));
    const sv = f32x4.add(f32x4.mul(v128.load(at(s, j)), B2), f32x4.mul(f32x4.mul(gv, gv), C2));
    v128.store(at(m, j), mv);
    v128.store(at(s, j), sv);
    const step = f32x4.div(f32x4.div(mv, K1), f32x4.add(f32x4.sqrt(f32x4.div(sv, K2)), E));
    v128.store(at(out, j), f32x4.add(f32x4.mul(step, L), v128.load(at(x, j))));
  }
  for (; j < n; j++) {
    const gj = load<f32>(at(g, j));
    const mj = load<f32>(at(m, j)) * b1 + gj * c1;
    const sj = load<f32>(at(s, j)) * b2 + gj * gj * c2;
    store<f32>(at(m, j), mj);
    store<f32>(at(s, j), sj);
    store<f32>(at(out, j), ((mj / k1) / (sqrt<f32>(sj / k2) + eps)) * minusLr + load<f32>(at(x, j)));
  }
}

// LayerNorm over rows of D floats (D a multiple of 4), model.ts's formula:
//   μ = Σ x / D,  c = x − μ,  s = √(Σ c² / D + ε),  x̂ = c / s,  y = x̂ ⊙ w + b
//   backward  g = dy ⊙ w,  dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / s   (dw, db: column sums, on the host)

/** Forward pass of M rows: y and x̂ [M,D], s [M]. */
export function layerNormForward(x: usize, w: usize, b: usize, M: i32, D: i32, eps: f32, y: usize, xhat: usize, sd: usize): void {
  const invD: f32 = 1 / <f32>D;
  for (let m = 0; m < M; m++) {
    const row = m * D;
    let acc = f32x4.splat(0);
    for (let c = 0; c < D; c += 4) acc = f32x4.add(acc, v128.load(at(x, row + c)));
    const mu = f32x4.splat(hsum(acc) / <f32>D);
    acc = f32x4.splat(0);
    for (let c = 0; c < D; c += 4) {
      const e = f32x4.sub(v128.load(at(x, row + c)), mu);
      acc = f32x4.add(acc, f32x4.mul(e, e));
    }
    const s = sqrt<f32>(hsum(acc) * invD + eps);
    store<f32>(at(sd, m), s);
    const sv = f32x4.splat(s);
    for (let c = 0; c < D; c += 4) {
      const h = f32x4.div(f32x4.sub(v128.load(at(x, row + c)), mu), sv);
      v128.store(at(xhat, row + c), h);
      v128.store(at(y, row + c), f32x4.add(f32x4.mul(h, v128.load(at(w, c))), v128.load(at(b, c))));
    }
  }
}

/** Backward pass of M rows: dx [M,D] from dy, x̂ [M,D], s [M] and w [D]. */
export function layerNormBackward(dy: usize, xhat: usize, sd: usize, w: usize, M: i32, D: i32, dx: usize): void {
  const invD: f32 = 1 / <f32>D;
  for (let m = 0; m < M; m++) {
    const row = m * D;
    let sg = f32x4.splat(0);
    let sgx = f32x4.splat(0);
    for (let c = 0; c < D; c += 4) {
      const g = f32x4.mul(v128.load(at(dy, row + c)), v128.load(at(w, c)));
      sg = f32x4.add(sg, g);
      sgx = f32x4.add(sgx, f32x4.mul(g, v128.load(at(xhat, row + c))));
    }
    const mg = f32x4.splat(hsum(sg) * invD);
    const mgx = f32x4.splat(hsum(sgx) * invD);
    const sv = f32x4.splat(load<f32>(at(sd, m)));
    for (let c = 0; c < D; c += 4) {
      const g = f32x4.mul(v128.load(at(dy, row + c)), v128.load(at(w, c)));
      const t = f32x4.sub(f32x4.sub(g, mg), f32x4.mul(v128.load(at(xhat, row + c)), mgx));
      v128.store(at(dx, row + c), f32x4.div(t, sv));
    }
  }
}
