// The MDN's whole training computation (forward pass, mixture NLL, gradient to every weight)
// as one WebAssembly SIMD function, written in AssemblyScript and compiled by
// scripts/build-wasm.mjs into src/generated/mdn-loss-wasm.ts.
//
// Four rows travel together, one per SIMD lane: every quantity of a row (an activation, a
// component's z, a gradient) is one v128 holding it for four rows, so the code reads like the
// per-row math and needs no horizontal sums except at the end. Float32 throughout, with the
// loss summed in float64; exp and log are Cephes' single-precision polynomials (within ~2 ulp)
// and tanh Eigen's rational approximation, all vectorized.
//
// Memory is laid out by the caller (src/wasm-mdn-loss.ts): inputs arrive transposed into
// groups of four rows, x as [groups, inputSize, 4] and y as [groups, outputSize, 4].

// ---- vectorized elementary functions ----

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/**
 * exp(x), lanewise: 0 below -87.3 (where exp leaves the float32 normal range; subnormal
 * arithmetic costs ~100x on x86), arguments above 88 clamped.
 */
@inline function vexp(x0: v128): v128 {
  const x1 = f32x4.max(f32x4.min(x0, splat(88.0)), splat(-87.3));
  // x = n ln2 + r, |r| <= ln2 / 2, with ln2 split in two for an exact n ln2.
  const n = f32x4.nearest(f32x4.mul(x1, splat(1.44269504088896341)));
  const r = f32x4.sub(f32x4.sub(x1, f32x4.mul(n, splat(0.693359375))), f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  const e = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1));
  // 2^n built in the exponent bits.
  const twoN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(e, twoN), f32x4.lt(x0, splat(-87.3)));
}

/**
 * v with entries below 1e-30 in magnitude set to 0 (NaN kept): gradient terms that small are
 * far below float32 resolution of any gradient sum, and products of them would be subnormal.
 */
@inline function flushTiny(v: v128): v128 {
  return v128.andnot(v, f32x4.lt(f32x4.abs(v), splat(1e-30)));
}

/** log(x) for x > 0 (normal floats), lanewise. */
@inline function vlog(x0: v128): v128 {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)); log x = e ln2 + log(m), log(1 + t) by a polynomial.
  const bits = f32x4.max(x0, splat(1.17549435e-38));
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  const m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(small, splat(1)));
  const t = f32x4.sub(f32x4.add(m, v128.and(small, m)), splat(1));
  const t2 = f32x4.mul(t, t);
  let p = splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, t), splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, t), splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, t), t2);
  y = f32x4.add(y, f32x4.mul(e, splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(t2, splat(0.5)));
  return f32x4.add(f32x4.add(t, y), f32x4.mul(e, splat(0.693359375)));
}

/** log(1 + x) for x >= 0, accurate where 1 + x rounds (log(u) x / (u - 1), u = 1 + x). */
@inline function vlog1p(x: v128): v128 {
  const u = f32x4.add(x, splat(1));
  const d = f32x4.sub(u, splat(1));
  const corrected = f32x4.div(f32x4.mul(vlog(u), x), d);
  return v128.bitselect(x, corrected, f32x4.eq(d, splat(0)));
}

/** tanh as Eigen's float rational approximation (x p(x^2) / q(x^2), clamped at +-7.9053). */
@inline function vtanh(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, splat(7.90531110763549805)), splat(-7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), splat(4.89352455891786e-3));
  let q = splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), splat(2.268434632439e-3));
  q = f32x4.add(f32x4.mul(q, x2), splat(4.89352518554385e-3));
  const t = f32x4.div(f32x4.mul(x, p), q);
  return v128.bitselect(x0, t, f32x4.lt(f32x4.abs(x0), splat(0.0004)));
}

const TANH: i32 = 0;
const RELU: i32 = 1;

@inline function activate(activation: i32, v: v128): v128 {
  if (activation == TANH) return vtanh(v);
  if (activation == RELU) return f32x4.max(v, splat(0));
  return f32x4.div(splat(1), f32x4.add(splat(1), vexp(f32x4.neg(v))));
}

