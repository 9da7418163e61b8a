// Linear algebra tfjs lacks, as compositions of differentiable ops (autodiff gives gradients).
import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from './errors.js';

/**
 * Solves L x = b for lower-triangular L by forward substitution over the last dimension:
 * x_j = r_j / L_jj, then r <- r - x_j L[:, j] (column-oriented, 4 kernels per step).
 * `lower` has shape [..., d, d], `rhs` shape [..., d]; leading dims broadcast. Only the lower
 * triangle of `lower` is read. O(d) kernels, meant for the event sizes of distributions.
 */
export function triangularSolveLower(lower: tf.Tensor, rhs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = lower.shape[lower.rank - 1]!;
    if (lower.rank < 2 || lower.shape[lower.rank - 2] !== d) {
      throw argumentError('triangularSolveLower', 'lower', 'a tensor of shape [..., d, d]', lower);
    }
    if (rhs.shape[rhs.rank - 1] !== d) {
      throw argumentError('triangularSolveLower', 'rhs', `a tensor of shape [..., ${d}]`, rhs);
    }
    const columns = tf.unstack(lower, lower.rank - 1); // L[..., :, j], each [..., d]
    let r: tf.Tensor = rhs;
    const xs: tf.Tensor[] = [];
    for (let j = 0; j < d; j++) {
      const column = columns[j]!;
      const diag = tf.slice(column, new Array(column.rank - 1).fill(0).concat(j), column.shape.slice(0, -1).concat(1));
      const rj = tf.slice(r, new Array(r.rank - 1).fill(0).concat(j), r.shape.slice(0, -1).concat(1));
      const xj = tf.div(rj, diag);
      xs.push(xj);
      if (j + 1 < d) r = tf.sub(r, tf.mul(xj, column));
    }
    return tf.concat(xs, -1);
  });
}

/** The diagonal of the last two dims of a [..., d, d] tensor, as [..., d] (mask and sum). */
export function matrixDiagPart(matrix: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = matrix.shape[matrix.rank - 1]!;
    return tf.sum(tf.mul(matrix, tf.eye(d)), -1);
  });
}
