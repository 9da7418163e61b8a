import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, checkSeed, freshSeed } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { ParameterSet } from './parameter.js';
import { luDecompose, randomOrthogonal } from './lu-initialization.js';

/** Options of {@link ScaleMatvecLU}. */
export interface ScaleMatvecLUOptions extends BijectorBaseOptions {
  /** Event size D (W is D x D). */
  eventSize: number;
  /** Seed of the random orthogonal initialization: any integer, 0 included (default: random). */
  seed?: number;
}

/** Bound on |log|s_i||: exp and its reciprocal stay far from float32 underflow and overflow. */
const LOG_ABS_SCALE_LIMIT = 15;

/**
 * Invertible linear map `y = W x` (Glow's invertible 1x1 convolution, Kingma & Dhariwal 2018)
 * with W kept in LU form, `W = P L (U + diag(s))`: P a fixed permutation, L unit
 * lower-triangular, U strictly upper-triangular, `s = sign * exp(clip(logAbsScale, -15, 15))`
 * with a fixed sign. Then `log|det J| = sum_i log|s_i|`, O(D), and W can never become singular:
 * the clip (LOG_ABS_SCALE_LIMIT; its gradient is zero beyond it) keeps every |s_i| within
 * [e^-15, e^15], so s and 1/s stay finite in float32 whatever value training gives
 * `logAbsScale`.
 *
 * Trainable: the strictly lower part of `lower`, the strictly upper part of `upper`, and
 * `logAbsScale`. Initialized from the pivoted LU decomposition of a seeded random orthogonal
 * matrix (so it starts volume-preserving, as in Glow).
 *
 * The inverse uses `W^{-1} = (U + diag(s))^{-1} L^{-1} P^T`; the triangular inverses come from
 * the nilpotent series `(I + N)^{-1} = prod_j (I + (-N)^{2^j})` (N strictly triangular, N^D = 0):
 * O(log D) matrix products, differentiable by ordinary autodiff.
 */
