import * as tf from '@tensorflow/tfjs-core';
import { argumentError, deriveSeed, nonDifferentiable, raw, shapeText } from '@densityjs/core';
import { Categorical } from './categorical.js';
import { BaseDistribution, type BaseOptions, type Distribution, type SampleOptions } from './distribution.js';

/** Parameters of {@link Mixture}: the mixing Categorical and the list of components. */
export interface MixtureOptions extends BaseOptions {
  /** The mixture weights: a Categorical over K components, batch shape B. */
  cat: Categorical;
  /** K distributions of any families, each with batch shape B and one common event shape. */
  components: Distribution[];
}

/** log Σ exp(x) over `axis`, -Infinity (not NaN) where every term is -Infinity. */
function logSumExpSafe(x: tf.Tensor, axis: number): tf.Tensor {
  const m = tf.max(x, axis, true);
  const mSafe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
  return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, mSafe)), axis)), tf.squeeze(mSafe, [axis < 0 ? x.rank + axis : axis]));
}

/**
 * A mixture of K distributions of possibly different families (TFP's Mixture):
 * p(x) = Σ_k π_k p_k(x) with π from `cat`.
 *
 * log p(x) = logSumExp_k(log π_k + log p_k(x)) (-Infinity where no component has support).
 * Mean Σ_k π_k μ_k, variance Σ_k π_k (σ_k² + μ_k²) - μ² (elementwise over the event), cdf
 * Σ_k π_k F_k(x) for scalar events (each where the components define them). Sampling draws
 * every component and keeps the one `cat` picks (not reparameterized: the choice is discrete).
 * The components and `cat` are not owned: dispose() leaves them to the caller.
 */
export class Mixture extends BaseDistribution {
  /** The mixing Categorical over the components. */
  readonly cat: Categorical;
  /** The component distributions, one per category. */
  readonly components: readonly Distribution[];

  constructor({ cat, components, validateArgs, ...unknown }: MixtureOptions = {} as MixtureOptions) {
    super('Mixture', validateArgs, unknown, ['cat', 'components']);
    if (!(cat instanceof Categorical)) throw argumentError(this.name, 'cat', 'a Categorical', cat);
    if (!Array.isArray(components) || components.length === 0) throw argumentError(this.name, 'components', 'a non-empty array of distributions', components);
    if (components.length !== cat.numCategories) {
      throw argumentError(this.name, 'components', `${cat.numCategories} distributions (one per category of cat)`, raw(`${components.length} distributions`));
    }
    components.forEach((c, k) => {
      if (c === null || typeof c !== 'object' || typeof (c as Distribution).logProb !== 'function') {
        throw argumentError(this.name, `components[${k}]`, 'a distribution', c);
      }
    });
    const batch = cat.batchShape;
    const event = components[0]!.eventShape;
    components.forEach((c, k) => {
      if (shapeText(c.batchShape) !== shapeText(batch)) {
        throw argumentError(this.name, `components[${k}]`, `a distribution of batch shape ${shapeText(batch)} (cat's)`, raw(`batch shape ${shapeText(c.batchShape)}`));
      }
      if (shapeText(c.eventShape) !== shapeText(event)) {
        throw argumentError(this.name, `components[${k}]`, `a distribution of event shape ${shapeText(event)} (components[0]'s)`, raw(`event shape ${shapeText(c.eventShape)}`));
      }
    });
    this.cat = cat;
    this.components = components.slice();
    this._batchShape = batch.slice();
    this._eventShape = event.slice();
  }

  /** log π, shape batch + [K]. */
  private logWeights(): tf.Tensor {
    return tf.logSoftmax(this.cat.logits);
  }

  /** Per-component values stacked on a new last axis. */
  private stacked(fn: (c: Distribution) => tf.Tensor): tf.Tensor {
    return tf.stack(this.components.map(fn), -1);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return logSumExpSafe(tf.add(this.stacked((c) => c.logProb(x)), this.logWeights()), -1);
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const draws = this.components.map((c, k) => c.sample(sampleShape, { seed: deriveSeed(seed, k + 1) }));
    const all = tf.stack(draws.map((d) => tf.cast(d, 'float32')), 0); // [K] + S + B + E
    const K = this.components.length;
    const index = this.cat.sample(sampleShape, { seed: deriveSeed(seed, 0) }); // S + B
    let picked = nonDifferentiable((i) => tf.cast(tf.oneHot(tf.cast(i, 'int32'), K), 'float32'), index); // S + B + [K]
    // Move K to the front and give it the event's trailing dims.
    picked = tf.transpose(picked, [picked.rank - 1, ...Array.from({ length: picked.rank - 1 }, (_, i) => i)]);
    for (let i = 0; i < this._eventShape.length; i++) picked = tf.expandDims(picked, -1);
    return tf.sum(tf.where(tf.broadcastTo(tf.cast(picked, 'bool'), all.shape), all, tf.zerosLike(all)), 0);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.sum(tf.mul(this.stacked((c) => this.need(c, 'cdf').call(c, x)), tf.softmax(this.cat.logits)), -1);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return logSumExpSafe(tf.add(this.stacked((c) => this.need(c, 'logCdf').call(c, x)), this.logWeights()), -1);
  }

  /** π_k as batch + event-broadcastable tensors: batch + [1, ..., 1] + [K]. */
  private weightsOverEvent(): tf.Tensor {
    let w = tf.softmax(this.cat.logits);
    for (let i = 0; i < this._eventShape.length; i++) w = tf.expandDims(w, -2);
    return w;
  }

  protected override _mean(): tf.Tensor {
    return tf.sum(tf.mul(this.stacked((c) => this.need(c, 'mean').call(c)), this.weightsOverEvent()), -1);
  }
  protected override _variance(): tf.Tensor {
    const w = this.weightsOverEvent();
    const means = this.stacked((c) => this.need(c, 'mean').call(c));
    const vars = this.stacked((c) => this.need(c, 'variance').call(c));
    const mean = tf.sum(tf.mul(means, w), -1);
    const second = tf.sum(tf.mul(tf.add(vars, tf.square(means)), w), -1);
    return tf.maximum(tf.sub(second, tf.square(mean)), tf.scalar(0));
  }

  private need<M extends 'mean' | 'variance' | 'cdf' | 'logCdf'>(c: Distribution, method: M): NonNullable<Distribution[M]> {
    const fn = c[method];
    if (typeof fn !== 'function') throw this.notImplemented(`${method} (a component has none)`);
    return fn as NonNullable<Distribution[M]>;
  }

  /** Leaves the components and cat (owned by the caller) alone. */
  override dispose(): void {
    super.dispose();
  }
}
