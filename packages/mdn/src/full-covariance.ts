// Full-covariance mixture components: each component is N(mu_k, L_k L_k^T) with a Cholesky
// factor L_k read from the network head. Composed tfjs ops only (the fused kernel covers the
// diagonal model).
import * as tf from '@tensorflow/tfjs-core';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Strictly-lower entries of a D x D Cholesky factor: D(D-1)/2, row-major ((1,0), (2,0), (2,1), ...). */
export function offDiagonalCount(outputSize: number): number {
  return (outputSize * (outputSize - 1)) / 2;
}

/** Index of the strictly-lower entry (i, j), j < i, in the row-major order above. */
export function offDiagonalIndex(i: number, j: number): number {
  return (i * (i - 1)) / 2 + j;
}

/**
 * The Cholesky factors [N, K, D, D] from diagonal entries `diag` [N, K, D] (already positive:
 * softplus(raw) + minScale) and free strictly-lower entries `off` [N, K, D(D-1)/2]. Built with
 * two matmuls against constant 0/1 placement matrices (no gather, whose gradient wasm lacks).
 */
export function choleskyFactor(diag: tf.Tensor3D, off: tf.Tensor3D): tf.Tensor4D {
  const [n, K, D] = diag.shape;
  const T = offDiagonalCount(D);
  const placeDiag = new Float32Array(D * D * D);
  for (let i = 0; i < D; i++) placeDiag[i * D * D + i * D + i] = 1;
  let flat = tf.matMul(tf.reshape(diag, [n * K, D]), tf.tensor2d(placeDiag, [D, D * D]));
  if (T > 0) {
    const placeOff = new Float32Array(T * D * D);
    for (let i = 1; i < D; i++) for (let j = 0; j < i; j++) placeOff[offDiagonalIndex(i, j) * D * D + i * D + j] = 1;
    flat = tf.add(flat, tf.matMul(tf.reshape(off, [n * K, T]), tf.tensor2d(placeOff, [T, D * D])));
  }
  return tf.reshape(flat, [n, K, D, D]) as tf.Tensor4D;
}

/**
 * The [N, K] slices of a [N, K, n] tensor. A length-1 axis is squeezed rather than unstacked:
 * autodiff hands a one-output Unpack its gradient as a lone tensor, which its gradient rule
 * cannot stack.
 */
function lastAxisEntries(t: tf.Tensor): tf.Tensor[] {
  return t.shape[2] === 1 ? [tf.squeeze(t, [2])] : tf.unstack(t, 2);
}

/**
 * log N(y; mu_k, L_k L_k^T) for every row and component, shape [N, K]:
 *
 *     -0.5 |z|^2 - sum_i log L_ii - (D/2) log 2 pi,   L z = y - mu   (forward substitution,
 *     z_i = (r_i - sum_{j<i} L_ij z_j) / L_ii),
 *
 * from y [N, D], locations `locs` [N, K, D], diagonal [N, K, D] and strictly-lower entries
 * [N, K, D(D-1)/2] (the layout of `choleskyFactor`). D sequential elementwise steps; no matrix
 * inverse is formed, so it stays accurate for ill-conditioned factors.
 */
export function fullComponentLogProb(y: tf.Tensor2D, locs: tf.Tensor3D, diag: tf.Tensor3D, off: tf.Tensor3D): tf.Tensor2D {
  const D = locs.shape[2];
  const r = lastAxisEntries(tf.sub(tf.expandDims(y, 1), locs));
  const d = lastAxisEntries(diag);
  const l = D > 1 ? lastAxisEntries(off) : [];
  const z: tf.Tensor[] = [];
  for (let i = 0; i < D; i++) {
    let acc = r[i]!;
    for (let j = 0; j < i; j++) acc = tf.sub(acc, tf.mul(l[offDiagonalIndex(i, j)]!, z[j]!));
    z.push(tf.div(acc, d[i]!));
  }
  const quad = tf.addN(z.map((zi) => tf.square(zi)));
  const logDet = tf.sum(tf.log(diag), 2);
  return tf.sub(tf.mul(quad, -0.5), tf.add(logDet, D * HALF_LOG_2PI)) as tf.Tensor2D;
}
