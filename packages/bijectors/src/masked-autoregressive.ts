import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import type { BijectorCallOptions } from './bijector.js';
import { ConditionedBijector, type ConditionedOptions } from './conditioned-bijector.js';
import { callConditioner, isConditioner, type Conditioner } from './conditioner.js';
import { isTransformer, type Transformer } from './transformer.js';

/** Options of {@link MaskedAutoregressive}. */
export interface MaskedAutoregressiveOptions extends ConditionedOptions {
  /**
   * Autoregressive network of y (normally a MADE from @densityjs/made with
   * `params = transformer.paramsPerUnit`): batch + [D] -> batch + [D, paramsPerUnit], where the
   * parameters of unit i depend on y_{<i} (in the network's order) only.
   */
  conditioner: Conditioner;
  /** The elementwise map of each unit: `affine()`, `rationalQuadratic()`, ... */
  transformer: Transformer;
}

/**
 * Masked autoregressive transform (Papamakarios et al. 2017): `y_i = tau(x_i; theta_i(y_{<i}))`
 * where the parameters of unit i come from an autoregressive network of the *outputs* y (a MADE:
 * output i only sees inputs < i in its order).
 *
 * - inverse (density direction, y -> x): all theta from y in ONE network pass, then
 *   `x = tau^{-1}(y; theta(y))`;
 * - forward (sampling, x -> y): D sequential passes; after pass k the first k units (in the
 *   network's order) are final, so after D passes theta(y) and y are exact, and the last pass's
 *   log-derivatives are the log-det (no extra pass).
 *
 * The Jacobian is triangular: `log|det J| = sum_i log|dtau/dx_i|`. `new Invert(layer)` gives the
 * inverse autoregressive flow (IAF: one-pass sampling). `MaskedAutoregressiveFlow` (affine) and
 * `MaskedAutoregressiveSpline` (rational-quadratic) are this class with a fixed transformer.
 */
export class MaskedAutoregressive extends ConditionedBijector {
  /** The elementwise map of each unit. */
  readonly transformer: Transformer;

  constructor(opts: MaskedAutoregressiveOptions) {
    const name = opts?.name ?? 'MaskedAutoregressive';
    if (opts === null || typeof opts !== 'object') throw argumentError(name, 'options', 'an object {conditioner, transformer}', opts);
    if (!isConditioner(opts.conditioner)) {
      throw argumentError(name, 'conditioner', 'a function (y, context?) => Tensor or an object with call(y, {context})', opts.conditioner);
    }
    if (!isTransformer(opts.transformer)) {
      throw argumentError(name, 'transformer', 'a transformer such as affine() or rationalQuadratic()', opts.transformer);
    }
    if (opts.eventSize !== undefined && (!Number.isInteger(opts.eventSize) || opts.eventSize < 1)) {
      throw argumentError(name, 'eventSize', 'a positive integer', opts.eventSize);
    }
    super(
      { eventNdims: 1, eventSize: opts.eventSize, name, volumePreserving: opts.transformer.volumePreserving },
      opts.conditioner,
      opts,
    );
    this.transformer = opts.transformer;
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    this.checkContext(opts.context, y);
    return this.transformer.inverse(y, callConditioner(this.conditioner, y, opts.context), this.name);
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    this.checkContext(opts.context, x);
    const D = x.shape[x.rank - 1]!;
    let y: tf.Tensor = tf.zerosLike(x);
    let ld: tf.Tensor | undefined;
    for (let pass = 0; pass < D; pass++) {
      [y, ld] = this.transformer.forward(x, callConditioner(this.conditioner, y, opts.context), this.name);
    }
    return [y, ld!];
  }
}
