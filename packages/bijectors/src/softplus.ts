import * as tf from '@tensorflow/tfjs-core';
import { ElementwiseBijector, maskOutsideSupport, openInterval, type ElementwiseOptions } from './elementwise.js';

/**
 * softplus(x) = log1p(exp(x)), accurate to float32 on every backend: below x = log(0.01) it is
 * the series u - u^2/2 + u^3/3 of log1p(u), u = exp(x) (truncation < u^3/4 relative), because
 * some backends (webgpu) evaluate softplus as log(1 + u), which loses all digits of a tiny u.
 */
function accurateSoftplus(x: tf.Tensor): tf.Tensor {
  const tiny = tf.less(x, SERIES_BELOW);
  const u = tf.exp(tf.minimum(x, SERIES_BELOW));
  const series = tf.mul(u, tf.add(tf.mul(u, tf.sub(tf.mul(u, 1 / 3), 0.5)), 1));
  return tf.where(tiny, series, tf.softplus(x));
}

const SERIES_BELOW = Math.log(0.01);

/**
 * `y = softplus(x) = log(1 + exp(x))`, `log|det J| = log sigmoid(x) = -softplus(-x)`.
 *
 * Inverse `x = log(expm1(y)) = y + log(1 - exp(-y))`: the second form never overflows (large y:
 * `x ~ y`). For y < 0.01, where `1 - exp(-y)` cancels, `log(1 - exp(-y))` is evaluated as
 * `log(y) + log(1 - y/2 + y^2/6 - y^3/24)` (Taylor, truncation < 1e-10): backends' expm1 is not
 * always accurate (webgpu computes exp(x) - 1). `log|det J^{-1}| = -log(1 - exp(-y)) = y - x`.
 * For y <= 0 the inverse is -Infinity with a -Infinity log-det (density 0), or an error with
 * validateArgs.
 */
export class Softplus extends ElementwiseBijector {
  constructor(opts: ElementwiseOptions = {}) {
    super(opts, 'Softplus', false, []);
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [accurateSoftplus(x), tf.neg(accurateSoftplus(tf.neg(x)))];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.checkRange(y, (v) => v > 0, '> 0 (the range of Softplus)');
    const inside = openInterval(y, 0, Infinity);
    const safe = tf.where(inside, y, tf.onesLike(y));
    const small = openInterval(safe, -Infinity, 0.01);
    const ys = tf.where(small, safe, tf.onesLike(safe));
    const yl = tf.where(small, tf.onesLike(safe), safe);
    const poly = tf.add(tf.mul(ys, tf.add(tf.mul(ys, tf.sub(1 / 6, tf.mul(ys, 1 / 24))), -0.5)), 1);
    const series = tf.add(tf.log(ys), tf.log(poly));
    const general = tf.log(tf.sub(1, tf.exp(tf.neg(yl))));
    const logTerm = tf.where(small, series, general); // log(1 - exp(-y)) < 0
    const x = tf.add(safe, logTerm);
    return maskOutsideSupport(inside, x, tf.neg(logTerm), tf.fill(x.shape, -Infinity));
  }
}
