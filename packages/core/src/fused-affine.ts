// The affine transformer of coupling and autoregressive flows as one kernel on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { directKernelsActive, recordingGradients } from './kernels/direct-backend.js';
import { AFFINE_KERNEL, registerAffineKernel, type AffineKernelAttrs } from './kernels/affine-forward-kernel.js';
import { AFFINE_GRAD_KERNEL, registerAffineGradKernel } from './kernels/affine-backward-kernel.js';

/** Options of {@link fusedAffineTransform}. */
export interface FusedAffineOptions {
  /** Bound c of the soft clamp s = c tanh(raw / c); Infinity (or omitted): s = raw. */
  logScaleClamp?: number;
  /** false (default): y = v e^s + t, log-det sum s. true: x = (v - t) e^-s, log-det -sum s. */
  inverse?: boolean;
}

let gradientRegistered = false;

function register(): void {
  registerAffineKernel();
  registerAffineGradKernel();
  if (gradientRegistered || tf.getGradient(AFFINE_KERNEL)) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: AFFINE_KERNEL,
    outputsToSave: [false, false, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dld] = dys as tf.Tensor[];
      // Both gradients come from one kernel, run here (not inside the per-input closures,
      // which the engine runs in separate tidy scopes).
      const [dv, dp] = tf.engine().runKernel(AFFINE_GRAD_KERNEL, { dy: dy!, dld: dld!, saved: saved[0]! }, attrs) as unknown as tf.Tensor[];
      return { v: () => dv!, params: () => dp! };
    },
  });
}

/**
 * The affine transformer `y = v exp(s) + t` (or its inverse `x = (v - t) exp(-s)`) with the
 * soft-clamped log-scale `s = c tanh(raw / c)`, and its log-det `±sum_i s_i` over the last
 * axis, as ONE differentiable kernel (one more for its gradient) on cpu and wasm.
 *
 * `v` has shape batch + [n]; `params` batch + [n, 2] (per unit `[t_i, raw_i]`, a MADE with
 * params = 2) or batch + [2n] (n shifts, then n raw log-scales). Returns [value (v's shape),
 * log-det (batch shape)], or undefined where the fused kernels do not run (other backends, or
 * after setDirectKernelsEnabled(false)): the caller then uses its composed ops. Shapes are the
 * caller's to check (a mismatch throws a plain Error).
 */
export function fusedAffineTransform(v: tf.Tensor, params: tf.Tensor, opts: FusedAffineOptions = {}): [tf.Tensor, tf.Tensor] | undefined {
  if (!directKernelsActive()) return undefined;
  const clamp = opts.logScaleClamp ?? Infinity;
  const n = v.shape[v.rank - 1]!;
  const batch = v.shape.slice(0, -1);
  const s = params.shape;
  const pairs = s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 2;
  const halves = s.length === batch.length + 1 && s[s.length - 1] === 2 * n;
  if (!batch.every((dim, i) => s[i] === dim) || !(pairs || halves)) {
    throw new Error(`fusedAffineTransform: params must have shape [${[...batch, n, 2]}] or [${[...batch, 2 * n]}], received [${s}]`);
  }
  register();
  const attrs: AffineKernelAttrs = {
    clamp: Number.isFinite(clamp) ? clamp : 0,
    inverse: Boolean(opts.inverse),
    pairs,
    units: n,
    paramsShape: [...s],
    save: recordingGradients(),
  };
  const vf = asFloat32(v);
  const pf = asFloat32(params);
  const [out, ld, saved] = tf.engine().runKernel(AFFINE_KERNEL, { v: vf, params: pf }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  // The packed copy is the gradient's (the tape keeps its own clone when recording).
  saved?.dispose();
  return [out!, ld!];
}
