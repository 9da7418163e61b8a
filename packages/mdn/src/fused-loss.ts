// Forward pass, mixture negative log-likelihood and its exact gradient for the whole MDN in
// one plain-JS loop nest, in float64: the fused kernel's implementation where its WebAssembly
// SIMD module (wasm-mdn-loss.ts) cannot be compiled (an engine without wasm SIMD, a page whose
// Content-Security-Policy forbids WebAssembly). At the tutorial's size (1000 rows, 375
// weights) it is still far cheaper than the ~60 tfjs kernel launches (each ~20 us on wasm)
// that the composed-ops version needs for forward + backward.
import { layerOffsets, numParams, type MdnLayout } from './layout.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * tanh as Eigen's rational minimax approximation (x p(x^2) / q(x^2), degrees 13/6, clamped at
 * |x| = 7.9053 where float32 tanh is +-1): within a few float32 ulps, and about 5x faster in
 * V8 than Math.tanh or an exp-based formula, which would dominate the hidden layer's cost.
 */
export function fastTanh(v: number): number {
  if (v > 7.90531110763549805) return 1;
  if (v < -7.90531110763549805) return -1;
  if (Math.abs(v) < 0.0004) return v;
  const x2 = v * v;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (v * p) / q;
}

/** Per-row buffers and weight copies, reused across calls with the same layout. */
interface Scratch {
  key: string;
  layers: { w: number; b: number; in: number; out: number }[];
  params: Float64Array;
  grad: Float64Array;
  /** acts[0] = one input row, acts[l] = hidden layer l of that row, last = its head outputs. */
  acts: Float64Array[];
  /** Transposed weight matrices [out, in] of each layer. */
  wt: Float64Array[];
  /** d loss / d (pre-activation) of each layer for the current row, widths of acts[1..]. */
  deltas: Float64Array[];
  /** The same for the second row of a pair. */
  actsB: Float64Array[];
  deltasB: Float64Array[];
  /** Per component and dimension of the current row: z, 1 / sigma, sigmoid(raw scale). */
  z: Float64Array;
  scale: Float64Array;
  sigm: Float64Array;
  /** Per component: log-joint, then its exp; and exp(logit - max logit). */
  comp: Float64Array;
  weights: Float64Array;
  /** Per component: prod_d 1 / sigma_kd. */
  prodInv: Float64Array;
}

let scratch: Scratch | undefined;

function getScratch(layout: MdnLayout): Scratch {
  const key = `${layout.sizes.join(',')}|${layout.numComponents}|${layout.outputSize}`;
  if (scratch?.key === key) return scratch;
  const P = numParams(layout.sizes);
  const KD = layout.numComponents * layout.outputSize;
  scratch = {
    key,
    layers: layerOffsets(layout.sizes),
    params: new Float64Array(P),
    grad: new Float64Array(P),
    acts: layout.sizes.map((s) => new Float64Array(s)),
    wt: layout.sizes.slice(1).map((s, l) => new Float64Array(s * layout.sizes[l]!)),
    deltas: layout.sizes.slice(1).map((s) => new Float64Array(s)),
    actsB: layout.sizes.map((s) => new Float64Array(s)),
    deltasB: layout.sizes.slice(1).map((s) => new Float64Array(s)),
    z: new Float64Array(KD),
    scale: new Float64Array(KD),
    sigm: new Float64Array(KD),
    comp: new Float64Array(layout.numComponents),
    weights: new Float64Array(layout.numComponents),
    prodInv: new Float64Array(layout.numComponents),
  };
  return scratch;
}

/** d loss / d pre-activation from d loss / d activation `back` and the activation value `a`. */
function activationGrad(activation: MdnLayout['activation'], back: number, a: number): number {
  return activation === 'tanh' ? back * (1 - a * a) : activation === 'relu' ? (a > 0 ? back : 0) : back * a * (1 - a);
}

export interface FusedInputs {
  params: ArrayLike<number>;
  /** Row-major [numRowsInX, inputSize]. */
  x: ArrayLike<number>;
  /** Row-major [numRowsInX, outputSize]. */
  y: ArrayLike<number>;
  /** Rows to use (a minibatch); null: all `rows` rows in order. */
  indices: ArrayLike<number> | null;
  rows: number;
}

type Layer = { w: number; b: number; in: number; out: number };

function activate(activation: MdnLayout['activation'], dst: Float64Array, n: number): void {
  if (activation === 'tanh') {
    for (let j = 0; j < n; j++) dst[j] = fastTanh(dst[j]!);
  } else if (activation === 'relu') {
    for (let j = 0; j < n; j++) if (dst[j]! < 0) dst[j] = 0;
  } else {
    for (let j = 0; j < n; j++) dst[j] = 1 / (1 + Math.exp(-dst[j]!));
  }
}

