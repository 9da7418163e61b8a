import * as tf from '@tensorflow/tfjs-core';
import type { TensorLike } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { negativeMask } from './ops.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions extends ElementwiseOptions {
  /** Slope for x < 0, > 0 (default 0.2). */
  alpha?: TensorLike;
}

/**
 * `y = x` for x >= 0, `alpha x` for x < 0 (alpha > 0), written as `y = x * exp(m log alpha)`
 * with `m = [x < 0]`: `log|det J| = m log alpha`. The sign is preserved, so the inverse uses the
 * same mask on y.
 */
export class LeakyReLU extends ElementwiseBijector {
  private readonly params = new ParameterSet();
  private readonly logAlpha: tf.Tensor;

  constructor(opts: LeakyReLUOptions = {}) {
    super(opts, 'LeakyReLU', false, ['alpha']);
    const alpha = this.params.tensor(opts.alpha ?? 0.2, this.name, 'alpha');
    this.params.check(alpha, (v) => v > 0, this.name, 'alpha', '> 0 and finite');
    this.logAlpha = this.params.constant(tf.log(alpha));
    this.parameterShapes.alpha = alpha.shape;
  }
  override dispose(): void {
    this.params.dispose();
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return prelu(x, this.logAlpha, 1);
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return prelu(y, this.logAlpha, -1);
  }
}

/** `[x * alpha^(sign m), sign * m log alpha]` with m = [x < 0]: a leaky ReLU or its inverse. */
export function prelu(x: tf.Tensor, logAlpha: tf.Tensor, sign: 1 | -1): [tf.Tensor, tf.Tensor] {
  const m = negativeMask(x);
  const ld = tf.mul(m, sign === 1 ? logAlpha : tf.neg(logAlpha));
  return [tf.mul(x, tf.exp(ld)), ld];
}
