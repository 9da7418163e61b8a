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

/** Shuffles the rows of a [n, 2] float array together with their labels (Fisher-Yates). */
export function shuffle2d(rng: Rng, data: Float32Array, labels: Int32Array): void {
  // Inlined rather than shuffleRows(callback): this loop dominates several generators.
  for (let i = labels.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = data[2 * i]!;
    const y = data[2 * i + 1]!;
    data[2 * i] = data[2 * j]!;
    data[2 * i + 1] = data[2 * j + 1]!;
    data[2 * j] = x;
    data[2 * j + 1] = y;
    const l = labels[i]!;
    labels[i] = labels[j]!;
    labels[j] = l;
  }
}

/** numpy's linspace(start, stop, num, endpoint): value i of num evenly spaced points. */
export function linspaceAt(start: number, stop: number, num: number, endpoint: boolean, i: number): number {
  const div = endpoint ? num - 1 : num;
  if (div <= 0) return start;
  return start + (i * (stop - start)) / div;
}
