import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import {
  callConditioner,
  checkContext,
  checkContextSize,
  conditionerVariables,
  disposeConditioner,
  isConditioner,
  type Conditioner,
} from './conditioner.js';

export interface AutoregressiveOptions extends BijectorBaseOptions {
  /** Event size D, when known (validated on every call). */
  eventSize?: number;
  /** Dispose the conditioner (when it has `dispose`) with this bijector (default true). */
  disposeConditioner?: boolean;
  /**
   * Size of the conditioning context. When set, every call must pass `context` of shape
   * batch + [contextSize] (checked, with a clear error); when unset the context is optional.
   */
  contextSize?: number;
}

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
export abstract class Autoregressive extends Bijector {
  readonly conditioner: Conditioner;
  private readonly ownsConditioner: boolean;
  readonly contextSize: number | undefined;

  constructor(conditioner: Conditioner, opts: AutoregressiveOptions, name: string, argument: string) {
    if (!isConditioner(conditioner)) {
      throw argumentError(name, argument, 'a function (y, context?) => Tensor or an object with call(y, {context})', conditioner);
    }
    if (opts.eventSize !== undefined && (!Number.isInteger(opts.eventSize) || opts.eventSize < 1)) {
      throw argumentError(name, 'eventSize', 'a positive integer', opts.eventSize);
    }
    checkContextSize(name, opts.contextSize);
    super({ eventNdims: 1, eventSize: opts.eventSize, name });
    this.conditioner = conditioner;
    this.ownsConditioner = opts.disposeConditioner ?? true;
    this.contextSize = opts.contextSize;
  }

  override get trainableVariables(): tf.Variable[] {
    return conditionerVariables(this.conditioner);
  }

  override dispose(): void {
    if (this.ownsConditioner) disposeConditioner(this.conditioner);
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
