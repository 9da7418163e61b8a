// The inverse of the standard normal CDF, as tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { logNdtr } from './special-functions.js';

// Acklam's rational approximations (P. J. Acklam, "An algorithm for computing the inverse normal
// cumulative distribution function", 2003): relative error below 1.15e-9 on (0, 1).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

function scalar(v: number): tf.Scalar {
  return tf.scalar(v, 'float32');
}

/** Horner's rule, highest-degree coefficient first. */
function horner(coefficients: readonly number[], t: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = scalar(coefficients[0]!);
  for (let i = 1; i < coefficients.length; i++) acc = tf.add(tf.mul(acc, t), scalar(coefficients[i]!));
  return acc;
}

/** The lower-tail branch at q = sqrt(-2 log p), for p < P_LOW. */
function tail(q: tf.Tensor): tf.Tensor {
  return tf.div(horner(C, q), tf.add(tf.mul(horner(D, q), q), scalar(1)));
}

/** Φ⁻¹(s) for s in (0, 1/2]: Acklam's start, then Newton steps on log Φ(z) = log s. */
function lowerHalf(s: tf.Tensor): tf.Tensor {
  // Each branch sees a safe argument, so no branch makes NaN where unused.
  const lowS = tf.clipByValue(s, 1e-45, P_LOW);
  const low = tail(tf.sqrt(tf.mul(scalar(-2), tf.log(lowS))));
  const q = tf.sub(tf.clipByValue(s, P_LOW, 0.5), scalar(0.5));
  const r = tf.square(q);
  const central = tf.div(tf.mul(horner(A, r), q), tf.add(tf.mul(horner(B, r), r), scalar(1)));
  let z = tf.where(tf.less(s, scalar(P_LOW)), low, central);
  // The rational forms cancel in float32 (errors near 1e-4); Newton on g(z) = log Φ(z) - log s,
  // g' = φ(z) / Φ(z), converges quadratically to float32 precision in any tail.
  const logS = tf.log(tf.maximum(s, scalar(1e-45)));
  for (let i = 0; i < 2; i++) {
    const logPhi = logNdtr(z);
    const logDensity = tf.sub(tf.mul(scalar(-0.5), tf.square(z)), scalar(HALF_LOG_TWO_PI));
    z = tf.sub(z, tf.mul(tf.sub(logPhi, logS), tf.exp(tf.sub(logPhi, logDensity))));
  }
  return z;
}

function ndtriValue(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // 1 - p is exact in float32 for p >= 1/2, so the upper half is the mirror of the lower one.
    const upper = tf.greater(p, scalar(0.5));
    const s = tf.where(upper, tf.sub(scalar(1), p), p);
    const z = lowerHalf(s);
    let value = tf.where(upper, tf.neg(z), z);
    value = tf.where(tf.equal(p, scalar(0)), tf.fill(value.shape, -Infinity), value);
    value = tf.where(tf.equal(p, scalar(1)), tf.fill(value.shape, Infinity), value);
    // Outside [0, 1] (and NaN) the inverse is undefined.
    const undefinedAt = tf.logicalOr(tf.isNaN(p), tf.logicalOr(tf.less(p, scalar(0)), tf.greater(p, scalar(1))));
    return tf.where(undefinedAt, tf.fill(value.shape, NaN), value);
  });
}

/**
 * Φ⁻¹(p), the quantile of the standard normal: the z with Φ(z) = p, elementwise for p in [0, 1]
 * (-Infinity at 0, +Infinity at 1, NaN outside). Acklam's rational approximations in three
 * regions (p < 0.02425 through q = sqrt(-2 log p), the centre through (p - 1/2)²) give a start
 * that float32 evaluation leaves ~1e-4 off; two Newton steps on log Φ(z) = log p (with core's
 * logNdtr) bring it to float32 precision in the whole lower tail (down to the smallest float32
 * p, z ≈ -14). p > 1/2 is the mirror of 1 - p (exact in float32), so near p = 1 the result is as
 * accurate as 1 - p is in float32.
 *
 * Differentiable: dΦ⁻¹/dp = 1 / φ(Φ⁻¹(p)) = √(2π) exp(z²/2).
 */
export function ndtri(p: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const z = ndtriValue(input);
    save([z]);
    return {
      value: z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => tf.mul(dy, tf.mul(scalar(SQRT_TWO_PI), tf.exp(tf.mul(scalar(0.5), tf.square(saved[0]!)))))),
    };
  });
  return tf.tidy(() => op(asFloat32(p)));
}
