import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '@densityjs/core';
import { ElementwiseBijector, maskOutsideSupport, infiniteLimit, openInterval, type ElementwiseOptions } from './elementwise.js';

const LOG2 = Math.log(2);

/**
 * `y = tanh(x)`, `log|det J| = log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x))`, a form that
 * stays finite for large |x| (1 - tanh^2 underflows to 0 in float32 from |x| ~ 9).
 *
 * Inverse `x = atanh(y) = (log1p(y) - log1p(-y)) / 2`, `log|det J^{-1}| = -log1p(y) - log1p(-y)`.
 * Outside (-1, 1): +-Infinity with a -Infinity log-det (density 0), or an error with validateArgs.
 */
export class Tanh extends ElementwiseBijector {
  constructor(opts: ElementwiseOptions = {}) {
    super(opts, 'Tanh', false, []);
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const ld = tf.mul(tf.sub(tf.sub(LOG2, x), tf.softplus(tf.mul(x, -2))), 2);
    return [tf.tanh(x), ld];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.checkRange(y, (v) => v > -1 && v < 1, 'in (-1, 1) (the range of Tanh)');
    const inside = openInterval(y, -1, 1);
    const safe = tf.where(inside, y, tf.zerosLike(y));
    const a = log1p(safe);
    const b = log1p(tf.neg(safe));
    const x = tf.mul(tf.sub(a, b), 0.5);
    const limit = infiniteLimit(y, 0);
    return maskOutsideSupport(inside, x, tf.neg(tf.add(a, b)), limit);
  }
}