/** d loss / d pre-activation from d loss / d activation `back` and the activation `a`. */
@inline function activationGrad(activation: i32, back: v128, a: v128): v128 {
  if (activation == TANH) return f32x4.mul(back, f32x4.sub(splat(1), f32x4.mul(a, a)));
  if (activation == RELU) return v128.and(back, f32x4.gt(a, splat(0)));
  return f32x4.mul(back, f32x4.mul(a, f32x4.sub(splat(1), a)));
}

@inline function lanesSum(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    <f64>f32x4.extract_lane(v, 2) +
    <f64>f32x4.extract_lane(v, 3)
  );
}

// ---- layout ----

/** First 16-byte aligned address free for the caller's buffers. */
export function workBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

@inline function widthsSum(sizes: usize, from: i32, to: i32): i32 {
  let total = 0;
  for (let l = from; l <= to; l++) total += load<i32>(sizes + (<usize>l << 2));
  return total;
}

@inline function numParams(sizes: usize, numLayers: i32): i32 {
  let total = 0;
  for (let l = 0; l < numLayers; l++) {
    const nIn = load<i32>(sizes + (<usize>l << 2));
    const nOut = load<i32>(sizes + (<usize>(l + 1) << 2));
    total += nIn * nOut + nOut;
  }
  return total;
}

/**
 * Bytes of scratch `mdnLoss` needs: a four-lane gradient accumulator per weight, the four rows'
 * activations and deltas of every layer, and per component (and dimension) the mixture's
 * intermediate values.
 */
export function workBytes(sizes: usize, numLayers: i32, numComponents: i32, outputSize: i32): i32 {
  const vectors =
    numParams(sizes, numLayers) +
    widthsSum(sizes, 0, numLayers) +
    widthsSum(sizes, 1, numLayers) +
    4 * numComponents * outputSize +
    2 * numComponents;
  return vectors << 4;
}

// ---- the loss ----

/**
 * Mean over `rows` rows of -log sum_k pi_k N(y; mu_k, diag sigma_k^2) of the network's head
 * (K logits, K*D locations, K*D raw scales; log pi = logSoftmax(logits), sigma = softplus(raw) +
 * minScale), in log space:
 *   c_k = log pi_k - sum_d (z_kd^2 / 2 + log sigma_kd) - D log(2 pi) / 2,  loss = -logSumExp_k c_k,
 * and, when `grad` is not 0, d loss / d params into grad (float32[numParams]):
 *   d/dlogit_k = w_k - r_k,  d/dmu_kd = -r_k z_kd / sigma_kd,
 *   d/draw_kd = r_k (1 - z_kd^2) / sigma_kd sigmoid(raw_kd),
 * (r = softmax(c), w = softmax(logits)), back-propagated through the dense layers.
 * `sizes`: int32[numLayers + 1] layer widths; params: float32, per layer W [in, out] then b;
 * x, y: the rows in groups of four (rows beyond `rows` in the last group are ignored);
 * activation: 0 tanh, 1 relu, 2 sigmoid; work: workBytes(...) of 16-byte aligned scratch.
 */
