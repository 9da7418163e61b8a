import * as tf from '@tensorflow/tfjs-core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';

/** `y = x`, `log|det J| = 0`. */
export class Identity extends ElementwiseBijector {
  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: ElementwiseOptions = {}) {
    super(opts, 'Identity', true, []);
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [tf.clone(x), tf.zerosLike(x)];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [tf.clone(y), tf.zerosLike(y)];
  }
}
