// Shared pieces of the toy generators: argument reading and the in-place row shuffle.

import { checkCount, checkOptions, checkSeed } from './errors.js';
import { createRng, type Rng } from './rng.js';

/** Validates `n` and `options` (keys limited to `known`), returns the options and a seeded rng. */
export function startToy<K extends string>(
  owner: string,
  n: unknown,
  options: unknown,
  known: readonly K[],
): { n: number; opts: Partial<Record<K | 'seed', unknown>>; rng: Rng } {
  const count = checkCount(owner, 'n', n);
  const opts = checkOptions(owner, options, [...known, 'seed'] as const);
  const rng = createRng(checkSeed(owner, opts.seed));
  return { n: count, opts, rng };
}

/**
 * The row order of a shuffled dataset: a uniformly random permutation of 0..n-1 (the
 * "inside-out" Fisher-Yates), or the identity when `shuffle` is false. Generators then compute
 * output row k from source index order[k], which touches memory in order (much faster for a
 * million rows than swapping finished rows).
 */
export function rowOrder(rng: Rng, n: number, shuffle: boolean): Int32Array {
  const order = new Int32Array(n);
  if (!shuffle) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }
  for (let i = 0; i < n; i++) {
    const j = rng.int(i + 1);
    order[i] = order[j]!;
    order[j] = i;
  }
  return order;
}

/** numpy's linspace(start, stop, num, endpoint): value i of num evenly spaced points. */
export function linspaceAt(start: number, stop: number, num: number, endpoint: boolean, i: number): number {
  const div = endpoint ? num - 1 : num;
  if (div <= 0) return start;
  return start + (i * (stop - start)) / div;
}
