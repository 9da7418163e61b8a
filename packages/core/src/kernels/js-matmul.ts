// Matrix products in plain JS for the cpu backend's direct kernels. Every inner loop runs over
// contiguous memory and each loaded element feeds four accumulators, which V8 compiles to
// tight code: about twice the speed of tfjs-cpu's blocked matMul at the sizes of flow layers.

/**
 * out = op(A) @ op(B) with op(A) [m, k] and op(B) [k, n]; `ta`: A is stored [k, m], `tb`: B is
 * stored [n, k]. `out` ([m, n]) is overwritten.
 */
export function jsMatMul(A: Float32Array, B: Float32Array, out: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): void {
  if (ta && tb) {
    const At = new Float32Array(m * k);
    for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) At[i * k + p] = A[p * m + i]!;
    jsMatMul(At, B, out, m, k, n, false, true);
    return;
  }
  if (tb) {
    // Dot products of rows of A with rows of B, four rows of B at a time.
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const o = i * n;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const b0 = j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < k; p++) {
          const a = A[ai + p]!;
          s0 += a * B[b0 + p]!;
          s1 += a * B[b1 + p]!;
          s2 += a * B[b2 + p]!;
          s3 += a * B[b3 + p]!;
        }
        out[o + j] = s0;
        out[o + j + 1] = s1;
        out[o + j + 2] = s2;
        out[o + j + 3] = s3;
      }
      for (; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p]! * B[bj + p]!;
        out[o + j] = s;
      }
    }
    return;
  }
  out.fill(0);
  // Row updates out[i, :] += A(i, p) B[p, :], four rows of out at a time.
  // Element (i, p) of op(A) sits at i * si + p * sp.
  const si = ta ? 1 : k;
  const sp = ta ? m : 1;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = A[i * si + p * sp]!;
      const a1 = A[(i + 1) * si + p * sp]!;
      const a2 = A[(i + 2) * si + p * sp]!;
      const a3 = A[(i + 3) * si + p * sp]!;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const bo = p * n;
      for (let j = 0; j < n; j++) {
        const b = B[bo + j]!;
        out[o0 + j] = out[o0 + j]! + a0 * b;
        out[o1 + j] = out[o1 + j]! + a1 * b;
        out[o2 + j] = out[o2 + j]! + a2 * b;
        out[o3 + j] = out[o3 + j]! + a3 * b;
      }
    }
  }
  for (; i < m; i++) {
    const o = i * n;
    for (let p = 0; p < k; p++) {
      const a = A[i * si + p * sp]!;
      if (a === 0) continue;
      const bo = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + a * B[bo + j]!;
    }
  }
}

/** In place: each row of `out` ([rows, n]) plus `bias` ([n], optional), then the activation. */
export function jsBiasActivation(out: Float32Array, n: number, bias: Float32Array | undefined, activation: string, alpha: number): void {
  if (bias) {
    for (let base = 0; base < out.length; base += n) for (let j = 0; j < n; j++) out[base + j] = out[base + j]! + bias[j]!;
  }
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let j = 0; j < out.length; j++) if (out[j]! < 0) out[j] = 0;
      return;
    case 'leakyrelu':
      for (let j = 0; j < out.length; j++) if (out[j]! < 0) out[j] = alpha * out[j]!;
      return;
    case 'elu':
      for (let j = 0; j < out.length; j++) if (out[j]! < 0) out[j] = Math.expm1(out[j]!);
      return;
    case 'sigmoid':
      for (let j = 0; j < out.length; j++) out[j] = 1 / (1 + Math.exp(-out[j]!));
      return;
    default:
      throw new Error(`jsBiasActivation: unknown activation ${activation}`);
  }
}
