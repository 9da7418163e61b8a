// The gradient of the spline kernel ('DensityjsSplineGrad') on cpu and wasm. Per element inside
// [-B, B]: the gradient to the bin's (x_k, y_k, w, h, d0, d1) by the hand-derived formulas
// below, then through the knots to the raw parameters:
//   x_k = -B + 2B sum_{j<k} f_j, w = 2B f_k, f = m_w + (1 - K m_w) softmax(u_w)  (heights alike),
//   d = m_d + softplus(u_d) (d/du = sigmoid(u)).
// Outside [-B, B] the map is the identity: gradient 1 to x, 0 to the parameters.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';
import { SplineScratch, splineBin, type SplineKernelAttrs } from './spline-bin.js';
import { splineFormula } from './spline-forward-kernel.js';

export const SPLINE_GRAD_KERNEL = 'DensityjsSplineGrad';

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/**
 * Inputs: `dy` (value's gradient), `dld` (log-det's gradient), `saved` (the forward kernel's
 * packed [x, params]). Outputs: dx (x's shape), dparams (params' shape).
 *
 * With theta the position in the bin, delta = h / w, q = theta (1 - theta), den, N, F = (y -
 * y_k) / h as in the forward formula, the partial derivatives of y and L = log dy/dx are
 *   Y_theta = h delta N / den^2,  Y_delta = h (theta^2 - F (1 - 2q)) / den,
 *   Y_d0 = h q (1 - F) / den,  Y_d1 = -h q F / den,
 *   L_theta = N_theta / N - 2 (d0 + d1 - 2 delta)(1 - 2 theta) / den,
 *   L_delta = 2 / delta + 2q / N - 2 (1 - 2q) / den,
 *   L_d0 = (1 - theta)^2 / N - 2q / den,  L_d1 = theta^2 / N - 2q / den;
 * forward: theta = (x - x_k) / w; inverse: theta is implicit in y (dtheta = (dy - dy_k -
 * F dh - Y_delta ddelta - Y_d0 dd0 - Y_d1 dd1) / Y_theta) and the log-det is -L.
 */
function splineGrad(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = attrs as unknown as SplineKernelAttrs;
  const K = a.numBins;
  const B = a.bound;
  const P = 3 * K - 1;
  const dyInfo = inputs['dy']!;
  const n = dyInfo.shape.reduce((s, v) => s * v, 1);
  const dxInfo = d.keep(d.temp([...dyInfo.shape]));
  const dpInfo = d.keep(d.zeros([...a.paramsShape]));
  const gy = d.view(dyInfo);
  const gld = d.view(inputs['dld']!);
  const sv = d.view(inputs['saved']!);
  const x = sv.subarray(0, n);
  const p = sv.subarray(n, n * (1 + P));
  const dx = d.view(dxInfo);
  const dp = d.view(dpInfo);
  const s = new SplineScratch(K);
  const gw = new Float64Array(K);
  const gh = new Float64Array(K);
  const cw = 1 - K * a.minBinWidth;
  const ch = 1 - K * a.minBinHeight;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const gv = gy[i]!;
    if (!(v >= -B && v <= B)) {
      dx[i] = Number.isNaN(v) ? NaN : gv;
      continue;
    }
    const gl = gld[i]!;
    const offset = i * P;
    const bin = splineBin(a, p, offset, v, s);
    const { k, w, h, d0: a0, d1: a1 } = bin;
    const [th] = splineFormula(v, bin, a.inverse);
    const dl = h / w;
    const cc2 = a0 + a1 - 2 * dl;
    const om = 1 - th;
    const qq = th * om;
    const oneMinus2q = 1 - 2 * qq;
    const invDen = 1 / (dl + cc2 * qq);
    const th2 = th * th;
    const om2 = om * om;
    const invN = 1 / (a1 * th2 + 2 * dl * qq + a0 * om2);
    const f = (dl * th2 + a0 * qq) * invDen;
    const hOverDen = h * invDen;
    const yTheta = hOverDen * dl * invDen / invN;
    const yDelta = hOverDen * (th2 - f * oneMinus2q);
    const yD0 = hOverDen * qq * (1 - f);
    const yD1 = -hOverDen * qq * f;
    const nTheta = 2 * (a1 * th + dl * (1 - 2 * th) - a0 * om);
    const twoQOverDen = 2 * qq * invDen;
    const lTheta = nTheta * invN - 2 * cc2 * (1 - 2 * th) * invDen;
    const lDelta = 2 / dl + 2 * qq * invN - 2 * oneMinus2q * invDen;
    const lD0 = om2 * invN - twoQOverDen;
    const lD1 = th2 * invN - twoQOverDen;
    const invW = 1 / w;
    let dv: number, dxk: number, dyk: number, dw: number, dh: number, dd0: number, dd1: number;
    if (!a.inverse) {
      const gTheta = gv * yTheta + gl * lTheta;
      const gDelta = gv * yDelta + gl * lDelta;
      dv = gTheta * invW;
      dxk = -dv;
      dyk = gv;
      dw = -(gTheta * th + gDelta * dl) * invW;
      dh = gv * f + gDelta * invW;
      dd0 = gv * yD0 + gl * lD0;
      dd1 = gv * yD1 + gl * lD1;
    } else {
      const r = (gv * w - gl * lTheta) / yTheta;
      dv = r;
      dyk = -r;
      dxk = gv;
      const gDelta = -(gl * lDelta + r * yDelta);
      dw = gv * th - gDelta * dl * invW;
      dh = -r * f + gDelta * invW;
      dd0 = -(gl * lD0 + r * yD0);
      dd1 = -(gl * lD1 + r * yD1);
    }
    dx[i] = dv;
    // Knots and sizes -> fractions: x_k gathers f_j for j < k, w is f_k (times 2B).
    for (let j = 0; j < K; j++) {
      gw[j] = 2 * B * (j < k ? dxk : j === k ? dw : 0) * cw;
      gh[j] = 2 * B * (j < k ? dyk : j === k ? dh : 0) * ch;
    }
    // Softmax backward: du_j = s_j (g_j - sum_i s_i g_i).
    let dotW = 0;
    let dotH = 0;
    for (let j = 0; j < K; j++) {
      dotW += s.sw[j]! * gw[j]!;
      dotH += s.sh[j]! * gh[j]!;
    }
    for (let j = 0; j < K; j++) {
      dp[offset + j] = s.sw[j]! * (gw[j]! - dotW);
      dp[offset + K + j] = s.sh[j]! * (gh[j]! - dotH);
    }
    const du = offset + 2 * K;
    if (k > 0) dp[du + k - 1] = dp[du + k - 1]! + dd0 * sigmoid(p[du + k - 1]!);
    if (k < K - 1) dp[du + k] = dp[du + k]! + dd1 * sigmoid(p[du + k]!);
  }
  return [dxInfo, dpInfo];
}

/** Registers the spline gradient kernel for cpu and wasm (once). */
export function registerSplineGradKernel(): void {
  registerDirectKernel(SPLINE_GRAD_KERNEL, splineGrad);
}