/**
 * dst = src @ W + b for two rows at once (A and B): each weight load feeds both rows, and
 * eight independent accumulators (four outputs x two rows) hide the add latency.
 */
function densePair(layer: Layer, p: Float64Array, wt: Float64Array, srcA: Float64Array, srcB: Float64Array, dstA: Float64Array, dstB: Float64Array): void {
  const { b, in: nIn, out: nOut } = layer;
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    let a0 = p[b + o]!;
    let a1 = p[b + o + 1]!;
    let a2 = p[b + o + 2]!;
    let a3 = p[b + o + 3]!;
    let b0 = a0;
    let b1 = a1;
    let b2 = a2;
    let b3 = a3;
    const t0 = o * nIn;
    const t1 = t0 + nIn;
    const t2 = t1 + nIn;
    const t3 = t2 + nIn;
    for (let i = 0; i < nIn; i++) {
      const xa = srcA[i]!;
      const xb = srcB[i]!;
      const w0 = wt[t0 + i]!;
      const w1 = wt[t1 + i]!;
      const w2 = wt[t2 + i]!;
      const w3 = wt[t3 + i]!;
      a0 += xa * w0;
      a1 += xa * w1;
      a2 += xa * w2;
      a3 += xa * w3;
      b0 += xb * w0;
      b1 += xb * w1;
      b2 += xb * w2;
      b3 += xb * w3;
    }
    dstA[o] = a0;
    dstA[o + 1] = a1;
    dstA[o + 2] = a2;
    dstA[o + 3] = a3;
    dstB[o] = b0;
    dstB[o + 1] = b1;
    dstB[o + 2] = b2;
    dstB[o + 3] = b3;
  }
  for (; o < nOut; o++) {
    let a = p[b + o]!;
    let c = a;
    const t0 = o * nIn;
    for (let i = 0; i < nIn; i++) {
      const wv = wt[t0 + i]!;
      a += srcA[i]! * wv;
      c += srcB[i]! * wv;
    }
    dstA[o] = a;
    dstB[o] = c;
  }
}

/**
 * Backward through one dense layer for two rows: g_W += srcA^T deltaA + srcB^T deltaB,
 * g_b += deltaA + deltaB, and (when `belowA`) the deltas of the layer below through its
 * activation. Two inputs x two rows per pass: each gradient entry is loaded and stored once
 * per pair of rows.
 */
function backwardPair(
  layer: Layer,
  activation: MdnLayout['activation'],
  p: Float64Array,
  g: Float64Array,
  srcA: Float64Array,
  srcB: Float64Array,
  deltaA: Float64Array,
  deltaB: Float64Array,
  belowA: Float64Array | null,
  belowB: Float64Array | null,
): void {
  const { w, b, in: nIn, out: nOut } = layer;
  for (let o = 0; o < nOut; o++) g[b + o] = g[b + o]! + deltaA[o]! + deltaB[o]!;
  let i = 0;
  for (; i + 2 <= nIn; i += 2) {
    const xa0 = srcA[i]!;
    const xa1 = srcA[i + 1]!;
    const xb0 = srcB[i]!;
    const xb1 = srcB[i + 1]!;
    const w0 = w + i * nOut;
    const w1 = w0 + nOut;
    let ba0 = 0;
    let ba1 = 0;
    let bb0 = 0;
    let bb1 = 0;
    for (let o = 0; o < nOut; o++) {
      const da = deltaA[o]!;
      const db = deltaB[o]!;
      const p0 = p[w0 + o]!;
      const p1 = p[w1 + o]!;
      g[w0 + o] = g[w0 + o]! + xa0 * da + xb0 * db;
      g[w1 + o] = g[w1 + o]! + xa1 * da + xb1 * db;
      ba0 += da * p0;
      ba1 += da * p1;
      bb0 += db * p0;
      bb1 += db * p1;
    }
    if (belowA && belowB) {
      belowA[i] = activationGrad(activation, ba0, xa0);
      belowA[i + 1] = activationGrad(activation, ba1, xa1);
      belowB[i] = activationGrad(activation, bb0, xb0);
      belowB[i + 1] = activationGrad(activation, bb1, xb1);
    }
  }
  for (; i < nIn; i++) {
    const xa = srcA[i]!;
    const xb = srcB[i]!;
    const wRow = w + i * nOut;
    let ba = 0;
    let bb = 0;
    for (let o = 0; o < nOut; o++) {
      const da = deltaA[o]!;
      const db = deltaB[o]!;
      const pv = p[wRow + o]!;
      g[wRow + o] = g[wRow + o]! + xa * da + xb * db;
      ba += da * pv;
      bb += db * pv;
    }
    if (belowA && belowB) {
      belowA[i] = activationGrad(activation, ba, xa);
      belowB[i] = activationGrad(activation, bb, xb);
    }
  }
}

