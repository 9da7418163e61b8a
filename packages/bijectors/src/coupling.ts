import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, shapeText } from '@densityjs/core';
import type { BijectorCallOptions } from './bijector.js';
import { ConditionedBijector, type ConditionedOptions } from './conditioned-bijector.js';
import { callConditioner, checkContext, isConditioner, type Conditioner } from './conditioner.js';

export interface CouplingOptions extends ConditionedOptions {
  /** Number d of leading units passed through unchanged; they condition the rest. */
  numMasked: number;
  /** Network or function of the first d units (and the context) giving the transformer's parameters. */
  conditioner: Conditioner;
}

/**
 * Coupling layer (Dinh et al. 2015, 2017): `x = [x1, x2]` with `x1 = x[..., :d]`,
 * `y1 = x1`, `y2 = tau(x2; theta)` with `theta = conditioner(x1, context)`. The Jacobian is
 * block-triangular, so `log|det J| = sum log|dtau/dx2|`, and the inverse is one pass:
 * `theta` is recomputed from `y1 = x1`. Subclasses give the transformer `tau`.
 */
export abstract class Coupling extends ConditionedBijector {
  readonly numMasked: number;

  constructor(opts: CouplingOptions, defaultName: string, volumePreserving = false) {
    const name = opts?.name ?? defaultName;
    const d = opts?.numMasked;
    if (!Number.isInteger(d) || d < 1) throw argumentError(name, 'numMasked', 'a positive integer', d);
    if (!isConditioner(opts.conditioner)) {
      throw argumentError(name, 'conditioner', 'a function (x1, context?) => Tensor or an object with call(x1, {context})', opts.conditioner);
    }
    if (opts.eventSize !== undefined && (!Number.isInteger(opts.eventSize) || opts.eventSize <= d)) {
      throw argumentError(name, 'eventSize', `an integer > numMasked = ${d}`, opts.eventSize);
    }
    super({ eventNdims: 1, eventSize: opts.eventSize, name, volumePreserving }, opts.conditioner, opts);
    this.numMasked = d;
  }

  /** `[tau(x2), sum over the last axis of log|dtau/dx2|]` (or the inverse). */
  protected abstract transform(x2: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor];

  /** Validates the conditioner output's shape for `n` transformed units. */
  protected abstract checkParams(params: tf.Tensor, x1: tf.Tensor, n: number): void;

  protected override checkInput(t: unknown, argument: string): void {
    super.checkInput(t, argument);
    const size = (t as tf.Tensor).shape[(t as tf.Tensor).rank - 1]!;
    if (size <= this.numMasked) {
      throw argumentError(
        this.name,
        argument,
        `a tensor whose last dimension exceeds numMasked = ${this.numMasked}`,
        raw(`a tensor of shape ${shapeText((t as tf.Tensor).shape)}`),
      );
    }
  }

  private run(v: tf.Tensor, opts: BijectorCallOptions, inverse: boolean): [tf.Tensor, tf.Tensor] {
    checkContext(this.name, this.contextSize, opts.context, v.shape.slice(0, -1));
    const D = v.shape[v.rank - 1]!;
    const n = D - this.numMasked;
    const [v1, v2] = tf.split(v, [this.numMasked, n], -1) as [tf.Tensor, tf.Tensor];
    const params = callConditioner(this.conditioner, v1, opts.context);
    this.checkParams(params, v1, n);
    const [w2, ld] = this.transform(v2, params, inverse);
    return [tf.concat([v1, w2], -1), ld];
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(x, opts, false);
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(y, opts, true);
  }
}

/** Error for a conditioner output of the wrong shape. */
export function conditionerShapeError(owner: string, expected: string, params: tf.Tensor): Error {
  return argumentError(owner, 'conditioner output', expected, raw(`a tensor of shape ${shapeText(params.shape)}`));
}
