import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';

/**
 * The inverse bijector `g = f^{-1}`: `g.forward = f.inverse`, `g.inverse = f.forward`, and the
 * log-dets swap (`log|det J_g(y)| = log|det J_{f^{-1}}(y)|`). `new Invert(maf)` is an inverse
 * autoregressive flow (IAF): one-pass sampling, sequential density evaluation.
 *
 * Shares (and on `dispose()` disposes) the wrapped bijector.
 */
export class Invert extends Bijector {
  /** The wrapped bijector f; this one is f⁻¹. */
  readonly bijector: Bijector;

  constructor(bijector: Bijector, opts: BijectorBaseOptions = {}) {
    if (!(bijector instanceof Bijector)) {
      throw argumentError(opts.name ?? 'Invert', 'bijector', 'a Bijector instance', bijector);
    }
    super({
      eventNdims: bijector.eventNdims,
      eventSize: bijector.eventSize,
      volumePreserving: bijector.volumePreserving,
      name: opts.name ?? `Invert(${bijector.name})`,
    });
    this.bijector = bijector;
  }

  override get members(): readonly Bijector[] {
    return [this.bijector];
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.bijector.inverseAndLogDet(x, opts);
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.bijector.forwardAndLogDet(y, opts);
  }

  protected override _forward(x: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    return this.bijector.inverse(x, opts);
  }

  protected override _inverse(y: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    return this.bijector.forward(y, opts);
  }
}
