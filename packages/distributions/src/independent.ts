import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { BaseDistribution, type BaseOptions, type Distribution, type LogProbOptions, type SampleOptions } from './distribution.js';

/** Parameters of {@link Independent}: the base distribution and how many batch dims become event dims. */
export interface IndependentOptions extends BaseOptions {
  /** The base distribution whose batch dims are reinterpreted. */
  distribution: Distribution;
  /**
   * How many trailing batch dims become event dims. Default, as TFP: all but the first batch
   * dim (batch rank - 1, at least 0), like a flatten that keeps the leading axis.
   */
  reinterpretedBatchNdims?: number;
}

/**
 * Reinterprets the last `reinterpretedBatchNdims` batch dims of `distribution` as event dims:
 * log p(x) = Σ over those dims of the base log p. Samples are the base's (so reparameterized
 * when it is). Mean, variance, mode are the base's; entropy sums.
 */
export class Independent extends BaseDistribution {
  /** The base distribution. */
  readonly distribution: Distribution;
  /** How many trailing batch dims of the base became event dims. */
  readonly reinterpretedBatchNdims: number;

  constructor({ distribution, reinterpretedBatchNdims, validateArgs, ...unknown }: IndependentOptions = {} as IndependentOptions) {
    super('Independent', validateArgs, unknown, ['distribution', 'reinterpretedBatchNdims']);
    if (!distribution || typeof distribution.logProb !== 'function') {
      throw argumentError('Independent', 'distribution', 'a Distribution', distribution);
    }
    const batch = distribution.batchShape;
    const n = reinterpretedBatchNdims ?? Math.max(batch.length - 1, 0);
    if (!Number.isInteger(n) || n < 0 || n > batch.length) {
      throw argumentError(
        'Independent',
        'reinterpretedBatchNdims',
        `an integer in [0, ${batch.length}] (the base batch rank)`,
        reinterpretedBatchNdims,
      );
    }
    this.distribution = distribution;
    this.reinterpretedBatchNdims = n;
    (this as { reparameterized: boolean }).reparameterized = distribution.reparameterized ?? false;
    this._batchShape = batch.slice(0, batch.length - n);
    this._eventShape = [...batch.slice(batch.length - n), ...distribution.eventShape];
  }

  private reduce(t: tf.Tensor): tf.Tensor {
    const n = this.reinterpretedBatchNdims;
    if (n === 0) return t;
    const axes = Array.from({ length: n }, (_, i) => t.rank - n + i);
    return tf.sum(t, axes);
  }

  protected _logProb(x: tf.Tensor, opts: LogProbOptions): tf.Tensor {
    return this.reduce(this.distribution.logProb(x, opts));
  }

  protected override sampleDtype(): tf.DataType {
    return (this.distribution as { sampleDtype?: () => tf.DataType }).sampleDtype?.call(this.distribution) ?? 'float32';
  }

  protected _sample(sampleShape: number[], opts: SampleOptions): tf.Tensor {
    return this.distribution.sample(sampleShape, opts);
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
    return tf.tidy(() => {
      const { sample, logProb } = this.distribution.sampleAndLogProb(sampleShape, opts);
      return { sample, logProb: this.reduce(logProb) };
    });
  }

  private base(method: 'mean' | 'variance' | 'mode' | 'entropy'): tf.Tensor {
    const fn = this.distribution[method];
    if (typeof fn !== 'function') throw this.notImplemented(method);
    return fn.call(this.distribution);
  }

  protected override _mean(): tf.Tensor {
    return this.base('mean');
  }
  protected override _variance(): tf.Tensor {
    return this.base('variance');
  }
  protected override _mode(): tf.Tensor {
    return this.base('mode');
  }
  protected override _entropy(): tf.Tensor {
    return this.reduce(this.base('entropy'));
  }
}
