// The rational-quadratic spline (Durkan et al. 2019) as one kernel ('DensityjsSpline') on cpu
// and wasm: per element, the bin's knots from the unit's parameters, the bin formula (or its
// inverse, the quadratic's cancellation-free root) and the log-det, in one loop.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';
import { SplineScratch, splineBin, type SplineKernelAttrs } from './spline-bin.js';

export const SPLINE_KERNEL = 'DensityjsSpline';

/**
 * The bin formula at position `vc` of bin `b`: [theta, value, log|dvalue/dinput|]. With
 * delta = h / w, q = theta (1 - theta), den = delta + (d0 + d1 - 2 delta) q:
 *   y = y_k + h (delta theta^2 + d0 q) / den,  log dy/dx = log(delta^2 N / den^2),
 *   N = d1 theta^2 + 2 delta q + d0 (1 - theta)^2;
 * the inverse solves a theta^2 + b theta + c = 0 with theta = 2c / (-b - sqrt(b^2 - 4ac)).
 */
export function splineFormula(vc: number, b: { xk: number; yk: number; w: number; h: number; d0: number; d1: number }, inverse: boolean): [number, number, number] {
  const { xk, yk, w, h, d0, d1 } = b;
  const delta = h / w;
  const c2 = d0 + d1 - 2 * delta;
  let theta: number;
  if (!inverse) {
    theta = (vc - xk) / w;
  } else {
    const dy = vc - yk;
    const qa = h * (delta - d0) + dy * c2;
    const qb = h * d0 - dy * c2;
    const cc = delta * dy; // = -c
    const disc = Math.max(0, qb * qb + 4 * qa * cc);
    theta = (-2 * cc) / (-qb - Math.sqrt(disc));
  }
  const om = 1 - theta;
  const q = theta * om;
  const den = delta + c2 * q;
  const value = inverse ? theta * w + xk : yk + (h * (delta * theta * theta + d0 * q)) / den;
  const n = d1 * theta * theta + 2 * delta * q + d0 * om * om;
  const ld = Math.log((delta * delta * n) / (den * den));
  return [theta, value, inverse ? -ld : ld];
}

/**
 * Inputs: `x` (any shape), `params` (x's shape + [3K - 1]). Outputs: the value and the log-det
 * (x's shape; identity and 0 outside [-B, B]), and (with `save`) [x, params] packed flat for
 * the gradient.
 */
function spline(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = attrs as unknown as SplineKernelAttrs;
  const xInfo = inputs['x']!;
  const pInfo = inputs['params']!;
  const n = xInfo.shape.reduce((s, v) => s * v, 1);
  const P = 3 * a.numBins - 1;
  const out = d.keep(d.temp([...xInfo.shape]));
  const ld = d.keep(d.temp([...xInfo.shape]));
  const saved = a.save ? d.keep(d.temp([n * (1 + P)])) : undefined;
  const x = d.view(xInfo);
  const p = d.view(pInfo);
  const o = d.view(out);
  const l = d.view(ld);
  if (saved) {
    const sv = d.view(saved);
    sv.set(x, 0);
    sv.set(p, n);
  }
  const scratch = new SplineScratch(a.numBins);
  const B = a.bound;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!(v >= -B && v <= B)) {
      // Identity tails; a NaN input gives a NaN log-det too, as the composed ops do.
      o[i] = v;
      l[i] = Number.isNaN(v) ? NaN : 0;
      continue;
    }
    const [, value, logDet] = splineFormula(v, splineBin(a, p, i * P, v, scratch), a.inverse);
    o[i] = value;
    l[i] = logDet;
  }
  return saved ? [out, ld, saved] : [out, ld];
}

/** Registers the spline kernel for cpu and wasm (once). */
export function registerSplineKernel(): void {
  registerDirectKernel(SPLINE_KERNEL, spline);
}
