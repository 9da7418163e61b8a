import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-example Jacobians of `f: [batch, n] -> [batch, m]` by reverse-mode autodiff: one
 * `tf.grad` pass per output unit. Examples must be independent (row b of the output may only
 * depend on row b of the input), which holds for every bijector and network here.
 * Returns `J[b][i][j] = d f(x)[b, i] / d x[b, j]`.
 */
export async function batchJacobian(f: (x: tf.Tensor2D) => tf.Tensor, x: tf.Tensor2D): Promise<number[][][]> {
  const [batch, n] = x.shape;
  const probe = tf.tidy(() => f(x));
  const m = probe.shape[probe.shape.length - 1]!;
  if (probe.shape.length !== 2 || probe.shape[0] !== batch) {
    const shape = probe.shape;
    probe.dispose();
    throw new Error(`batchJacobian: f must map [batch, n] to [batch, m], got [${shape}]`);
  }
  probe.dispose();
  const rows: Float32Array[] = [];
  for (let i = 0; i < m; i++) {
    const g = tf.tidy(() =>
      tf.grad((xi: tf.Tensor) => {
        const y = f(xi as tf.Tensor2D);
        return tf.sum(tf.slice(y, [0, i], [batch, 1]));
      })(x),
    );
    rows.push((await g.data()) as Float32Array);
    g.dispose();
  }
  const jac: number[][][] = [];
  for (let b = 0; b < batch; b++) {
    jac.push(rows.map((row) => Array.from(row.subarray(b * n, (b + 1) * n))));
  }
  return jac;
}

/** log|det A| of a square matrix in float64, by LU decomposition with partial pivoting. */
export function logAbsDet(matrix: number[][]): number {
  const n = matrix.length;
  const a = matrix.map((row) => {
    if (row.length !== n) throw new Error(`logAbsDet: matrix must be square, got a row of ${row.length} in ${n}x?`);
    return Float64Array.from(row);
  });
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(a[r]![k]!) > Math.abs(a[pivot]![k]!)) pivot = r;
    [a[k], a[pivot]] = [a[pivot]!, a[k]!];
    const akk = a[k]![k]!;
    if (akk === 0) return -Infinity;
    logDet += Math.log(Math.abs(akk));
    for (let r = k + 1; r < n; r++) {
      const factor = a[r]![k]! / akk;
      if (factor === 0) continue;
      for (let c = k; c < n; c++) a[r]![c]! -= factor * a[k]![c]!;
    }
  }
  return logDet;
}
