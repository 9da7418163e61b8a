import * as tf from '@tensorflow/tfjs-core';
import { checkOptionKeys } from '@densityjs/core';
import type { BijectorBaseOptions, BijectorCallOptions } from './bijector.js';
import { Bijector } from './bijector.js';

/**
 * Reverses the last axis, `y[..., i] = x[..., d-1-i]`: the permutation usually placed between
 * autoregressive or coupling layers. Its own inverse; log-det 0; works for any event size.
 * The gradient (a reverse again) is a custom gradient, so no registered gradient is needed.
 */
export class Reverse extends Bijector {
  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: BijectorBaseOptions = {}) {
    checkOptionKeys('Reverse', opts, ['name']);
    super({ eventNdims: 1, name: opts.name ?? 'Reverse', volumePreserving: true });
  }

  protected _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [reverseLastAxis(x), tf.zeros(x.shape.slice(0, -1))];
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [reverseLastAxis(y), tf.zeros(y.shape.slice(0, -1))];
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return reverseLastAxis(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return reverseLastAxis(y);
  }
}

function reverseLastAxis(x: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  return tf.customGrad((t: unknown) => ({
    value: tf.reverse(t as tf.Tensor, axis),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.reverse(dy as tf.Tensor, axis),
  }))(x);
}
