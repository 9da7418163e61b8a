import * as tf from '@tensorflow/tfjs-core';
import { ElementwiseBijector, maskOutsideSupport, infiniteLimit, openInterval, type ElementwiseOptions } from './elementwise.js';

/**
 * `y = sigmoid(x) = 1 / (1 + exp(-x))`, `log|det J| = log s(x) + log s(-x)
 * = -softplus(-x) - softplus(x)` (finite for |x| up to 1e4, where s(x) itself rounds to 1).
 *
 * Inverse `x = log(y) - log1p(-y)`, `log|det J^{-1}| = -log(y) - log1p(-y)`. Outside (0, 1) the
 * density of a transformed variable is 0: the inverse returns -Infinity (y <= 0) or +Infinity
 * (y >= 1) with a -Infinity log-det; `validateArgs: true` throws instead.
 */
export class Sigmoid extends ElementwiseBijector {
  constructor(opts: ElementwiseOptions = {}) {
    super(opts, 'Sigmoid', false, []);
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [tf.sigmoid(x), tf.neg(tf.add(tf.softplus(tf.neg(x)), tf.softplus(x)))];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.checkRange(y, (v) => v > 0 && v < 1, 'in (0, 1) (the range of Sigmoid)');
    const inside = openInterval(y, 0, 1);
    const safe = tf.where(inside, y, tf.fill(y.shape, 0.5));
    const logY = tf.log(safe);
    const log1mY = tf.log1p(tf.neg(safe));
    const x = tf.sub(logY, log1mY);
    const limit = infiniteLimit(y, 0);
    return maskOutsideSupport(inside, x, tf.neg(tf.add(logY, log1mY)), limit);
  }
}
