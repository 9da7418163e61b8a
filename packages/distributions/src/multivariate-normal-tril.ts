import * as tf from '@tensorflow/tfjs-core';
import { argumentError, matrixDiagPart, raw, triangularSolveLower, tryReadSync } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { standardNormal } from './random.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link MultivariateNormalTriL}: the mean and the lower-triangular scale. */
export interface MultivariateNormalTriLOptions extends BaseOptions {
  /** Mean, shape batch + [d]. */
  loc: ParamLike;
  /** Lower-triangular scale L with positive diagonal (covariance L Lᵀ), shape batch + [d, d]. */
  scaleTril: ParamLike;
}

/**
 * Multivariate normal N(loc, L Lᵀ) with a lower-triangular scale L; event shape [d].
 *
 * log p(x) = -|z|²/2 - Σ_i log L_ii - d log(2π)/2, where L z = x - loc is solved by forward
 * substitution (no matrix inverse, no Cholesky needed). Reparameterized: x = loc + L ε.
 * Entropy d(1 + log 2π)/2 + Σ log L_ii; variance = diag(L Lᵀ) = Σ_j L_ij².
 */
export class MultivariateNormalTriL extends BaseDistribution {
  override readonly reparameterized = true;
  /** Mean μ, shape batch + [d]. */
  readonly loc: tf.Tensor;
  /** Lower-triangular scale L (Σ = L Lᵀ), shape batch + [d, d]. */
  readonly scaleTril: tf.Tensor;

  constructor({ loc, scaleTril, validateArgs, ...unknown }: MultivariateNormalTriLOptions = {} as MultivariateNormalTriLOptions) {
    super('MultivariateNormalTriL', validateArgs, unknown, ['loc', 'scaleTril']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.scaleTril = this.param(scaleTril, 'scaleTril');
    if (this.loc.rank < 1) throw this.fail(argumentError(this.name, 'loc', 'a tensor of rank >= 1 (batch + [d])', this.loc));
    const L = this.scaleTril;
    const d = L.shape[L.rank - 1]!;
    if (L.rank < 2 || L.shape[L.rank - 2] !== d) {
      throw this.fail(argumentError(this.name, 'scaleTril', 'a tensor of shape batch + [d, d] (square in its last two dims)', L));
    }
    if (this.loc.shape[this.loc.rank - 1] !== d) {
      throw this.fail(argumentError(this.name, 'loc', `a tensor of shape batch + [${d}] to match scaleTril`, this.loc));
    }
    this._batchShape = this.batchOf({ loc: this.loc, scaleTril: L }, { loc: 1, scaleTril: 2 });
    this._eventShape = [d];
    this.check(L, Number.isFinite, 'scaleTril', 'finite');
    if (this.validateArgs) {
      try {
        checkLowerTriangular(L, this.name, 'scaleTril');
      } catch (e) {
        throw this.fail(e);
      }
    }
  }

  private diag(): tf.Tensor {
    return matrixDiagPart(this.scaleTril);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const d = this._eventShape[0]!;
    const z = triangularSolveLower(this.scaleTril, tf.sub(x, this.loc));
    const logDet = tf.sum(tf.log(this.diag()), -1);
    return tf.sub(tf.mul(tf.scalar(-0.5), tf.sum(tf.square(z), -1)), tf.add(logDet, tf.scalar(0.5 * d * LOG_TWO_PI)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const eps = standardNormal(this.drawShape(sampleShape), seed); // S + B + [d]
    // (L ε)_i = Σ_j L_ij ε_j as a broadcast multiply and sum: batch dims of any rank broadcast,
    // and no transposed matMul in the gradient.
    const le = tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1);
    return tf.add(le, this.loc);
  }

  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, [...this._batchShape, ...this._eventShape]));
  }
  protected override _mode(): tf.Tensor {
    return this._mean();
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(tf.sum(tf.square(this.scaleTril), -1), [...this._batchShape, ...this._eventShape]);
  }
  protected override _entropy(): tf.Tensor {
    const d = this._eventShape[0]!;
    const logDet = broadcastTo(tf.sum(tf.log(this.diag()), -1), this._batchShape);
    return tf.add(logDet, tf.scalar(0.5 * d * (1 + LOG_TWO_PI)));
  }

  /** Covariance L Lᵀ, shape batch + [d, d]. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const L = this.scaleTril;
      const perm = [...Array(L.rank - 2).keys(), L.rank - 1, L.rank - 2];
      const cov = tf.matMul(L, tf.transpose(L, perm));
      const d = this._eventShape[0]!;
      return broadcastTo(cov, [...this._batchShape, d, d]);
    });
  }
}

/** Lower triangular (zeros above the diagonal) with a positive diagonal. */
function checkLowerTriangular(L: tf.Tensor, owner: string, argument: string): void {
  const data = tryReadSync(L);
  if (!data) return;
  const d = L.shape[L.rank - 1]!;
  const count = data.length / (d * d);
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const v = data[m * d * d + i * d + j]!;
        if (j > i && v !== 0) {
          throw argumentError(owner, argument, 'lower triangular (zeros above the diagonal)', raw(`${v} at [${i}, ${j}] of matrix ${m}`));
        }
        if (i === j && !(v > 0)) {
          throw argumentError(owner, argument, 'a positive diagonal', raw(`${v} at [${i}, ${i}] of matrix ${m}`));
        }
      }
    }
  }
}
