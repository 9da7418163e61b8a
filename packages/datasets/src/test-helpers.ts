// Shared checks for the generator tests (excluded from the build by its test- prefix).
import { expect } from 'vitest';
import { ArgumentError } from './errors.js';
import type { Dataset } from './types.js';

type Generator = (n: number, options?: { seed?: number }) => Dataset;

/** Shape, dtype, finiteness, and same seed -> same data, other seed -> other data. */
export function expectWellFormed(make: Generator, n: number, d = 2): void {
  const a = make(n, { seed: 123 });
  expect(a.shape).toEqual([n, d]);
  expect(a.data).toBeInstanceOf(Float32Array);
  expect(a.data.length).toBe(n * d);
  expect(a.data.every(Number.isFinite)).toBe(true);
  if (a.labels) {
    expect(a.labels).toBeInstanceOf(Int32Array);
    expect(a.labels.length).toBe(n);
  }
  const b = make(n, { seed: 123 });
  expect(b.data).toEqual(a.data);
  expect(b.labels).toEqual(a.labels);
  const c = make(n, { seed: 124 });
  expect(c.data).not.toEqual(a.data);
  // No seed: a random one, so two calls differ.
  expect(make(n).data).not.toEqual(make(n).data);
}

/** The count and option errors every generator shares. */
export function expectArgumentErrors(make: Generator, owner: string): void {
  expect(() => make(-3)).toThrow(`${owner}: n must be a positive integer, received -3`);
  expect(() => make(0)).toThrow(`${owner}: n must be a positive integer, received 0`);
  expect(() => make(2.5)).toThrow(`${owner}: n must be a positive integer, received 2.5`);
  expect(() => make('10' as unknown as number)).toThrow(`${owner}: n must be a positive integer, received "10"`);
  expect(() => make(10, { seed: 0.5 })).toThrow(`${owner}: seed must be a safe integer, received 0.5`);
  expect(() => make(10, { sed: 1 } as { seed?: number })).toThrow(`${owner}: unknown option "sed"`);
  expect(() => make(10, 5 as unknown as { seed?: number })).toThrow(`${owner}: options must be an object, received 5`);
}

/** Mean and (population) standard deviation. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** Column j of a [n, d] dataset. */
export function column(ds: Dataset, j: number): Float64Array {
  const [n, d] = ds.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ds.data[i * d + j]!;
  return out;
}

/** Counts per label value 0..k-1. */
export function labelCounts(labels: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

/** Standard normal CDF via an erf approximation (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** The message of the ArgumentError `fn` throws; fails the test when it throws anything else or nothing. */
export function argumentMessageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return (e as Error).message;
  }
  throw new Error('expected an ArgumentError');
}
