import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { prelu } from './leaky-relu.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link PReLU}. */
export interface PReLUOptions extends ElementwiseOptions {
  /** Initial slope for x < 0, > 0 (default 0.5). */
  alpha?: number;
  /** Shape of the slope, broadcast against x: [] (one slope, default) or e.g. [eventSize]. */
  shape?: number[];
}

/**
 * Parametric leaky ReLU with a trainable slope, the bijector of the first part of Eric Jang's
 * normalizing-flow tutorial: `y = x` for x >= 0, `alpha x` for x < 0. The slope is kept
 * positive (so the map stays invertible) by training `logAlpha`, `alpha = exp(logAlpha)`;
 * `log|det J| = [x < 0] logAlpha` per element.
 */
export class PReLU extends ElementwiseBijector {
  /** log of the slope α for negative inputs (trainable). */
  readonly logAlpha: tf.Variable;
  private readonly params = new ParameterSet();

  constructor(opts: PReLUOptions = {}) {
    super(opts, 'PReLU', false, ['alpha', 'shape']);
    const alpha = opts.alpha ?? 0.5;
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw argumentError(this.name, 'alpha', '> 0 and finite', alpha);
    const shape = opts.shape ?? [];
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw argumentError(this.name, 'shape', 'an array of positive integers', shape);
    }
    this.logAlpha = this.params.variable(tf.fill(shape, Math.log(alpha)), 'prelu_log_alpha');
    this.parameterShapes.alpha = shape;
  }
  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
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
