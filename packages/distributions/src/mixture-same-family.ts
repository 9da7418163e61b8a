import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, deriveSeed, nonDifferentiable, raw, shapeText } from '@densityjs/core';
import { Categorical } from './categorical.js';
import { BaseDistribution, type BaseOptions, type Distribution, type LogProbOptions, type SampleOptions } from './distribution.js';

/** Parameters of {@link MixtureSameFamily}: the mixing Categorical and the batched components. */
export interface MixtureSameFamilyOptions extends BaseOptions {
  /** Mixture weights: a Categorical with batch shape B over K components. */
  mixtureDistribution: Categorical;
  /** The K components: batch shape B + [K], event shape E. */
  componentsDistribution: Distribution;
}

/**
 * Mixture of K distributions of one family: p(x) = Σ_k π_k p_k(x).
 *
 * log p(x) = logsumexp_k (log π_k + log p_k(x)), with log π = logSoftmax(logits), all in log
 * space (no log(Σ exp)). Sampling draws the component index, then the value from every
 * component and keeps the chosen one with a one-hot mask (no gather, so it runs on every
 * backend). mean = Σ π_k μ_k; variance (elementwise) = Σ π_k (σ²_k + (μ_k - μ)²).
 * Batch shape B, event shape E.
 */
export class MixtureSameFamily extends BaseDistribution {
  /** The mixing Categorical over the K components. */
  readonly mixtureDistribution: Categorical;
  /** The components, batched along the last batch dim (size K). */
  readonly componentsDistribution: Distribution;
  /** Number of components K. */
  readonly numComponents: number;

  constructor({ mixtureDistribution, componentsDistribution, validateArgs, ...unknown }: MixtureSameFamilyOptions = {} as MixtureSameFamilyOptions) {
    super('MixtureSameFamily', validateArgs, unknown, ['mixtureDistribution', 'componentsDistribution']);
    if (!(mixtureDistribution instanceof Categorical)) {
      throw argumentError(this.name, 'mixtureDistribution', 'a Categorical', mixtureDistribution);
    }
    if (!componentsDistribution || typeof componentsDistribution.logProb !== 'function') {
      throw argumentError(this.name, 'componentsDistribution', 'a Distribution', componentsDistribution);
    }
    const cb = componentsDistribution.batchShape;
    const K = mixtureDistribution.numCategories;
    const mb = mixtureDistribution.batchShape;
    const expected = [...mb, K];
    if (cb.length !== expected.length || cb.some((d, i) => d !== expected[i])) {
      throw argumentError(
        this.name,
        'componentsDistribution',
        `batch shape ${shapeText(expected)} (mixtureDistribution's batch shape + [numComponents])`,
        raw(`batch shape ${shapeText(cb)}`),
      );
    }
    this.mixtureDistribution = mixtureDistribution;
    this.componentsDistribution = componentsDistribution;
    this.numComponents = K;
    this._batchShape = mb;
    this._eventShape = componentsDistribution.eventShape;
  }

  /** Moves the component axis of a batch + [K] + E tensor next to E's start: inserts x's axis. */
  private expandValue(x: tf.Tensor): tf.Tensor {
    return tf.expandDims(x, x.rank - this._eventShape.length);
  }

  protected _logProb(x: tf.Tensor, opts: LogProbOptions): tf.Tensor {
    const componentLogProb = this.componentsDistribution.logProb(this.expandValue(x), opts); // S + B + [K]
    const logWeights = tf.logSoftmax(this.mixtureDistribution.logits); // B + [K]
    return tf.logSumExp(tf.add(componentLogProb, logWeights), -1);
  }

  protected override sampleDtype(): tf.DataType {
    const c = this.componentsDistribution as { sampleDtype?: () => tf.DataType };
    return c.sampleDtype?.call(c) ?? 'float32';
  }

  protected _sample(sampleShape: number[], { seed, context }: SampleOptions): tf.Tensor {
    const K = this.numComponents;
    const index = this.mixtureDistribution.sample(sampleShape, { seed: deriveSeed(seed, 0) }); // S + B
    const values = this.componentsDistribution.sample(sampleShape, { seed: deriveSeed(seed, 1), context }); // S + B + [K] + E
    // int32 one-hot, then cast: tfjs-backend-wasm's OneHot ignores a float32 dtype (it returns
    // int32 bits), so tf.oneHot(..., 'float32') would corrupt the mixing on wasm.
    // One component: every draw is its own (tfjs' oneHot needs a depth >= 2).
    let mask = K === 1 ? tf.onesLike(tf.expandDims(tf.cast(index, 'float32'), -1)) : nonDifferentiable((i) => tf.cast(tf.oneHot(i, K), 'float32'), index); // S + B + [K]
    for (let i = 0; i < this._eventShape.length; i++) mask = tf.expandDims(mask, -1);
    const mixed = tf.sum(tf.mul(values, mask), sampleShape.length + this._batchShape.length);
    // Integer components (Poisson, Binomial) keep their int32 draws through the float mask.
    const dtype = this.sampleDtype();
    return dtype === 'float32' ? mixed : tf.cast(mixed, dtype);
  }

  private weights(): tf.Tensor {
    // B + [K] + ones for the event dims, to broadcast against component moments.
    let w = tf.softmax(this.mixtureDistribution.logits);
    for (let i = 0; i < this._eventShape.length; i++) w = tf.expandDims(w, -1);
    return w;
  }

  private component(method: 'mean' | 'variance'): tf.Tensor {
    const fn = this.componentsDistribution[method];
    if (typeof fn !== 'function') throw this.notImplemented(method);
    return fn.call(this.componentsDistribution);
  }

  protected override _mean(): tf.Tensor {
    const axis = this._batchShape.length;
    return tf.sum(tf.mul(this.weights(), this.component('mean')), axis);
  }

  protected override _variance(): tf.Tensor {
    const axis = this._batchShape.length;
    const w = this.weights();
    const means = this.component('mean');
    const mean = tf.sum(tf.mul(w, means), axis, true);
    const spread = tf.add(this.component('variance'), tf.square(tf.sub(means, mean)));
    return tf.sum(tf.mul(w, spread), axis);
  }

  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    const fn = this.componentsDistribution.logCdf;
    if (typeof fn !== 'function' || this._eventShape.length !== 0) throw this.notImplemented('cdf/logCdf');
    const componentLogCdf = fn.call(this.componentsDistribution, this.expandValue(x));
    return tf.logSumExp(tf.add(componentLogCdf, tf.logSoftmax(this.mixtureDistribution.logits)), -1);
  }
  /**
   * A Monte Carlo estimate of the entropy (a mixture has no closed form): H ≈ -(1/n) Σ_i log p(x_i)
   * over n draws x_i (`samples`, default 1000; reproducible with `seed`), shape batchShape. Its
   * standard error is the standard deviation of log p(X) over √n.
   */
  entropyEstimate(opts: { samples?: number; seed?: number } = {}): tf.Tensor {
    checkOptionKeys(`${this.name}.entropyEstimate`, opts, ['samples', 'seed']);
    const { samples = 1000, seed } = opts;
    if (!Number.isInteger(samples) || samples < 1) throw argumentError(this.name, 'samples', 'a positive integer', samples);
    return tf.tidy(() => {
      const { logProb } = this.sampleAndLogProb(samples, { seed });
      return tf.neg(tf.mean(logProb, 0));
    });
  }
}
