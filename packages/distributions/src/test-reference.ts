// Test helper (excluded from the build): plain-JS helpers for the distribution tests. The
// float64 special functions they compare against live in @densityjs/testing.
import { float64 } from '@densityjs/testing';

export const { betainc, digamma, erfc, igamma, lbeta, lgamma, logErfc, logIgammac, logNdtr, ndtr } = float64;

/** Deeply rounds numbers to float32, so references see exactly the values tfjs sees. */
export function f32<T>(value: T): T {
  if (typeof value === 'number') return Math.fround(value) as T;
  if (Array.isArray(value)) return value.map((v) => f32(v)) as T;
  return value;
}

/** log-sum-exp of plain numbers. */
export function logSumExp(values: number[]): number {
  const m = Math.max(...values);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
}

/**
 * Evaluation points of shape [zs.length] + batchShape: point(z, index) for every standardized
 * offset z and batch index (row-major), as nested arrays.
 */
export function pointGrid(zs: number[], batchShape: number[], point: (z: number, index: number[]) => unknown): unknown[] {
  const build = (z: number, prefix: number[]): unknown =>
    prefix.length === batchShape.length
      ? point(z, prefix)
      : Array.from({ length: batchShape[prefix.length]! }, (_, i) => build(z, [...prefix, i]));
  return zs.map((z) => build(z, []));
}
