import * as tf from '@tensorflow/tfjs-core';
import { argumentError, type BijectorLike } from '@densityjs/core';
import { BaseDistribution, type BaseOptions, type Distribution, type LogProbOptions, type SampleOptions } from './distribution.js';

/** Parameters of {@link TransformedDistribution}: the base distribution and the bijector. */
export interface TransformedDistributionOptions extends BaseOptions {
  /** The base distribution p(x). */
  distribution: Distribution;
  /** Any object with the bijector contract; forward maps base samples x to values y. */
  bijector: BijectorLike;
  /** Name used in error messages (subclasses such as flows pass theirs). */
  name?: string;
}

/**
 * The distribution of y = f(x), x ~ p, for a bijector f (forward = sampling direction):
 *
 *   log q(y) = log p(f⁻¹(y)) + log|det ∂f⁻¹/∂y|          (logProb, one inverse pass)
 *   log q(f(x)) = log p(x) - log|det ∂f/∂x|              (sampleAndLogProb, one forward pass)
 *
 * `context` goes to both the base and the bijector (conditional flows). The event rank is
 * max(base event rank, bijector.eventNdims): when the bijector acts on more dims than the base
 * event (e.g. a vector bijector over a batch of scalar Normals), those base batch dims become
 * event dims and their log-probs are summed; when the bijector's log-det is finer than the event
 * (an elementwise bijector on a vector event), it is summed over the remaining event dims.
 * Reparameterized when the base is (the bijector is differentiable). logProb of a y outside the
 * bijector's image (where the bijector returns NaN) is -Infinity unless validateArgs is false.
 */
export class TransformedDistribution extends BaseDistribution {
  /** The base distribution of z. */
  readonly distribution: Distribution;
  /** The bijector f: x = f(z). */
  readonly bijector: BijectorLike;
  /** Event rank of this distribution (see above). */
  private readonly eventRank: number;

  constructor(opts: TransformedDistributionOptions) {
    const { distribution, bijector, validateArgs, name, ...unknown } = opts ?? ({} as TransformedDistributionOptions);
    super(name ?? 'TransformedDistribution', validateArgs, unknown, ['distribution', 'bijector', 'name']);
    if (!distribution || typeof distribution.logProb !== 'function' || typeof distribution.sample !== 'function') {
      throw argumentError(this.name, 'distribution', 'a Distribution', distribution);
    }
    if (
      !bijector ||
      typeof bijector.forwardAndLogDet !== 'function' ||
      typeof bijector.inverseAndLogDet !== 'function' ||
      typeof bijector.eventNdims !== 'number'
    ) {
      throw argumentError(this.name, 'bijector', 'a bijector (forwardAndLogDet, inverseAndLogDet, eventNdims)', bijector);
    }
    this.distribution = distribution;
    this.bijector = bijector;
    const baseBatch = distribution.batchShape;
    const baseEvent = distribution.eventShape;
    this.eventRank = Math.max(baseEvent.length, bijector.eventNdims);
    const absorbed = this.eventRank - baseEvent.length;
    if (absorbed > baseBatch.length) {
      throw argumentError(
        this.name,
        'bijector',
        `eventNdims <= base batch rank + event rank (${baseBatch.length + baseEvent.length})`,
        bijector.eventNdims,
      );
    }
    const xEvent = [...baseBatch.slice(baseBatch.length - absorbed), ...baseEvent];
    this._batchShape = baseBatch.slice(0, baseBatch.length - absorbed);
    this._eventShape = bijector.forwardEventShape ? bijector.forwardEventShape(xEvent) : xEvent;
    (this as { reparameterized: boolean }).reparameterized = distribution.reparameterized ?? false;
  }

  /**
   * What training updates: the bijector's variables, then the base distribution's (a base with
   * `trainableVariables`), without repeats. `fit` trains any TransformedDistribution that has some.
   */
  get trainableVariables(): tf.Variable[] {
    const base = (this.distribution as { trainableVariables?: tf.Variable[] }).trainableVariables ?? [];
    return [...new Set([...(this.bijector.trainableVariables ?? []), ...base])];
  }

