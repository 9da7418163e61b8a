// The bin of a rational-quadratic spline (Durkan et al. 2019) that one value falls in, from the
// unnormalized parameters of its unit: shared by the spline's forward and gradient kernels.

/** Spline settings as kernel attributes (resolved: every number given). */
export interface SplineKernelAttrs {
  numBins: number;
  bound: number;
  minBinWidth: number;
  minBinHeight: number;
  minDerivative: number;
  /** false: x -> y; true: y -> x (the log-det is then log|dx/dy|). */
  inverse: boolean;
  /** Shape of `params` (the gradient's shape). */
  paramsShape: number[];
  /** Also return the packed [x, params] for the gradient (only while a gradient is recorded). */
  save: boolean;
}

/** Scratch arrays for one unit, reused across elements. */
export class SplineScratch {
  /** Softmax of the width and height logits. */
  readonly sw: Float64Array;
  readonly sh: Float64Array;
  constructor(numBins: number) {
    this.sw = new Float64Array(numBins);
    this.sh = new Float64Array(numBins);
  }
}

/** The selected bin: index k, left knot (xk, yk), width w, height h, knot derivatives d0, d1. */
export interface SplineBin {
  k: number;
  xk: number;
  yk: number;
  w: number;
  h: number;
  d0: number;
  d1: number;
}

function softmaxInto(p: Float32Array, offset: number, K: number, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < K; j++) max = Math.max(max, p[offset + j]!);
  let sum = 0;
  for (let j = 0; j < K; j++) {
    const e = Math.exp(p[offset + j]! - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < K; j++) out[j] = out[j]! / sum;
}

/** softplus(u) = log(1 + e^u), without overflow. */
export function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/**
 * The bin of `vc` (already clamped to [-B, B]) for the unit whose 3K - 1 parameters start at
 * `offset` of `p`: widths 2B (m_w + (1 - K m_w) softmax), heights likewise, interior knot
 * derivatives m_d + softplus, boundary derivatives 1. The bin is the number of left knots
 * (x_k forward, y_k inverse) <= vc, minus one. Fills `s` with the two softmaxes.
 */
export function splineBin(a: SplineKernelAttrs, p: Float32Array, offset: number, vc: number, s: SplineScratch): SplineBin {
  const K = a.numBins;
  const B = a.bound;
  softmaxInto(p, offset, K, s.sw);
  softmaxInto(p, offset + K, K, s.sh);
  const cw = 1 - K * a.minBinWidth;
  const ch = 1 - K * a.minBinHeight;
  let k = 0;
  let xk = -B;
  let yk = -B;
  let w = 2 * B * (a.minBinWidth + cw * s.sw[0]!);
  let h = 2 * B * (a.minBinHeight + ch * s.sh[0]!);
  for (let j = 1; j < K; j++) {
    const nx = xk + w;
    const ny = yk + h;
    if ((a.inverse ? ny : nx) > vc) break;
    k = j;
    xk = nx;
    yk = ny;
    w = 2 * B * (a.minBinWidth + cw * s.sw[j]!);
    h = 2 * B * (a.minBinHeight + ch * s.sh[j]!);
  }
  const du = offset + 2 * K;
  const d0 = k === 0 ? 1 : a.minDerivative + softplus(p[du + k - 1]!);
  const d1 = k === K - 1 ? 1 : a.minDerivative + softplus(p[du + k]!);
  return { k, xk, yk, w, h, d0, d1 };
}
