import * as tf from '@tensorflow/tfjs-core';
import { ElementwiseBijector, maskOutsideSupport, openInterval, type ElementwiseOptions } from './elementwise.js';

/**
 * `y = exp(x)`, `log|det J| = x`. Inverse `x = log(y)` with `log|det J^{-1}| = -log(y)` on
 * y > 0; for y <= 0 (outside the range) the inverse is -Infinity with a -Infinity log-det, so a
 * transformed density is 0 there, not NaN (or an error with `validateArgs: true`).
 */
export class Exp extends ElementwiseBijector {
  constructor(opts: ElementwiseOptions = {}) {
    super(opts, 'Exp', false, []);
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [tf.exp(x), tf.clone(x)];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.checkRange(y, (v) => v > 0, '> 0 (the range of Exp)');
    const inside = openInterval(y, 0, Infinity);
    // Evaluate the log at a safe point outside the range, so no NaN reaches values or gradients.
    const x = tf.log(tf.where(inside, y, tf.onesLike(y)));
    return maskOutsideSupport(inside, x, tf.neg(x), tf.fill(x.shape, -Infinity));
  }
}
