import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, shapeText } from '@densityjs/core';
import type { BijectorCallOptions } from './bijector.js';
import { ConditionedBijector, type ConditionedOptions } from './conditioned-bijector.js';
import { callConditioner, isConditioner, type Conditioner } from './conditioner.js';
import { isTransformer, type Transformer } from './transformer.js';

/** Options of {@link Coupling}. */
export interface CouplingOptions extends ConditionedOptions {
  /**
   * Number d of leading units passed through unchanged; they condition the rest.
   * Default floor(D / 2) of the input's event size D. 0 is allowed for a conditional layer
   * (`contextSize` > 0): every unit is then transformed given the context alone.
   */
  numMasked?: number;
  /** Network or function of the first d units (and the context) giving the transformer's parameters. */
  conditioner: Conditioner;
  /** The elementwise map of the other units: `affine()`, `additive()`, `rationalQuadratic()`. */
  transformer: Transformer;
}

/**
 * Coupling layer (Dinh et al. 2015, 2017): `x = [x1, x2]` with `x1 = x[..., :d]`,
 * `y1 = x1`, `y2 = tau(x2; theta)` with `theta = conditioner(x1, context)`. The Jacobian is
 * block-triangular, so `log|det J| = sum log|dtau/dx2|`, and the inverse is one pass:
 * `theta` is recomputed from `y1 = x1`.
 *
 * Structure by composition: the conditioner (any network or function) and the transformer
 * (`affine`, `additive`, `rationalQuadratic`) are passed in. `RealNVP`, `NICE` and
 * `SplineCoupling` are this class with a fixed transformer.
 */
export class Coupling extends ConditionedBijector {
  /** d, or undefined for floor(D / 2) of each input. */
  readonly numMasked: number | undefined;
  /** The elementwise map of the transformed units. */
  readonly transformer: Transformer;

  constructor(opts: CouplingOptions) {
    const name = opts?.name ?? 'Coupling';
    if (opts === null || typeof opts !== 'object') throw argumentError(name, 'options', 'an object {conditioner, transformer, numMasked?}', opts);
    const d = opts.numMasked;
    const conditional = opts.contextSize !== undefined && opts.contextSize > 0;
    if (d !== undefined && (!Number.isInteger(d) || d < (conditional ? 0 : 1))) {
      throw argumentError(name, 'numMasked', conditional ? 'a non-negative integer' : 'a positive integer (0 only for a conditional layer, contextSize > 0)', d);
    }
    if (!isConditioner(opts.conditioner)) {
      throw argumentError(name, 'conditioner', 'a function (x1, context?) => Tensor or an object with call(x1, {context})', opts.conditioner);
    }
    if (!isTransformer(opts.transformer)) {
      throw argumentError(name, 'transformer', 'a transformer such as affine(), additive() or rationalQuadratic()', opts.transformer);
    }
    if (opts.eventSize !== undefined && (!Number.isInteger(opts.eventSize) || opts.eventSize <= (d ?? 1))) {
      throw argumentError(name, 'eventSize', `an integer > numMasked = ${d ?? 1}`, opts.eventSize);
    }
    super(
      { eventNdims: 1, eventSize: opts.eventSize, name, volumePreserving: opts.transformer.volumePreserving },
      opts.conditioner,
      opts,
    );
    this.numMasked = d;
    this.transformer = opts.transformer;
  }

  /** The number of pass-through units for an event of size `eventSize`. */
  maskedUnits(eventSize: number): number {
    return this.numMasked ?? Math.max(1, Math.floor(eventSize / 2));
  }

  protected override checkInput(t: unknown, argument: string): void {
    super.checkInput(t, argument);
    const shape = (t as tf.Tensor).shape;
    const size = shape[shape.length - 1]!;
    if (size <= this.maskedUnits(size)) {
      throw argumentError(
        this.name,
        argument,
        `a tensor whose last dimension exceeds numMasked = ${this.numMasked ?? 'floor(D / 2)'}`,
        raw(`a tensor of shape ${shapeText(shape)}`),
      );
    }
  }

  private run(v: tf.Tensor, opts: BijectorCallOptions, inverse: boolean): [tf.Tensor, tf.Tensor] {
    this.checkContext(opts.context, v);
    const D = v.shape[v.rank - 1]!;
    const d = this.maskedUnits(D);
    const [v1, v2] = tf.split(v, [d, D - d], -1) as [tf.Tensor, tf.Tensor];
    const params = callConditioner(this.conditioner, v1, opts.context);
    const [w2, ld] = inverse ? this.transformer.inverse(v2, params, this.name) : this.transformer.forward(v2, params, this.name);
    return [tf.concat([v1, w2], -1), ld];
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(x, opts, false);
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(y, opts, true);
  }
}
