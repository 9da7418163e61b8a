import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
import { inverseSine } from './inverse-sine.js';
import { split } from './split.js';
import { twoMoons } from './two-moons.js';
import type { Dataset } from './types.js';

/** A dataset whose row i is [i, -i], so rows can be traced through the split. */
function traceable(n: number): Dataset & { labels: Int32Array; tag: Float64Array; meta: string } {
  const data = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  const tag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = i;
    data[2 * i + 1] = -i;
    labels[i] = i % 3;
    tag[i] = i + 0.5;
  }
  return { data, shape: [n, 2], labels, tag, meta: 'kept' };
}

describe('split', () => {
  it('splits by fractions into disjoint parts covering the rows, carrying per-row arrays', () => {
    const ds = traceable(100);
    const { train, val, test } = split(ds, { train: 0.7, val: 0.2, test: 0.1, seed: 1 });
    expect([train.shape, val.shape, test.shape]).toEqual([[70, 2], [20, 2], [10, 2]]);
    const seen = new Set<number>();
    for (const part of [train, val, test]) {
      for (let i = 0; i < part.shape[0]; i++) {
        const row = part.data[2 * i]!;
        expect(part.data[2 * i + 1]).toBe(-row);
        expect(part.labels[i]).toBe(row % 3);
        expect(part.tag[i]).toBe(row + 0.5);
        seen.add(row);
      }
      expect(part.meta).toBe('kept');
    }
    expect(seen.size).toBe(100);
    // Shuffled: the train part is not simply rows 0..69.
    expect(Array.from(train.data.filter((_, k) => k % 2 === 0))).not.toEqual(Array.from({ length: 70 }, (_, i) => i));
  });

  it('gives train the rest by default and takes counts', () => {
    const ds = traceable(50);
    const a = split(ds, { val: 0.1, test: 0.2, seed: 2 });
    expect([a.train.shape[0], a.val.shape[0], a.test.shape[0]]).toEqual([35, 5, 10]);
    const b = split(ds, { train: 30, val: 5, seed: 2 });
    expect([b.train.shape[0], b.val.shape[0], b.test.shape[0]]).toEqual([30, 5, 0]);
    // Fractions that add to 1 never lose or duplicate a row to rounding.
    const c = split(traceable(15), { train: 0.8, val: 0.1, test: 0.1, seed: 0 });
    expect(c.train.shape[0] + c.val.shape[0] + c.test.shape[0]).toBe(15);
  });

  it('is deterministic per seed and keeps order without shuffle', () => {
    const ds = twoMoons(200, { seed: 0 });
    expect(split(ds, { test: 0.25, seed: 5 })).toEqual(split(ds, { test: 0.25, seed: 5 }));
    expect(split(ds, { test: 0.25, seed: 5 }).test.data).not.toEqual(split(ds, { test: 0.25, seed: 6 }).test.data);
    const ordered = split(traceable(10), { test: 0.3, shuffle: false });
    expect(Array.from(ordered.test.data)).toEqual([7, -7, 8, -8, 9, -9]);
  });

  it('splits inverseSine x and y along with the rows', () => {
    const { train } = split(inverseSine(100, { seed: 1 }), { train: 0.5, seed: 3 });
    for (let i = 0; i < 50; i++) {
      expect(train.x[i]).toBe(train.data[2 * i]);
      expect(train.y[i]).toBe(train.data[2 * i + 1]);
    }
  });

  it('rejects bad arguments with clear errors', () => {
    const ds = traceable(10);
    expect(() => split({} as Dataset)).toThrow('split: dataset must be an object {data: Float32Array, shape: [n, d]}');
    expect(() => split({ data: new Float32Array(5), shape: [3, 2] })).toThrow(
      'split: dataset.shape must be [n, d] with n * d = data.length (5), received [3, 2]',
    );
    expect(() => split(ds, { val: -0.1 })).toThrow('split: val must be a fraction in [0, 1] or a non-negative integer count, received -0.1');
    expect(() => split(ds, { train: 0.7, val: 0.5 })).toThrow('split: train + val + test must add up to at most 1 as fractions, received 0.7 + 0.5');
    expect(() => split(ds, { train: 8, val: 3 })).toThrow('split: train + val + test must add up to at most the 10 rows of the dataset, received 8 + 3 + 0');
    expect(() => split(ds, { train: 5, val: 0.5 })).toThrow('split: val must be an integer count (other sizes are counts, > 1), received 0.5');
    expect(() => split(ds, { vali: 0.1 } as never)).toThrow('split: unknown option "vali"');
  });

  it('every dataset check, each an ArgumentError', () => {
    const bad: [unknown, string][] = [
      [null, 'split: dataset must be an object {data: Float32Array, shape: [n, d]}, received null'],
      [5, 'split: dataset must be an object {data: Float32Array, shape: [n, d]}, received 5'],
      [{ data: new Float64Array(4), shape: [2, 2] }, 'split: dataset must be an object {data: Float32Array, shape: [n, d]}'],
      [{ data: new Float32Array(4), shape: 4 }, 'split: dataset must be an object {data: Float32Array, shape: [n, d]}'],
      [{ data: new Float32Array(4), shape: [2, 2, 1] }, 'split: dataset must be an object {data: Float32Array, shape: [n, d]}'],
      [{ data: new Float32Array(4), shape: [-2, -2] }, 'split: dataset.shape must be [n, d] with n * d = data.length (4), received [-2, -2]'],
      [{ data: new Float32Array(4), shape: [4.5, 1] }, 'split: dataset.shape must be [n, d] with n * d = data.length (4), received [4.5, 1]'],
      [{ data: new Float32Array(4), shape: [2, 1.5] }, 'split: dataset.shape must be [n, d] with n * d = data.length (4), received [2, 1.5]'],
    ];
    for (const [dataset, message] of bad) {
      let error: unknown;
      try {
        split(dataset as Dataset);
      } catch (e) {
        error = e;
      }
      expect(error, message).toBeInstanceOf(ArgumentError);
      expect((error as Error).message.startsWith(message), (error as Error).message).toBe(true);
    }
    expect(() => split(traceable(10), { train: 0.7, val: 0.5 })).toThrow(ArgumentError);
    expect(() => split(traceable(10), { test: Infinity })).toThrow('split: test must be a fraction in [0, 1] or a non-negative integer count, received Infinity');
    expect(() => split(traceable(10), { test: '0.1' as never })).toThrow('split: test must be a fraction in [0, 1] or a non-negative integer count, received "0.1"');
  });

  it('sizes at the edges: a fraction of 1 and of 0, a count of 1 next to counts, fractions that add up to exactly 1', () => {
    const ds = traceable(10);
    const all = split(ds, { train: 1, seed: 1 });
    expect([all.train.shape[0], all.val.shape[0], all.test.shape[0]]).toEqual([10, 0, 0]);
    const none = split(ds, { val: 0, test: 0, seed: 1 });
    expect(none.train.shape[0]).toBe(10);
    // With another size above 1 every size is a count: val 1 is one row.
    const counts = split(ds, { train: 6, val: 1, seed: 1 });
    expect([counts.train.shape[0], counts.val.shape[0], counts.test.shape[0]]).toEqual([6, 1, 0]);
    // Fractions summing to 1 over 5 rows: round(2.5) + round(2.5) = 6 > 5, so train gives one back.
    const five = split(traceable(5), { train: 0.5, test: 0.5, seed: 1 });
    expect([five.train.shape[0], five.val.shape[0], five.test.shape[0]]).toEqual([2, 0, 3]);
    // Counts that fill the dataset exactly are fine; one more row is not.
    expect(split(ds, { train: 7, val: 3 }).test.shape[0]).toBe(0);
    expect(() => split(ds, { train: 7, val: 3, test: 1 })).toThrow('split: train + val + test must add up to at most the 10 rows of the dataset, received 7 + 3 + 1');
  });

  it('train sizes: the rest after val and test counts, a train fraction kept as given, too many counts refused', () => {
    const ds = traceable(10);
    const counts = split(ds, { val: 2, test: 3, seed: 1 });
    expect([counts.train.shape[0], counts.val.shape[0], counts.test.shape[0]]).toEqual([5, 2, 3]);
    const fractions = split(ds, { train: 0.5, val: 0.1, seed: 1 });
    expect([fractions.train.shape[0], fractions.val.shape[0], fractions.test.shape[0]]).toEqual([5, 1, 0]);
    expect(() => split(ds, { val: 8, test: 5 })).toThrow('split: train + val + test must add up to at most the 10 rows of the dataset, received -3 + 8 + 5');
  });

  it('carries per-row typed arrays along and leaves other fields as they are', () => {
    const ds = { ...traceable(4), weights: new Float64Array([1, 2, 3, 4]), meta: new Float32Array(3), view: new DataView(new ArrayBuffer(4)), name: 'toy' };
    const { train, test } = split(ds, { test: 0.5, shuffle: false });
    expect(Array.from(train.weights)).toEqual([1, 2]);
    expect(Array.from(test.weights)).toEqual([3, 4]);
    expect(train.meta).toBe(ds.meta);
    expect(train.view).toBe(ds.view);
    expect(train.name).toBe('toy');
  });
});