export function mdnLoss(
  sizes: usize,
  numLayers: i32,
  numComponents: i32,
  outputSize: i32,
  activation: i32,
  minScale: f32,
  params: usize,
  x: usize,
  y: usize,
  rows: i32,
  grad: usize,
  work: usize,
): f64 {
  const K = numComponents;
  const D = outputSize;
  const KD = K * D;
  const L = numLayers;
  const P = numParams(sizes, L);
  const withGrad = grad != 0;

  // Scratch: gradient accumulators, activations per layer, deltas per layer, mixture values.
  const gacc = work;
  let cursor = gacc + (<usize>P << 4);
  const actsAt = cursor; // acts[l] starts at actsAt + 16 * sum_{m < l} sizes[m]
  cursor += <usize>widthsSum(sizes, 0, L) << 4;
  const deltasAt = cursor; // deltas[l] (l = 0..L-1, width sizes[l + 1])
  cursor += <usize>widthsSum(sizes, 1, L) << 4;
  const invSigma = cursor;
  const zs = invSigma + (<usize>KD << 4);
  const sigm = zs + (<usize>KD << 4);
  const wexp = sigm + (<usize>KD << 4);
  const cexp = wexp + (<usize>K << 4);
  const sigmas = cexp + (<usize>K << 4);
  if (withGrad) memory.fill(gacc, 0, <usize>P << 4);

  const I0 = load<i32>(sizes);
  const head = actsAt + (<usize>widthsSum(sizes, 0, L - 1) << 4);
  const dHead = deltasAt + (<usize>widthsSum(sizes, 1, L - 1) << 4);
  const groups = (rows + 3) >> 2;
  const invRows = <f32>(1.0 / <f64>rows);
  const halfLog2PiD = splat(<f32>(0.5 * Math.log(2 * Math.PI) * <f64>D));
  const floor = splat(minScale);
  let total: f64 = 0;

  for (let g = 0; g < groups; g++) {
    // Lanes past the last row carry a copy of a real row; the mask drops them.
    const valid = rows - (g << 2);
    let mask = splat(1);
    if (valid < 4) {
      mask = f32x4.replace_lane(mask, 3, 0);
      if (valid < 3) mask = f32x4.replace_lane(mask, 2, 0);
      if (valid < 2) mask = f32x4.replace_lane(mask, 1, 0);
    }
    memory.copy(actsAt, x + (<usize>(g * I0) << 4), <usize>I0 << 4);

    // Dense layers: out = in W + b, activation on the hidden ones.
    let wOff = 0;
    let src = actsAt;
    for (let l = 0; l < L; l++) {
      const nIn = load<i32>(sizes + (<usize>l << 2));
      const nOut = load<i32>(sizes + (<usize>(l + 1) << 2));
      const dst = src + (<usize>nIn << 4);
      const wPtr = params + (<usize>wOff << 2);
      const bPtr = wPtr + (<usize>(nIn * nOut) << 2);
      const hidden = l < L - 1;
      let o = 0;
      // Four outputs per pass: independent accumulators, one input load for four weights.
      for (; o + 4 <= nOut; o += 4) {
        let c0 = v128.load32_splat(bPtr + (<usize>o << 2));
        let c1 = v128.load32_splat(bPtr + (<usize>(o + 1) << 2));
        let c2 = v128.load32_splat(bPtr + (<usize>(o + 2) << 2));
        let c3 = v128.load32_splat(bPtr + (<usize>(o + 3) << 2));
        for (let i = 0; i < nIn; i++) {
          const a = v128.load(src + (<usize>i << 4));
          const wRow = wPtr + (<usize>(i * nOut + o) << 2);
          c0 = f32x4.add(c0, f32x4.mul(a, v128.load32_splat(wRow)));
          c1 = f32x4.add(c1, f32x4.mul(a, v128.load32_splat(wRow + 4)));
          c2 = f32x4.add(c2, f32x4.mul(a, v128.load32_splat(wRow + 8)));
          c3 = f32x4.add(c3, f32x4.mul(a, v128.load32_splat(wRow + 12)));
        }
        if (hidden) {
          c0 = activate(activation, c0);
          c1 = activate(activation, c1);
          c2 = activate(activation, c2);
          c3 = activate(activation, c3);
        }
        v128.store(dst + (<usize>o << 4), c0);
        v128.store(dst + (<usize>(o + 1) << 4), c1);
        v128.store(dst + (<usize>(o + 2) << 4), c2);
        v128.store(dst + (<usize>(o + 3) << 4), c3);
      }
      for (; o < nOut; o++) {
        let c = v128.load32_splat(bPtr + (<usize>o << 2));
        for (let i = 0; i < nIn; i++) {
          c = f32x4.add(c, f32x4.mul(v128.load(src + (<usize>i << 4)), v128.load32_splat(wPtr + (<usize>(i * nOut + o) << 2))));
        }
        v128.store(dst + (<usize>o << 4), hidden ? activate(activation, c) : c);
      }
      wOff += nIn * nOut + nOut;
      src = dst;
    }

    // Mixture NLL of the four rows.
    let maxLogit = v128.load(head);
    for (let k = 1; k < K; k++) maxLogit = f32x4.max(maxLogit, v128.load(head + (<usize>k << 4)));
    let sumW = splat(0);
    for (let k = 0; k < K; k++) {
      const e = vexp(f32x4.sub(v128.load(head + (<usize>k << 4)), maxLogit));
      v128.store(wexp + (<usize>k << 4), e);
      sumW = f32x4.add(sumW, e);
    }
    // In passes over all components (short independent iterations overlap in the CPU where
    // one long chain of exp, log1p and log per component would not).
    for (let j = 0; j < KD; j++) {
      const raw = v128.load(head + (<usize>(K + KD + j) << 4));
      v128.store(sigm + (<usize>j << 4), vexp(f32x4.neg(f32x4.abs(raw))));
    }
    for (let k = 0; k < K; k++) {
      for (let d = 0; d < D; d++) {
        const j = k * D + d;
        const raw = v128.load(head + (<usize>(K + KD + j) << 4));
        const mu = v128.load(head + (<usize>(K + j) << 4));
        const target = v128.load(y + (<usize>(g * D + d) << 4));
        // softplus(raw) = max(raw, 0) + log1p(exp(-|raw|)); the same exp gives sigmoid(raw).
        const e = v128.load(sigm + (<usize>j << 4));
        const onePlusE = f32x4.add(splat(1), e);
        const sigma = f32x4.add(f32x4.add(f32x4.max(raw, splat(0)), vlog1p(e)), floor);
        const inv = f32x4.div(splat(1), sigma);
        v128.store(invSigma + (<usize>j << 4), inv);
        v128.store(zs + (<usize>j << 4), f32x4.mul(f32x4.sub(target, mu), inv));
        v128.store(sigm + (<usize>j << 4), f32x4.div(v128.bitselect(splat(1), e, f32x4.ge(raw, splat(0))), onePlusE));
        v128.store(sigmas + (<usize>j << 4), sigma);
      }
    }
    let maxC = splat(-Infinity);
    for (let k = 0; k < K; k++) {
      let q = splat(0);
      for (let d = 0; d < D; d++) {
        const j = k * D + d;
        const z = v128.load(zs + (<usize>j << 4));
        q = f32x4.add(q, f32x4.add(f32x4.mul(f32x4.mul(z, z), splat(0.5)), vlog(v128.load(sigmas + (<usize>j << 4)))));
      }
      const c = f32x4.sub(v128.load(head + (<usize>k << 4)), q);
      v128.store(cexp + (<usize>k << 4), c);
      maxC = f32x4.max(maxC, c);
    }
    let sumC = splat(0);
    for (let k = 0; k < K; k++) {
      const e = vexp(f32x4.sub(v128.load(cexp + (<usize>k << 4)), maxC));
      v128.store(cexp + (<usize>k << 4), e);
      sumC = f32x4.add(sumC, e);
    }
    // loss = logSumExp(logits) - logSumExp(c) + D log(2 pi) / 2.
    const loss = f32x4.add(
      f32x4.sub(f32x4.add(maxLogit, vlog(sumW)), f32x4.add(maxC, vlog(sumC))),
      halfLog2PiD,
    );
    total += lanesSum(f32x4.mul(loss, mask));
    if (!withGrad) continue;

    // d mean-loss / d head of the four rows.
    const scale = f32x4.mul(mask, splat(invRows));
    const rScale = f32x4.div(scale, sumC);
    const wScale = f32x4.div(scale, sumW);
    for (let k = 0; k < K; k++) {
      const resp = f32x4.mul(v128.load(cexp + (<usize>k << 4)), rScale);
      v128.store(dHead + (<usize>k << 4), flushTiny(f32x4.sub(f32x4.mul(v128.load(wexp + (<usize>k << 4)), wScale), resp)));
      for (let d = 0; d < D; d++) {
        const j = k * D + d;
        const z = v128.load(zs + (<usize>j << 4));
        const rInv = f32x4.mul(resp, v128.load(invSigma + (<usize>j << 4)));
        v128.store(dHead + (<usize>(K + j) << 4), flushTiny(f32x4.neg(f32x4.mul(rInv, z))));
        const dRaw = f32x4.mul(f32x4.mul(rInv, f32x4.sub(splat(1), f32x4.mul(z, z))), v128.load(sigm + (<usize>j << 4)));
        v128.store(dHead + (<usize>(K + KD + j) << 4), flushTiny(dRaw));
      }
    }

    // Backward through the dense layers: dW += in^T delta, db += delta, dIn = delta W^T.
    let wEnd = P;
    let deltaPtr = dHead;
    let actPtr = head;
    for (let l = L - 1; l >= 0; l--) {
      const nIn = load<i32>(sizes + (<usize>l << 2));
      const nOut = load<i32>(sizes + (<usize>(l + 1) << 2));
      const wStart = wEnd - nIn * nOut - nOut;
      const inPtr = actPtr - (<usize>nIn << 4);
      const below = deltaPtr - (<usize>nIn << 4);
      const wPtr = params + (<usize>wStart << 2);
      const gW = gacc + (<usize>wStart << 4);
      const gB = gW + (<usize>(nIn * nOut) << 4);
      for (let o = 0; o < nOut; o++) {
        const at = gB + (<usize>o << 4);
        v128.store(at, f32x4.add(v128.load(at), v128.load(deltaPtr + (<usize>o << 4))));
      }
      const needBelow = l > 0;
      for (let i = 0; i < nIn; i++) {
        const a = v128.load(inPtr + (<usize>i << 4));
        const gRow = gW + (<usize>(i * nOut) << 4);
        if (needBelow) {
          const wRow = wPtr + (<usize>(i * nOut) << 2);
          let back0 = splat(0);
          let back1 = splat(0);
          let o = 0;
          for (; o + 2 <= nOut; o += 2) {
            const d0 = v128.load(deltaPtr + (<usize>o << 4));
            const d1 = v128.load(deltaPtr + (<usize>(o + 1) << 4));
            const g0 = gRow + (<usize>o << 4);
            v128.store(g0, f32x4.add(v128.load(g0), f32x4.mul(a, d0)));
            v128.store(g0 + 16, f32x4.add(v128.load(g0 + 16), f32x4.mul(a, d1)));
            back0 = f32x4.add(back0, f32x4.mul(d0, v128.load32_splat(wRow + (<usize>o << 2))));
            back1 = f32x4.add(back1, f32x4.mul(d1, v128.load32_splat(wRow + (<usize>(o + 1) << 2))));
          }
          for (; o < nOut; o++) {
            const d0 = v128.load(deltaPtr + (<usize>o << 4));
            const g0 = gRow + (<usize>o << 4);
            v128.store(g0, f32x4.add(v128.load(g0), f32x4.mul(a, d0)));
            back0 = f32x4.add(back0, f32x4.mul(d0, v128.load32_splat(wRow + (<usize>o << 2))));
          }
          v128.store(below + (<usize>i << 4), flushTiny(activationGrad(activation, f32x4.add(back0, back1), a)));
        } else {
          for (let o = 0; o < nOut; o++) {
            const g0 = gRow + (<usize>o << 4);
            v128.store(g0, f32x4.add(v128.load(g0), f32x4.mul(a, v128.load(deltaPtr + (<usize>o << 4)))));
          }
        }
      }
      wEnd = wStart;
      deltaPtr = below;
      actPtr = inPtr;
    }
  }

  if (withGrad) {
    for (let p = 0; p < P; p++) store<f32>(grad + (<usize>p << 2), <f32>lanesSum(v128.load(gacc + (<usize>p << 4))));
  }
  return total / <f64>rows;
}
