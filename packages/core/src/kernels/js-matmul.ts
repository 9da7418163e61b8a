// Matrix products in plain JS for the cpu backend's direct kernels. Every inner loop runs over
// contiguous memory and each loaded element feeds four accumulators, which V8 compiles to
// tight code: about twice the speed of tfjs-cpu's blocked matMul at the sizes of flow layers.

/**
 * out = op(A) @ op(B) with op(A) [m, k] and op(B) [k, n]; `ta`: A is stored [k, m], `tb`: B is
 * stored [n, k]. `out` ([m, n]) is overwritten.
 */
export function jsMatMul(A: Float32Array, B: Float32Array, out: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): void {
  if (m >= 4 && n >= 4) {
    blockedMatMul(A, B, out, m, k, n, ta, tb);
    return;
  }
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

/**
 * `jsMatMul` by 4 x 4 blocks of `out`: sixteen float64 accumulators over the shared dimension,
 * each step loading four elements of op(A) and four of op(B) for sixteen multiply-adds (the row
 * updates above load and store `out` on every multiply-add). Any transposes, through strides:
 * op(A)(i, p) = A[i * sai + p * sap], op(B)(p, j) = B[p * sbp + j * sbj]. About twice the
 * speed of the row updates for layers 64 units wide; each output is rounded to float32 once.
 */
function blockedMatMul(A: Float32Array, B: Float32Array, out: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): void {
  const sai = ta ? 1 : k;
  const sap = ta ? m : 1;
  const sbp = tb ? 1 : n;
  const sbj = tb ? k : 1;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = i * sai;
      let pb = j * sbj;
      for (let p = 0; p < k; p++, pa += sap, pb += sbp) {
        const a0 = A[pa]!;
        const a1 = A[pa + sai]!;
        const a2 = A[pa + 2 * sai]!;
        const a3 = A[pa + 3 * sai]!;
        const b0 = B[pb]!;
        const b1 = B[pb + sbj]!;
        const b2 = B[pb + 2 * sbj]!;
        const b3 = B[pb + 3 * sbj]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let o = i * n + j;
      out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
      o += n;
      out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13;
      o += n;
      out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23;
      o += n;
      out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
    }
  }
  // The last m % 4 rows and n % 4 columns: one dot product per output.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let c = 0;
      let pa = i * sai;
      let pb = j * sbj;
      for (let p = 0; p < k; p++, pa += sap, pb += sbp) c += A[pa]! * B[pb]!;
      out[i * n + j] = c;
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
