// The Cholesky factor of symmetric positive-definite matrices, as differentiable tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32 } from './tensor-utils.js';
import { argumentError } from './errors.js';

/**
 * The lower-triangular L with positive diagonal and L Lᵀ = A, for A of shape [..., d, d]
 * (symmetric positive definite; only its lower triangle is read). Column by column
 * (Cholesky–Crout): c = A[:, j] - Σ_{k<j} L[:, k] L[j, k], L[:, j] = c / √c_j below and on the
 * diagonal, 0 above. Composed of differentiable ops (d steps), so autodiff gives its gradient;
 * meant for the small d of event dimensions. A matrix that is not positive definite gives NaN
 * (√ of a non-positive pivot) in the columns from the failing pivot on.
 */
export function cholesky(matrix: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = matrix.shape[matrix.rank - 1]!;
    if (matrix.rank < 2 || matrix.shape[matrix.rank - 2] !== d) {
      throw argumentError('cholesky', 'matrix', 'a tensor of shape [..., d, d]', matrix);
    }
    const a = asFloat32(matrix);
    const columnsOfA = tf.unstack(a, a.rank - 1); // A[..., :, j], each [..., d]
    const at = (v: tf.Tensor, j: number) => tf.slice(v, new Array(v.rank - 1).fill(0).concat(j), v.shape.slice(0, -1).concat(1));
    const columns: tf.Tensor[] = [];
    for (let j = 0; j < d; j++) {
      let c = columnsOfA[j]!;
      for (let k = 0; k < j; k++) c = tf.sub(c, tf.mul(columns[k]!, at(columns[k]!, j)));
      const pivot = tf.sqrt(at(c, j));
      const below = tf.tensor1d(Array.from({ length: d }, (_, i) => (i >= j ? 1 : 0)));
      columns.push(tf.mul(tf.div(c, pivot), below));
    }
    return tf.stack(columns, -1);
  });
}
