import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link Permute}. */
export interface PermuteOptions extends BijectorBaseOptions {
  /** A permutation of 0..d-1: `y[..., i] = x[..., permutation[i]]` (TFP's convention). */
  permutation: number[];
}

/**
 * Reorders the last axis: `y[..., i] = x[..., permutation[i]]`; volume-preserving, log-det 0.
 * Between autoregressive layers it lets each layer see a different variable order (without it a
 * stack of MAFs cannot learn p(x1 | x2)).
 *
 * Implemented as a gather whose gradient is the gather of the inverse permutation (a custom
 * gradient), so it is differentiable on every backend: tfjs' own gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
export class Permute extends Bijector {
  /** `y[..., i] = x[..., permutation[i]]`. */
  readonly permutation: readonly number[];
  private readonly params = new ParameterSet();
  private readonly forwardIndices: tf.Tensor;
  private readonly inverseIndices: tf.Tensor;

  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: PermuteOptions) {
    const name = opts?.name ?? 'Permute';
    checkOptionKeys(name, opts, ['permutation', 'name']);
    const p = opts?.permutation;
    const isPermutation =
      Array.isArray(p) &&
      p.length > 0 &&
      p.every((v) => Number.isInteger(v) && v >= 0 && v < p.length) &&
      new Set(p).size === p.length;
    if (!isPermutation) {
      const n = Array.isArray(p) ? p.length : 0;
      throw argumentError(name, 'permutation', `a permutation of 0..${Math.max(n - 1, 0)} (each index exactly once)`, p);
    }
    super({ eventNdims: 1, eventSize: p.length, name, volumePreserving: true });
    this.permutation = [...p];
    const inverse = new Array<number>(p.length);
    p.forEach((v, i) => (inverse[v] = i));
    this.forwardIndices = this.params.constant(tf.tensor1d(p, 'int32'));
    this.inverseIndices = this.params.constant(tf.tensor1d(inverse, 'int32'));
  }

  override dispose(): void {
    this.params.dispose();
  }

  protected _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [permuteLastAxis(x, this.forwardIndices, this.inverseIndices), tf.zeros(x.shape.slice(0, -1))];
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [permuteLastAxis(y, this.inverseIndices, this.forwardIndices), tf.zeros(y.shape.slice(0, -1))];
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return permuteLastAxis(x, this.forwardIndices, this.inverseIndices);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return permuteLastAxis(y, this.inverseIndices, this.forwardIndices);
  }
}

/** `gather(x, indices, -1)` whose gradient is `gather(dy, inverseIndices, -1)`. */
function permuteLastAxis(x: tf.Tensor, indices: tf.Tensor, inverseIndices: tf.Tensor): tf.Tensor {
  // An empty batch: nothing to permute (wasm's gather returns a wrong shape for it).
  if (x.size === 0) return tf.zeros(x.shape);
  const axis = x.rank - 1;
  return tf.customGrad((t: unknown) => ({
    value: tf.gather(t as tf.Tensor, indices, axis),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.gather(dy as tf.Tensor, inverseIndices, axis),
  }))(x);
}
