import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import type { BijectorCallOptions } from './bijector.js';
import { ConditionedBijector, type ConditionedOptions } from './conditioned-bijector.js';
import { callConditioner, checkContext, isConditioner, type Conditioner } from './conditioner.js';

export type AutoregressiveOptions = ConditionedOptions;

/**
 * Masked autoregressive transform (Papamakarios et al. 2017): `y_i = tau(x_i; theta_i(y_{<i}))`
 * where the parameters of unit i come from an autoregressive network of the *outputs* y (a MADE:
 * output i only sees inputs < i in its order).
 *
 * - inverse (density direction, y -> x): all theta from y in ONE network pass, then
 *   `x = tau^{-1}(y; theta(y))`;
 * - forward (sampling, x -> y): D sequential passes; after pass k the first k units (in the
 *   network's order) are final, so after D passes theta(y) and y are exact.
 *
 * The Jacobian is triangular: `log|det J| = sum_i log|dtau/dx_i|`. `new Invert(layer)` gives the
 * inverse autoregressive flow (IAF: one-pass sampling).
 */
export abstract class Autoregressive extends ConditionedBijector {
  constructor(conditioner: Conditioner, opts: AutoregressiveOptions, name: string, argument: string) {
    if (!isConditioner(conditioner)) {
      throw argumentError(name, argument, 'a function (y, context?) => Tensor or an object with call(y, {context})', conditioner);
    }
    if (opts.eventSize !== undefined && (!Number.isInteger(opts.eventSize) || opts.eventSize < 1)) {
      throw argumentError(name, 'eventSize', 'a positive integer', opts.eventSize);
    }
    super({ eventNdims: 1, eventSize: opts.eventSize, name }, conditioner, opts);
  }

  /** `[tau(v; params), sum over the last axis of log|dtau/dv|]` (inverse: tau^{-1}). */
  protected abstract transform(v: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor];

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    checkContext(this.name, this.contextSize, opts.context, y.shape.slice(0, -1));
    return this.transform(y, callConditioner(this.conditioner, y, opts.context), true);
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    checkContext(this.name, this.contextSize, opts.context, x.shape.slice(0, -1));
    const D = x.shape[x.rank - 1]!;
    let y: tf.Tensor = tf.zerosLike(x);
    let ld: tf.Tensor | undefined;
    for (let pass = 0; pass < D; pass++) {
      [y, ld] = this.transform(x, callConditioner(this.conditioner, y, opts.context), false);
    }
    return [y, ld!];
  }
}