/**
 * The mixture NLL of one row from its head outputs (logits, locations, raw scales); with
 * `withGrad`, writes d loss / d head (already divided by the number of rows) into `dHead`.
 */
function mixtureRow(
  s: Scratch,
  layout: MdnLayout,
  head: Float64Array,
  dHead: Float64Array,
  yv: ArrayLike<number>,
  y0: number,
  invRows: number,
  withGrad: boolean,
): number {
  const { numComponents: K, outputSize: D, minScale } = layout;
  const KD = K * D;
  const zA = s.z;
  const scA = s.scale;
  const sgA = s.sigm;
  const comp = s.comp;
  const wA = s.weights;
  let maxLogit = -Infinity;
  for (let k = 0; k < K; k++) if (head[k]! > maxLogit) maxLogit = head[k]!;
  let sumW = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(head[k]! - maxLogit);
    wA[k] = e;
    sumW += e;
  }
  // c_k = logit_k + q_k - sum_d log sigma_kd - D log(2 pi) / 2 with q_k = -sum_d z_kd^2 / 2.
  // With u_k = w_k exp(q_k - maxQ) prod_d (1 / sigma_kd) (w = exp(logit - maxLogit)), the row's
  // loss logSumExp(logits) - logSumExp(c) is log(sumW / sumU) - maxQ + D log(2 pi) / 2 and the
  // responsibilities are u_k / sumU: one exp per component and one log per row, no log sigma.
  // Where the sum could leave float64's range, the log-space form (logSpaceRow) takes over.
  const prodInv = s.prodInv;
  let maxQ = -Infinity;
  for (let k = 0; k < K; k++) {
    let q = 0;
    let prod = 1;
    for (let d = 0; d < D; d++) {
      const j = k * D + d;
      const raw = head[K + KD + j]!;
      // softplus(raw) = max(raw, 0) + log1p(exp(-|raw|)); the same exp gives sigmoid(raw).
      const e = Math.exp(-Math.abs(raw));
      const inv = 1 / ((raw > 0 ? raw : 0) + Math.log1p(e) + minScale);
      const z = (yv[y0 + d]! - head[K + j]!) * inv;
      zA[j] = z;
      scA[j] = inv;
      const onePlusE = 1 / (1 + e);
      sgA[j] = raw >= 0 ? onePlusE : e * onePlusE;
      q -= 0.5 * z * z;
      prod *= inv;
    }
    comp[k] = q;
    prodInv[k] = prod;
    if (q > maxQ) maxQ = q;
  }
  let sumU = 0;
  for (let k = 0; k < K; k++) {
    const u = wA[k]! * prodInv[k]! * Math.exp(comp[k]! - maxQ);
    comp[k] = u;
    sumU += u;
  }
  let loss: number;
  let sumR = sumU;
  if (sumU > 1e-280 && sumU < 1e280) {
    loss = Math.log(sumW / sumU) - maxQ + D * HALF_LOG_2PI;
  } else {
    loss = logSpaceRow(s, layout, head, maxLogit, sumW);
    sumR = 1;
  }
  if (!withGrad) return loss;
  const invR = invRows / sumR;
  const invW = invRows / sumW;
  for (let k = 0; k < K; k++) {
    // Responsibilities and mixture weights (already / rows).
    const resp = comp[k]! * invR;
    dHead[k] = wA[k]! * invW - resp;
    for (let d = 0; d < D; d++) {
      const j = k * D + d;
      const z = zA[j]!;
      const rInv = resp * scA[j]!; // resp / sigma
      dHead[K + j] = -rInv * z;
      dHead[K + KD + j] = rInv * (1 - z * z) * sgA[j]!;
    }
  }
  return loss;
}

/**
 * The row's loss in log space from the z and 1 / sigma that `mixtureRow` stored (for rows whose
 * scale products or weights leave float64's range); leaves the responsibilities in `s.comp`
 * (summing to 1).
 */
