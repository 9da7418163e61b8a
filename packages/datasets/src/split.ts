import { argumentError, ArgumentError, checkBoolean, checkOptions, checkSeed } from './errors.js';
import { createRng, permutation } from './rng.js';
import type { Dataset, DatasetSplits } from './types.js';

/** Options of {@link split}: the size of each part and the shuffle. */
export interface SplitOptions {
  /** Fraction in [0, 1] or row count. Default: the rows left over by val and test. */
  train?: number;
  /** Fraction in [0, 1] or row count. Default 0. */
  val?: number;
  /** Fraction in [0, 1] or row count. Default 0. */
  test?: number;
  /** Shuffle rows before splitting. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle; omitted: a random one. */
  seed?: number;
}

type TypedRowArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array;

function isRowArray(value: unknown, n: number): value is TypedRowArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && (value as TypedRowArray).length === n;
}

/**
 * Splits a dataset into train / val / test parts, after a seeded shuffle of its rows.
 *
 * Sizes are either all fractions (every given value in [0, 1]) or all counts (integers, at least
 * one > 1). Fractions become counts as round(f * n) for val and test; train gets round(f * n)
 * when given, the remaining rows otherwise. The parts never overlap, and their sizes must add up
 * to at most n. Besides `data` and `labels`, every other per-row typed array of the dataset
 * (length n, such as inverseSine's `x` and `y`) is split along.
 *
 * @example const {train, val, test} = split(twoMoons(1000, {seed: 0}), {val: 0.1, test: 0.1, seed: 0});
 */
export function split<T extends Dataset>(dataset: T, options?: SplitOptions): DatasetSplits<T> {
  const owner = 'split';
  if (
    dataset === null ||
    typeof dataset !== 'object' ||
    !(dataset.data instanceof Float32Array) ||
    !Array.isArray(dataset.shape) ||
    dataset.shape.length !== 2
  ) {
    throw argumentError(owner, 'dataset', 'an object {data: Float32Array, shape: [n, d]}', dataset);
  }
  const [n, d] = dataset.shape;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 0 || d < 0 || dataset.data.length !== n * d) {
    throw argumentError(owner, 'dataset.shape', `[n, d] with n * d = data.length (${dataset.data.length})`, dataset.shape);
  }
  const opts = checkOptions(owner, options, ['train', 'val', 'test', 'shuffle', 'seed']);
  for (const key of ['train', 'val', 'test'] as const) {
    const v = opts[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw argumentError(owner, key, 'a fraction in [0, 1] or a non-negative integer count', v);
    }
  }
  const given = (['train', 'val', 'test'] as const).filter((k) => opts[k] !== undefined).map((k) => opts[k] as number);
  const counts = given.some((v) => v > 1);
  if (counts) {
    for (const key of ['train', 'val', 'test'] as const) {
      const v = opts[key];
      if (v !== undefined && !Number.isSafeInteger(v)) {
        throw argumentError(owner, key, 'an integer count (other sizes are counts, > 1)', v);
      }
    }
  }
  if (!counts && given.reduce((a, b) => a + b, 0) > 1 + 1e-9) {
    throw new ArgumentError(`split: train + val + test must add up to at most 1 as fractions, received ${given.join(' + ')}`);
  }
  const size = (v: unknown): number => (counts ? (v as number) : Math.round((v as number) * n));
  const nVal = opts.val === undefined ? 0 : size(opts.val);
  const nTest = opts.test === undefined ? 0 : size(opts.test);
  let nTrain = opts.train === undefined ? n - nVal - nTest : size(opts.train);
  // Fractions that add up to 1 can round to one row too many: train gives it back.
  if (!counts && nTrain + nVal + nTest > n) nTrain = n - nVal - nTest;
  if (nTrain < 0 || nTrain + nVal + nTest > n) {
    throw new ArgumentError(
      `split: train + val + test must add up to at most the ${n} rows of the dataset, received ${nTrain} + ${nVal} + ${nTest}`,
    );
  }
  const shuffle = checkBoolean(owner, 'shuffle', opts.shuffle, true);
  let order: Int32Array;
  if (shuffle) {
    order = permutation(createRng(checkSeed(owner, opts.seed)), n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }

  const take = (from: number, count: number): T => {
    const rows = order.subarray(from, from + count);
    const part: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(dataset)) {
      if (key === 'data' || key === 'shape') continue;
      if (isRowArray(value, n)) {
        const Ctor = value.constructor as new (length: number) => TypedRowArray;
        const out = new Ctor(count);
        for (let i = 0; i < count; i++) out[i] = value[rows[i]!]!;
        part[key] = out;
      } else {
        part[key] = value;
      }
    }
    const data = new Float32Array(count * d);
    for (let i = 0; i < count; i++) data.set(dataset.data.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
    part.data = data;
    part.shape = [count, d];
    return part as unknown as T;
  };
  return { train: take(0, nTrain), val: take(nTrain, nVal), test: take(nTrain + nVal, nTest) };
}
