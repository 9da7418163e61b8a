import * as tf from '@tensorflow/tfjs-core';
import { argumentError, cholesky, matrixDiagPart, raw, tryReadSync } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

/** Parameters of {@link MultivariateNormalFullCovariance}: the mean and the covariance matrix. */
export interface MultivariateNormalFullCovarianceOptions extends BaseOptions {
  /** Mean, shape batch + [d]. */
  loc: ParamLike;
  /** Symmetric positive-definite covariance Σ, shape batch + [d, d]. */
  covarianceMatrix: ParamLike;
}

/**
 * Multivariate normal N(loc, Σ) given its full covariance; event shape [d].
 *
 * Σ is factored once at construction (Σ = L Lᵀ, core's cholesky, which reads the lower triangle)
 * and every method is MultivariateNormalTriL's with scaleTril L: log p(x) = -|z|²/2 -
 * Σ_i log L_ii - d log(2π)/2 with L z = x - loc; entropy d(1 + log 2π)/2 + Σ log L_ii; variance
 * diag Σ. Reparameterized: x = loc + L ε, differentiable in loc and (the lower triangle of) Σ.
 * With validateArgs, Σ must be symmetric (to float32 rounding) and positive definite.
 */
export class MultivariateNormalFullCovariance extends BaseDistribution {
  override readonly reparameterized = true;
  /** Mean μ, shape batch + [d]. */
  readonly loc: tf.Tensor;
  /** Covariance Σ, shape batch + [d, d]. */
  readonly covarianceMatrix: tf.Tensor;
  /** The Cholesky factor L of Σ. */
  readonly scaleTril: tf.Tensor;
  private readonly tril: MultivariateNormalTriL;

  constructor({ loc, covarianceMatrix, validateArgs, ...unknown }: MultivariateNormalFullCovarianceOptions = {} as MultivariateNormalFullCovarianceOptions) {
    super('MultivariateNormalFullCovariance', validateArgs, unknown, ['loc', 'covarianceMatrix']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.covarianceMatrix = this.param(covarianceMatrix, 'covarianceMatrix');
    const cov = this.covarianceMatrix;
    if (this.loc.rank < 1) throw this.fail(argumentError(this.name, 'loc', 'a tensor of rank >= 1 (batch + [d])', this.loc));
    const d = cov.shape[cov.rank - 1]!;
    if (cov.rank < 2 || cov.shape[cov.rank - 2] !== d) {
      throw this.fail(argumentError(this.name, 'covarianceMatrix', 'a tensor of shape batch + [d, d] (square in its last two dims)', cov));
    }
    if (this.loc.shape[this.loc.rank - 1] !== d) {
      throw this.fail(argumentError(this.name, 'loc', `a tensor of shape batch + [${d}] to match covarianceMatrix`, this.loc));
    }
    this._batchShape = this.batchOf({ loc: this.loc, covarianceMatrix: cov }, { loc: 1, covarianceMatrix: 2 });
    this._eventShape = [d];
    this.check(cov, Number.isFinite, 'covarianceMatrix', 'finite');
    if (this.validateArgs) {
      try {
        checkSymmetric(cov, this.name);
      } catch (e) {
        throw this.fail(e);
      }
    }
    this.scaleTril = cholesky(cov);
    this.owned.push(this.scaleTril);
    if (this.validateArgs) {
      const pivots = tf.tidy(() => matrixDiagPart(this.scaleTril));
      const values = tryReadSync(pivots);
      pivots.dispose();
      if (values && !Array.from(values).every((v) => v > 0 && Number.isFinite(v))) {
        throw this.fail(argumentError(this.name, 'covarianceMatrix', 'positive definite (its Cholesky factorization failed)', cov));
      }
    }
    this.tril = new MultivariateNormalTriL({ loc: this.loc, scaleTril: this.scaleTril, validateArgs: false });
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return this.tril.logProb(x);
  }
  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return this.tril.sample(sampleShape, { seed });
  }
  protected override _mean(): tf.Tensor {
    return this.tril.mean();
  }
  protected override _mode(): tf.Tensor {
    return this.tril.mean();
  }
  protected override _variance(): tf.Tensor {
    return broadcastTo(matrixDiagPart(this.covarianceMatrix), [...this._batchShape, ...this._eventShape]);
  }
  protected override _entropy(): tf.Tensor {
    return this.tril.entropy();
  }

  /** Σ, shape batch + [d, d]. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const d = this._eventShape[0]!;
      return tf.clone(broadcastTo(this.covarianceMatrix, [...this._batchShape, d, d]));
    });
  }
}

/** Σ_ij = Σ_ji to float32 rounding (relative 1e-6 of the larger magnitude). */
function checkSymmetric(cov: tf.Tensor, owner: string): void {
  const data = tryReadSync(cov);
  if (!data) return;
  const d = cov.shape[cov.rank - 1]!;
  const count = data.length / (d * d);
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const a = data[m * d * d + i * d + j]!;
        const b = data[m * d * d + j * d + i]!;
        if (Math.abs(a - b) > 1e-6 * Math.max(Math.abs(a), Math.abs(b))) {
          throw argumentError(owner, 'covarianceMatrix', 'symmetric', raw(`${a} at [${i}, ${j}] but ${b} at [${j}, ${i}] of matrix ${m}`));
        }
      }
    }
  }
}