function logSpaceRow(s: Scratch, layout: MdnLayout, head: Float64Array, maxLogit: number, sumW: number): number {
  const { numComponents: K, outputSize: D } = layout;
  const comp = s.comp;
  let maxComp = -Infinity;
  for (let k = 0; k < K; k++) {
    let c = head[k]!;
    for (let d = 0; d < D; d++) {
      const j = k * D + d;
      const z = s.z[j]!;
      c -= 0.5 * z * z - Math.log(s.scale[j]!) + HALF_LOG_2PI;
    }
    comp[k] = c;
    if (c > maxComp) maxComp = c;
  }
  let sumR = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(comp[k]! - maxComp);
    comp[k] = e;
    sumR += e;
  }
  for (let k = 0; k < K; k++) comp[k] = comp[k]! / sumR;
  return maxLogit - maxComp + Math.log(sumW / sumR);
}

/**
 * Mean over the selected rows of  -log sum_k pi_k(x) N(y; mu_k(x), diag sigma_k(x)^2), with
 * log pi = logSoftmax(logits) and sigma = softplus(raw) + minScale, computed stably:
 *   c_k = log pi_k + sum_d [-z_kd^2 / 2 - log sigma_kd - log(2 pi) / 2],  z = (y - mu) / sigma
 *   loss_n = -logSumExp_k c_k.
 * With `grad` (length numParams), also writes d mean-loss / d params. With the
 * responsibilities r_k = softmax_k(c) and weights w = softmax(logits), per row (then / N):
 *   d/dlogit_k = w_k - r_k,  d/dmu_kd = -r_k z_kd / sigma_kd,
 *   d/draw_kd = r_k (1 - z_kd^2) / sigma_kd * sigmoid(raw_kd),
 * back-propagated through the dense layers (tanh' = 1 - a^2, sigmoid' = a (1 - a),
 * relu' = [a > 0], all from the activation a).
 * Everything is float64 inside; returns the loss.
 */
