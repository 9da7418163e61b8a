// log I0, the modified Bessel function of the first kind of order 0, as tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { polyval } from './polyval.js';
import { asFloat32 } from './tensor-utils.js';

function scalar(v: number): tf.Scalar {
  return tf.scalar(v, 'float32');
}

// Abramowitz & Stegun 9.8.1 (|x| <= 3.75, in t² = (x/3.75)²; relative error < 1.6e-7) and 9.8.2
// (x >= 3.75, √x e^{-x} I0(x) in u = 3.75/x; relative error < 1.9e-7).
const SMALL = [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813];
const LARGE = [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377];

/**
 * log I0(x) elementwise (even in x), finite for any finite x: log of A&S 9.8.1's polynomial for
 * |x| <= 3.75, |x| - log|x|/2 + log P(3.75/|x|) (A&S 9.8.2) beyond, so I0's exponential growth
 * never overflows. Relative error of I0 below 2e-7 (absolute error of its log below 2e-7).
 * Differentiable by autodiff (the derivative approximates I1/I0).
 */
export function logBesselI0(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(logBesselI0e(x), tf.abs(asFloat32(x))));
}

/**
 * log(e^{-|x|} I0(x)), the log of the exponentially scaled I0, without the |x| that dominates
 * log I0 for large |x| (so κ cos θ - log I0(κ) can be written -2κ sin²(θ/2) - logBesselI0e(κ)
 * with no cancellation): log P(t²) - |x| below 3.75, log P(3.75/|x|) - log|x|/2 beyond.
 */
export function logBesselI0e(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(asFloat32(x));
    const small = tf.lessEqual(a, scalar(3.75));
    const aSmall = tf.minimum(a, scalar(3.75));
    const t2 = tf.square(tf.div(aSmall, scalar(3.75)));
    const near = tf.sub(tf.log(polyval(SMALL, t2)), aSmall);
    const aLarge = tf.maximum(a, scalar(3.75));
    const far = tf.sub(tf.log(polyval(LARGE, tf.div(scalar(3.75), aLarge))), tf.mul(scalar(0.5), tf.log(aLarge)));
    return tf.where(small, near, far);
  });
}
