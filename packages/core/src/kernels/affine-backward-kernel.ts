// The gradient of the affine transformer kernel ('DensityjsAffineGrad') on cpu and wasm.
// With sigma = +1 (forward) or -1 (inverse), th = tanh(raw / c), s = sigma c th, e = exp(s):
//   forward y = v e + t:   dv = dy e,  dt = dy,      draw = (dy v e + dld)(1 - th^2)
//   inverse x = (v - t) e: dv = dy e,  dt = -dy e,   draw = -(dy (v - t) e + dld)(1 - th^2)
// (without a clamp, 1 - th^2 is replaced by 1).
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';
import { paramIndex, type AffineKernelAttrs } from './affine-forward-kernel.js';

export const AFFINE_GRAD_KERNEL = 'DensityjsAffineGrad';

/**
 * Inputs: `dy` (values' gradient), `dld` (log-det's gradient, batch shape), `saved` (the
 * forward kernel's packed [v, params]). Outputs: dv (v's shape), dparams (params' shape).
 */
function affineGrad(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { clamp, inverse, pairs, units, paramsShape } = attrs as unknown as AffineKernelAttrs;
  const dyInfo = inputs['dy']!;
  const size = dyInfo.shape.reduce((a, b) => a * b, 1);
  const rows = size / units;
  const dvInfo = d.keep(d.temp([...dyInfo.shape]));
  const dpInfo = d.keep(d.temp([...paramsShape]));
  const dy = d.view(dyInfo);
  const dld = d.view(inputs['dld']!);
  const sv = d.view(inputs['saved']!);
  const v = sv.subarray(0, size);
  const p = sv.subarray(size, 3 * size);
  const dv = d.view(dvInfo);
  const dp = d.view(dpInfo);
  const sigma = inverse ? -1 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * 2 * units;
    const g = dld[r]!;
    for (let i = 0; i < units; i++) {
      const [ti, ri] = paramIndex(pairs, units, base, i);
      const raw = p[ri]!;
      const th = clamp > 0 ? Math.tanh(raw / clamp) : raw;
      const e = Math.exp(sigma * (clamp > 0 ? clamp * th : raw));
      const k = r * units + i;
      const gk = dy[k]!;
      const w = inverse ? (v[k]! - p[ti]!) * e : v[k]! * e;
      dv[k] = gk * e;
      dp[ti] = inverse ? -gk * e : gk;
      dp[ri] = sigma * (gk * w + g) * (clamp > 0 ? 1 - th * th : 1);
    }
  }
  return [dvInfo, dpInfo];
}

/** Registers the affine gradient kernel for cpu and wasm (once). */
export function registerAffineGradKernel(): void {
  registerDirectKernel(AFFINE_GRAD_KERNEL, affineGrad);
}
