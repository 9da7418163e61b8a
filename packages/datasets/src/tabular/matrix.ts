// Column statistics in float64 for the tabular preprocessing, matching numpy / pandas:
// numpy's std is the population one (ddof 0), pandas' the sample one (ddof 1).

import type { NpyArray } from '../npy.js';
import type { Dataset } from '../types.js';
import { FormatError } from '../errors.js';

/** A row-major float64 (or float32) matrix. */
export interface Matrix {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

/** Checks a parsed array is 2-D with `cols` columns (when given) and wraps it as a Matrix. */
export function asMatrix(owner: string, array: NpyArray | { data: Float32Array | Float64Array; shape: number[] }, what: string, cols?: number): Matrix {
  const { shape } = array;
  if (shape.length !== 2 || (cols !== undefined && shape[1] !== cols)) {
    throw new FormatError(
      `${owner}: ${what} must be a 2-D array ${cols === undefined ? '' : `with ${cols} columns `}(rows x features), received shape [${shape.join(', ')}]`,
    );
  }
  const m = { data: array.data, rows: shape[0]!, cols: shape[1]! };
  checkFinite(owner, m, what);
  return m;
}

/** Throws on the first NaN or infinity, naming its row and column. */
export function checkFinite(owner: string, m: Matrix, what: string): void {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new FormatError(`${owner}: ${what} holds a non-finite value (${data[i]}) at row ${Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
}

/** Throws when a kept column is constant: standardizing it would divide by zero. */
export function checkSpread(owner: string, stds: Float64Array, what: string, keep?: number[]): void {
  for (const c of keep ?? stds.keys()) {
    if (!(stds[c]! > 0)) {
      throw new FormatError(`${owner}: column ${c} of ${what} is constant (std 0), so it cannot be standardized`);
    }
  }
}

/** Column means of rows [from, to), with Neumaier-compensated sums. */
export function columnMeans(m: Matrix, from = 0, to = m.rows): Float64Array {
  const { data, cols } = m;
  const sum = new Float64Array(cols);
  const comp = new Float64Array(cols);
  for (let r = from; r < to; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[base + c]!;
      const s = sum[c]!;
      const t = s + v;
      comp[c]! += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      sum[c] = t;
    }
  }
  const count = to - from;
  for (let c = 0; c < cols; c++) sum[c] = (sum[c]! + comp[c]!) / count;
  return sum;
}

/** Column standard deviations of rows [from, to) around `means`, dividing by count - ddof. */
export function columnStds(m: Matrix, means: Float64Array, ddof: 0 | 1, from = 0, to = m.rows): Float64Array {
  const { data, cols } = m;
  const acc = new Float64Array(cols);
  for (let r = from; r < to; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[base + c]! - means[c]!;
      acc[c]! += d * d;
    }
  }
  const count = to - from - ddof;
  for (let c = 0; c < cols; c++) acc[c] = Math.sqrt(acc[c]! / count);
  return acc;
}

/**
 * Rows [from, to) of `m`, keeping the columns `keep` (all when omitted), standardized as
 * (x - mean) / std in float64 and stored as float32 (the MAF code's final astype(float32)).
 */
export function standardizedRows(
  m: Matrix,
  from: number,
  to: number,
  means: Float64Array,
  stds: Float64Array,
  keep?: number[],
): Dataset {
  const columns = keep ?? Array.from({ length: m.cols }, (_, c) => c);
  const d = columns.length;
  const n = to - from;
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const base = (from + r) * m.cols;
    for (let j = 0; j < d; j++) {
      const c = columns[j]!;
      out[r * d + j] = (m.data[base + c]! - means[c]!) / stds[c]!;
    }
  }
  return { data: out, shape: [n, d] };
}

/** Rows [from, to) as a float32 dataset, unchanged. */
export function rowsAsDataset(m: Matrix, from: number, to: number): Dataset {
  const n = to - from;
  const data = m.data instanceof Float32Array ? m.data.slice(from * m.cols, to * m.cols) : Float32Array.from(m.data.subarray(from * m.cols, to * m.cols));
  return { data, shape: [n, m.cols] };
}

/**
 * The MAF code's hold-out size int(0.1 * n), checked to be at least one row (numpy's x[-0:]
 * would silently take everything).
 */
export function tenth(owner: string, n: number, what: string): number {
  const k = Math.floor(0.1 * n);
  if (k < 1) {
    throw new FormatError(`${owner}: ${what} must have at least 10 rows to hold out 10%, received ${n}`);
  }
  return k;
}