export function fusedMdnLoss(layout: MdnLayout, inp: FusedInputs, grad: Float32Array | Float64Array | null): number {
  const { sizes, outputSize: D, activation } = layout;
  const rows = inp.rows;
  const s = getScratch(layout);
  const layers = s.layers;
  const L = layers.length;
  const p = s.params;
  const P = p.length;
  for (let i = 0; i < P; i++) p[i] = inp.params[i]!;
  // Transposed copies of W, so each forward output is a dot product over contiguous memory.
  for (let l = 0; l < L; l++) {
    const { w, in: nIn, out: nOut } = layers[l]!;
    const wt = s.wt[l]!;
    for (let i = 0; i < nIn; i++) for (let o = 0; o < nOut; o++) wt[o * nIn + i] = p[w + i * nOut + o]!;
  }
  const g = s.grad;
  if (grad) g.fill(0);

  const I0 = sizes[0]!;
  const a0 = s.acts[0]!;
  const head = s.acts[L]!;
  const dHead = s.deltas[L - 1]!;
  const xv = inp.x;
  const yv = inp.y;
  const idx = inp.indices;
  const invRows = 1 / rows;
  let total = 0;

  // Rows go two at a time through forward, loss and backward (every weight and gradient
  // load serves both), an odd last row alone; every intermediate stays in a few small
  // buffers (L1-resident) instead of [rows, width] arrays.
  const withGrad = grad !== null;
  const a0B = s.actsB[0]!;
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const rowA = idx ? idx[r]! : r;
    const rowB = idx ? idx[r + 1]! : r + 1;
    for (let i = 0; i < I0; i++) {
      a0[i] = xv[rowA * I0 + i]!;
      a0B[i] = xv[rowB * I0 + i]!;
    }
    for (let l = 0; l < L; l++) {
      const dstA = s.acts[l + 1]!;
      const dstB = s.actsB[l + 1]!;
      densePair(layers[l]!, p, s.wt[l]!, s.acts[l]!, s.actsB[l]!, dstA, dstB);
      if (l < L - 1) {
        activate(activation, dstA, dstA.length);
        activate(activation, dstB, dstB.length);
      }
    }
    total += mixtureRow(s, layout, head, dHead, yv, rowA * D, invRows, withGrad);
    total += mixtureRow(s, layout, s.actsB[L]!, s.deltasB[L - 1]!, yv, rowB * D, invRows, withGrad);
    if (!withGrad) continue;
    for (let l = L - 1; l >= 0; l--) {
      backwardPair(
        layers[l]!,
        activation,
        p,
        g,
        s.acts[l]!,
        s.actsB[l]!,
        s.deltas[l]!,
        s.deltasB[l]!,
        l > 0 ? s.deltas[l - 1]! : null,
        l > 0 ? s.deltasB[l - 1]! : null,
      );
    }
  }
  for (; r < rows; r++) {
    const row = idx ? idx[r]! : r;
    for (let i = 0; i < I0; i++) a0[i] = xv[row * I0 + i]!;

    // Dense layers: out = in @ W + b, activation on the hidden ones.
    for (let l = 0; l < L; l++) {
      const { b, in: nIn, out: nOut } = layers[l]!;
      const src = s.acts[l]!;
      const dst = s.acts[l + 1]!;
      const wt = s.wt[l]!;
      let o = 0;
      // Four outputs at a time: independent accumulators hide the add latency and share each
      // load of the input.
      for (; o + 4 <= nOut; o += 4) {
        let c0 = p[b + o]!;
        let c1 = p[b + o + 1]!;
        let c2 = p[b + o + 2]!;
        let c3 = p[b + o + 3]!;
        const t0 = o * nIn;
        const t1 = t0 + nIn;
        const t2 = t1 + nIn;
        const t3 = t2 + nIn;
        for (let i = 0; i < nIn; i++) {
          const xi = src[i]!;
          c0 += xi * wt[t0 + i]!;
          c1 += xi * wt[t1 + i]!;
          c2 += xi * wt[t2 + i]!;
          c3 += xi * wt[t3 + i]!;
        }
        dst[o] = c0;
        dst[o + 1] = c1;
        dst[o + 2] = c2;
        dst[o + 3] = c3;
      }
      for (; o < nOut; o++) {
        let c = p[b + o]!;
        const t0 = o * nIn;
        for (let i = 0; i < nIn; i++) c += src[i]! * wt[t0 + i]!;
        dst[o] = c;
      }
      if (l < L - 1) {
        if (activation === 'tanh') {
          for (let j = 0; j < nOut; j++) dst[j] = fastTanh(dst[j]!);
        } else if (activation === 'relu') {
          for (let j = 0; j < nOut; j++) if (dst[j]! < 0) dst[j] = 0;
        } else {
          for (let j = 0; j < nOut; j++) dst[j] = 1 / (1 + Math.exp(-dst[j]!));
        }
      }
    }

    // Mixture NLL of the row, and d loss / d head.
    total += mixtureRow(s, layout, head, dHead, yv, row * D, invRows, grad !== null);
    if (!grad) continue;

    // Backward through the dense layers: dW += in^T delta, db += delta, dIn = delta W^T.
    for (let l = L - 1; l >= 0; l--) {
      const { w, b, in: nIn, out: nOut } = layers[l]!;
      const src = s.acts[l]!;
      const delta = s.deltas[l]!;
      const below = l > 0 ? s.deltas[l - 1]! : null;
      for (let o = 0; o < nOut; o++) g[b + o] = g[b + o]! + delta[o]!;
      let i = 0;
      // Four inputs at a time: four independent dot products (dIn) and four weight rows (dW)
      // per pass over the deltas.
      for (; i + 4 <= nIn; i += 4) {
        const x0 = src[i]!;
        const x1 = src[i + 1]!;
        const x2 = src[i + 2]!;
        const x3 = src[i + 3]!;
        const w0 = w + i * nOut;
        const w1 = w0 + nOut;
        const w2 = w1 + nOut;
        const w3 = w2 + nOut;
        let back0 = 0;
        let back1 = 0;
        let back2 = 0;
        let back3 = 0;
        for (let o = 0; o < nOut; o++) {
          const dv = delta[o]!;
          g[w0 + o] = g[w0 + o]! + x0 * dv;
          g[w1 + o] = g[w1 + o]! + x1 * dv;
          g[w2 + o] = g[w2 + o]! + x2 * dv;
          g[w3 + o] = g[w3 + o]! + x3 * dv;
          back0 += dv * p[w0 + o]!;
          back1 += dv * p[w1 + o]!;
          back2 += dv * p[w2 + o]!;
          back3 += dv * p[w3 + o]!;
        }
        if (below) {
          below[i] = activationGrad(activation, back0, x0);
          below[i + 1] = activationGrad(activation, back1, x1);
          below[i + 2] = activationGrad(activation, back2, x2);
          below[i + 3] = activationGrad(activation, back3, x3);
        }
      }
      for (; i < nIn; i++) {
        const xi = src[i]!;
        const wRow = w + i * nOut;
        let back = 0;
        for (let o = 0; o < nOut; o++) {
          const dv = delta[o]!;
          g[wRow + o] = g[wRow + o]! + xi * dv;
          back += dv * p[wRow + o]!;
        }
        if (below) below[i] = activationGrad(activation, back, xi);
      }
    }
  }
  if (grad) for (let i = 0; i < P; i++) grad[i] = g[i]!;
  return total * invRows;
}
