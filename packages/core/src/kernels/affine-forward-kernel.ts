// The affine transformer of RealNVP / MAF / IAF as one kernel ('DensityjsAffine') on cpu and
// wasm: value, log-det and what its gradient needs, in one loop.
import type * as tf from '@tensorflow/tfjs-core';
import { registerDirectKernel, type DirectBackend } from './direct-backend.js';

export const AFFINE_KERNEL = 'DensityjsAffine';

/** Attributes of the affine kernels. */
export interface AffineKernelAttrs {
  /** Soft-clamp bound c of the log-scale (s = c tanh(raw / c)); 0: no clamp (s = raw). */
  clamp: number;
  /** false: y = v e^s + t (log-det sum s); true: x = (v - t) e^-s (log-det -sum s). */
  inverse: boolean;
  /** true: params per unit are adjacent pairs [t_i, raw_i]; false: n shifts then n raws. */
  pairs: boolean;
  /** Units per row. */
  units: number;
  /** Shape of `params` (the gradient's shape). */
  paramsShape: number[];
  /** Also return the packed [v, params] for the gradient (only while a gradient is recorded). */
  save: boolean;
}

/** Shift and raw log-scale of unit i of a row starting at `base` of `p`. */
export function paramIndex(pairs: boolean, units: number, base: number, i: number): [number, number] {
  return pairs ? [base + 2 * i, base + 2 * i + 1] : [base + i, base + units + i];
}

/**
 * Inputs: `v` (batch + [units]), `params` (batch + [units, 2] or batch + [2 units]). Outputs:
 * the transformed values (v's shape), the log-det summed over the units (batch shape), and
 * (with `save`) [v, params] packed in one flat tensor for the gradient.
 */
function affine(d: DirectBackend, { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { clamp, inverse, pairs, units, save } = attrs as unknown as AffineKernelAttrs;
  const vInfo = inputs['v']!;
  const pInfo = inputs['params']!;
  const size = vInfo.shape.reduce((a, b) => a * b, 1);
  const rows = size / units;
  const out = d.keep(d.temp([...vInfo.shape]));
  const ld = d.keep(d.temp(vInfo.shape.slice(0, -1)));
  const saved = save ? d.keep(d.temp([3 * size])) : undefined;
  const v = d.view(vInfo);
  const p = d.view(pInfo);
  const o = d.view(out);
  const l = d.view(ld);
  if (saved) {
    const sv = d.view(saved);
    sv.set(v, 0);
    sv.set(p, size);
  }
  const sigma = inverse ? -1 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * 2 * units;
    let sum = 0;
    for (let i = 0; i < units; i++) {
      const [ti, ri] = paramIndex(pairs, units, base, i);
      const raw = p[ri]!;
      const s = sigma * (clamp > 0 ? clamp * Math.tanh(raw / clamp) : raw);
      const e = Math.exp(s);
      const k = r * units + i;
      o[k] = inverse ? (v[k]! - p[ti]!) * e : v[k]! * e + p[ti]!;
      sum += s;
    }
    l[r] = sum;
  }
  return saved ? [out, ld, saved] : [out, ld];
}

/** Registers the affine kernel for cpu and wasm (once). */
export function registerAffineKernel(): void {
  registerDirectKernel(AFFINE_KERNEL, affine);
}
