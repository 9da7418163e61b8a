import * as tf from '@tensorflow/tfjs-core';
import { checkValues } from '@densityjs/core';
import { BaseDistribution, broadcastTo, maskOutside, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniform } from './random.js';

/** Parameters of {@link Uniform}: the bounds of the support. */
export interface UniformOptions extends BaseOptions {
  /** Lower end of the support (included). */
  low: ParamLike;
  /** Upper end of the support (excluded), > low. */
  high: ParamLike;
}

/**
 * Continuous uniform distribution on [low, high) (TFP's half-open convention).
 *
 * log p(x) = -log(high - low) inside the support, -Infinity outside.
 * cdf(x) = clip((x - low)/(high - low), 0, 1). Reparameterized: x = low + (high - low) u.
 */
export class Uniform extends BaseDistribution {
  override readonly reparameterized = true;
  /** Lower end of the support. */
  readonly low: tf.Tensor;
  /** Upper end of the support. */
  readonly high: tf.Tensor;

  constructor({ low, high, validateArgs, ...unknown }: UniformOptions = {} as UniformOptions) {
    super('Uniform', validateArgs, unknown, ['low', 'high']);
    this.low = this.param(low, 'low');
    this.high = this.param(high, 'high');
    this.check(this.low, Number.isFinite, 'low', 'finite');
    this.check(this.high, Number.isFinite, 'high', 'finite');
    this._batchShape = this.batchOf({ low: this.low, high: this.high });
    if (this.validateArgs) {
      const width = tf.sub(this.high, this.low);
      try {
        checkValues(width, (v) => v > 0, 'Uniform', 'high - low', '> 0 (low < high elementwise)');
      } catch (e) {
        throw this.fail(e);
      } finally {
        width.dispose();
      }
    }
  }

  private width(): tf.Tensor {
    return tf.sub(this.high, this.low);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const inside = tf.logicalAnd(tf.greaterEqual(x, this.low), tf.less(x, this.high));
    return maskOutside(inside, tf.neg(tf.log(this.width())));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const u = uniform(this.drawShape(sampleShape), 0, 1, seed);
    return tf.add(this.low, tf.mul(u, this.width()));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.clipByValue(tf.div(tf.sub(x, this.low), this.width()), 0, 1);
  }
  protected override _logCdf(x: tf.Tensor): tf.Tensor {
    return tf.log(this._cdf(x));
  }
  protected override _mean(): tf.Tensor {
    return broadcastTo(tf.mul(tf.add(this.low, this.high), tf.scalar(0.5)), this._batchShape);
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.div(tf.square(this.width()), tf.scalar(12)), this._batchShape);
  }
  protected override _entropy(): tf.Tensor {
    return broadcastTo(tf.log(this.width()), this._batchShape);
  }
  /** S(x) = clip((high - x) / (high - low), 0, 1). */
  protected override _survivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.clipByValue(tf.div(tf.sub(this.high, x), this.width()), 0, 1);
  }
  protected override _logSurvivalFunction(x: tf.Tensor): tf.Tensor {
    return tf.log(this._survivalFunction(x));
  }
  /** x = low + p (high - low). */
  protected override _quantile(p: tf.Tensor): tf.Tensor {
    return tf.add(this.low, tf.mul(p, this.width()));
  }
  /** Every point of [low, high) is a mode, so none is singled out: NaN (as PyTorch's Uniform.mode). */
  protected override _mode(): tf.Tensor {
    return tf.fill(this._batchShape, NaN);
  }
}

