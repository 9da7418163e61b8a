// The rational-quadratic spline of neural spline flows as one kernel on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { directKernelsActive, recordingGradients } from './kernels/direct-backend.js';
import type { SplineKernelAttrs } from './kernels/spline-bin.js';
import { registerSplineKernel, SPLINE_KERNEL } from './kernels/spline-forward-kernel.js';
import { registerSplineGradKernel, SPLINE_GRAD_KERNEL } from './kernels/spline-backward-kernel.js';

/** Resolved spline settings (every number given) and the direction. */
export interface FusedSplineOptions {
  /** Number of bins K of the spline. */
  numBins: number;
  /** Half-width B of the interval [-B, B] the spline maps onto itself (identity outside). */
  bound: number;
  /** Smallest bin width, as a fraction of 2B. */
  minBinWidth: number;
  /** Smallest bin height, as a fraction of 2B. */
  minBinHeight: number;
  /** Smallest derivative at the knots. */
  minDerivative: number;
  /** false (default): x -> y with log|dy/dx|; true: y -> x with log|dx/dy|. */
  inverse?: boolean;
}

let gradientRegistered = false;

function register(): void {
  registerSplineKernel();
  registerSplineGradKernel();
  if (gradientRegistered || tf.getGradient(SPLINE_KERNEL)) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: SPLINE_KERNEL,
    outputsToSave: [false, false, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dld] = dys as tf.Tensor[];
      // Both gradients from one kernel, run here rather than in the per-input closures (which
      // the engine runs in separate tidy scopes).
      const [dx, dp] = tf.engine().runKernel(SPLINE_GRAD_KERNEL, { dy: dy!, dld: dld!, saved: saved[0]! }, attrs) as unknown as tf.Tensor[];
      return { x: () => dx!, params: () => dp! };
    },
  });
}

/**
 * The monotone rational-quadratic spline of Durkan et al. (2019) applied elementwise, with its
 * log-det, as ONE differentiable kernel (one more for the gradient) on cpu and wasm: K bins on
 * [-B, B], identity outside; from the unnormalized parameters of each element (K width logits,
 * K height logits, K - 1 interior derivative pre-activations): widths
 * `2B (m_w + (1 - K m_w) softmax)`, heights likewise, derivatives `m_d + softplus`, 1 at +-B.
 *
 * `x` has any shape; `params` has shape x.shape + [3K - 1] (one set per element, as a
 * conditioner gives them). Returns [value, log|dvalue/dinput|] (x's shape), or undefined where
 * the fused kernels do not run (other backends, setDirectKernelsEnabled(false)) or the
 * parameters broadcast against x: the caller then uses its composed ops.
 */
export function fusedRationalQuadraticSpline(x: tf.Tensor, params: tf.Tensor, opts: FusedSplineOptions): [tf.Tensor, tf.Tensor] | undefined {
  if (!directKernelsActive()) return undefined;
  const P = 3 * opts.numBins - 1;
  const ps = params.shape;
  if (ps.length !== x.rank + 1 || ps[ps.length - 1] !== P || !x.shape.every((dim, i) => ps[i] === dim)) return undefined;
  register();
  const attrs: SplineKernelAttrs = {
    numBins: opts.numBins,
    bound: opts.bound,
    minBinWidth: opts.minBinWidth,
    minBinHeight: opts.minBinHeight,
    minDerivative: opts.minDerivative,
    inverse: Boolean(opts.inverse),
    paramsShape: [...ps],
    save: recordingGradients(),
  };
  const xf = asFloat32(x);
  const pf = asFloat32(params);
  const [value, ld, saved] = tf.engine().runKernel(SPLINE_KERNEL, { x: xf, params: pf }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  // The packed copy is the gradient's (the tape keeps its own clone when recording).
  saved?.dispose();
  return [value!, ld!];
}