  /** The bijector's non-trainable state (BatchNormalization running statistics). */
  get nonTrainableVariables(): tf.Variable[] {
    return [...(this.bijector.nonTrainableVariables ?? [])];
  }

  /** The bijector's training mode (see BatchNormalization); false for bijectors without one. */
  get training(): boolean {
    return this.bijector.training ?? false;
  }

  /** Sets the bijector's training mode (ignored by bijectors without one). */
  set training(value: boolean) {
    if (typeof value !== 'boolean') throw argumentError(this.name, 'training', 'a boolean', value);
    if (this.bijector.training !== undefined) this.bijector.training = value;
  }

  /** Sums the trailing dims of `t` so its rank is `targetRank` (no-op in the common case). */
  private reduceTo(t: tf.Tensor, targetRank: number): tf.Tensor {
    const extra = t.rank - targetRank;
    if (extra <= 0) return t;
    return tf.sum(t, Array.from({ length: extra }, (_, i) => targetRank + i));
  }

  protected _logProb(y: tf.Tensor, { context }: LogProbOptions): tf.Tensor {
    const [x, ildj] = this.bijector.inverseAndLogDet(y, { context });
    const rank = y.rank - this._eventShape.length;
    const baseLogProb = this.distribution.logProb(x, { context });
    const lp = tf.add(this.reduceTo(baseLogProb, rank), this.reduceTo(ildj, rank));
    // y outside the bijector's image (log of a negative, atanh beyond ±1) comes back NaN from
    // the bijector: its density there is 0, so -Infinity. Three kernels on [batch] (IsNan, Fill,
    // Select; a scalar -Infinity would add a broadcast), skipped with validateArgs: false.
    if (!this.validateArgs) return lp;
    return tf.where(tf.isNaN(lp), tf.fill(lp.shape, -Infinity), lp);
  }

  protected _sample(sampleShape: number[], { seed, context }: SampleOptions): tf.Tensor {
    const x = this.distribution.sample(sampleShape, { seed, context });
    return this.bijector.forward(x, { context });
  }

  override sampleAndLogProb(
    sampleShape?: number | number[],
    opts: SampleOptions = {},
  ): {
    /** The draw, shape sampleShape + batchShape + eventShape. */
    sample: tf.Tensor;
    /** log p(sample), shape sampleShape + batchShape. */
    logProb: tf.Tensor;
  } {
    const { seed, context } = opts;
    return tf.tidy(() => {
      const { sample: x, logProb: baseLogProb } = this.distribution.sampleAndLogProb(sampleShape, { seed, context });
      const [y, fldj] = this.bijector.forwardAndLogDet(x, { context });
      const rank = y.rank - this._eventShape.length;
      return { sample: y, logProb: tf.sub(this.reduceTo(baseLogProb, rank), this.reduceTo(fldj, rank)) };
    });
  }
  /**
   * E[f(X)] = f(E[X]) when the bijector is affine (it declares `affine: true`: shifts, scales,
   * permutations, linear maps and chains or inverses of them); not implemented otherwise.
   */
  protected override _mean(): tf.Tensor {
    return this.bijector.forward(this.affineBase('mean').mean!());
  }
  /** The mode of f(X) = f(mode of X) for an affine bijector (constant Jacobian). */
  protected override _mode(): tf.Tensor {
    return this.bijector.forward(this.affineBase('mode').mode!());
  }
  /** The base distribution, once the bijector is known to be affine and the base has `method`. */
  private affineBase(method: 'mean' | 'mode'): Distribution {
    if ((this.bijector as { affine?: boolean }).affine !== true) throw this.notImplemented(`${method} (only through an affine bijector, one with affine: true)`);
    if (typeof this.distribution[method] !== 'function') throw this.notImplemented(`${method} (the base distribution has none)`);
    return this.distribution;
  }
}