export class ScaleMatvecLU extends Bijector {
  /** L: its strictly lower part is trainable (the diagonal is 1), shape [D, D]. */
  readonly lower: tf.Variable;
  /** U: its strictly upper part is trainable (the diagonal comes from `logAbsScale`), shape [D, D]. */
  readonly upper: tf.Variable;
  /** log|s|, the log-magnitudes of W's LU diagonal (trainable), shape [D]. */
  readonly logAbsScale: tf.Variable;
  /**
   * The seed the fixed parts (permutation P, signs of s) and the initial values came from:
   * store it with the trained variables to rebuild the same bijector.
   */
  readonly seed: number;
  private readonly sign: tf.Tensor;
  private readonly permutation: tf.Tensor; // P as a matrix
  private readonly lowerMask: tf.Tensor;
  private readonly upperMask: tf.Tensor;
  private readonly eye: tf.Tensor;
  private readonly params = new ParameterSet();

  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: ScaleMatvecLUOptions) {
    const name = opts?.name ?? 'ScaleMatvecLU';
    checkOptionKeys(name, opts, ['eventSize', 'seed', 'name']);
    const d = opts?.eventSize;
    if (!Number.isInteger(d) || d < 1) throw argumentError(name, 'eventSize', 'a positive integer', d);
    super({ eventNdims: 1, eventSize: d, name });
    const seed = checkSeed(name, opts.seed) ?? freshSeed();
    this.seed = seed;
    const { lower, upper, perm } = luDecompose(randomOrthogonal(d, seed));
    const diag = upper.map((row, i) => row[i]!);
    const strictUpper = upper.map((row, i) => row.map((v, j) => (j > i ? v : 0)));
    const pm = Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (perm[c] === r ? 1 : 0)));
    this.lower = this.params.variable(tf.tensor2d(lower), 'lu_lower');
    this.upper = this.params.variable(tf.tensor2d(strictUpper), 'lu_upper');
    this.logAbsScale = this.params.variable(tf.tensor1d(diag.map((v) => Math.log(Math.abs(v)))), 'lu_log_abs_scale');
    this.sign = this.params.constant(tf.tensor1d(diag.map((v) => (v < 0 ? -1 : 1))));
    this.permutation = this.params.constant(tf.tensor2d(pm));
    this.lowerMask = this.params.constant(tf.tensor2d(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j < i ? 1 : 0)))));
    this.upperMask = this.params.constant(tf.tensor2d(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j > i ? 1 : 0)))));
    this.eye = this.params.constant(tf.eye(d));
  }

  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
  }

  override dispose(): void {
    this.params.dispose();
  }

  /** The current matrix W = P L (U + diag(s)) (the caller disposes it). */
  matrix(): tf.Tensor2D {
    return tf.tidy(() => {
      const { l, u } = this.factors();
      return tf.matMul(this.permutation, tf.matMul(l, u)) as tf.Tensor2D;
    });
  }

  private factors(): { l: tf.Tensor2D; nl: tf.Tensor2D; u: tf.Tensor2D; s: tf.Tensor } {
    const nl = tf.mul(this.lower, this.lowerMask) as tf.Tensor2D;
    const s = tf.mul(this.sign, tf.exp(this.boundedLogAbsScale()));
    const u = tf.add(tf.mul(this.upper, this.upperMask), tf.mul(this.eye, s)) as tf.Tensor2D;
    return { l: tf.add(this.eye, nl) as tf.Tensor2D, nl, u, s };
  }

  /** (I + N)^{-1} for strictly triangular N, as prod_j (I + (-N)^(2^j)). */
  private unitTriangularInverse(n: tf.Tensor2D): tf.Tensor2D {
    const d = this.eventSize!;
    let power = tf.neg(n) as tf.Tensor2D;
    let result = tf.add(this.eye, power) as tf.Tensor2D;
    for (let span = 2; span < d; span *= 2) {
      power = tf.matMul(power, power);
      result = tf.matMul(result, tf.add(this.eye, power) as tf.Tensor2D);
    }
    return result;
  }

  /** logAbsScale clipped to [-LOG_ABS_SCALE_LIMIT, LOG_ABS_SCALE_LIMIT]: the log|s| in use. */
  private boundedLogAbsScale(): tf.Tensor {
    return tf.clipByValue(this.logAbsScale, -LOG_ABS_SCALE_LIMIT, LOG_ABS_SCALE_LIMIT);
  }

  private logDet(batchShape: number[]): tf.Tensor {
    // tf.broadcastTo of a scalar to an empty shape gives [1]; an empty batch has empty log-dets.
    if (batchShape.includes(0)) return tf.zeros(batchShape);
    const ld = tf.sum(this.boundedLogAbsScale());
    return batchShape.length ? tf.broadcastTo(ld, batchShape) : ld;
  }

  private apply(v: tf.Tensor, matrixT: tf.Tensor2D): tf.Tensor {
    const d = this.eventSize!;
    return tf.reshape(tf.matMul(tf.reshape(v, [-1, d]) as tf.Tensor2D, matrixT), v.shape);
  }

  protected _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    // y = x W^T with the transpose formed explicitly (wasm's matMul is slow with transposeB).
    const { l, u } = this.factors();
    const w = tf.matMul(this.permutation, tf.matMul(l, u));
    return [this.apply(x, tf.transpose(w) as tf.Tensor2D), this.logDet(x.shape.slice(0, -1))];
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const { nl, u, s } = this.factors();
    // U + diag(s) = diag(s) (I + M), M = diag(1/s) U_strict.
    const invS = tf.reciprocal(s);
    const m = tf.mul(tf.sub(u, tf.mul(this.eye, s)), tf.expandDims(invS, 1)) as tf.Tensor2D;
    const uInv = tf.mul(this.unitTriangularInverse(m), invS); // (I + M)^{-1} diag(1/s): scales columns
    const lInv = this.unitTriangularInverse(nl);
    const wInv = tf.matMul(uInv, tf.matMul(lInv, tf.transpose(this.permutation) as tf.Tensor2D));
    return [this.apply(y, tf.transpose(wInv) as tf.Tensor2D), tf.neg(this.logDet(y.shape.slice(0, -1)))];
  }
}
