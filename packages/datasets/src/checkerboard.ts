import { startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link checkerboard}. */
export interface CheckerboardOptions {
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/**
 * FFJORD's "checkerboard" (Grathwohl et al. 2019, lib/toy_data.py): uniform on the 8 black
 * squares of a 4 x 4 board covering [-4, 4]^2,
 *
 *   x1 ~ U(-2, 2),   x2 = U(0, 1) - 2 b + (floor(x1) mod 2),   b ~ U{0, 1},   x = 2 (x1, x2)
 *
 * (mod as Python's: non-negative). The squares have side 2; the occupied ones are those whose
 * column index floor(x/2) + 2 and row index floor(y/2) + 2 have an even sum. `labels` gives the
 * square, 0..7, numbered by column then row: 2 * column + (row >> 1).
 */
export function checkerboard(n: number, options?: CheckerboardOptions): LabeledDataset {
  const { n: count, rng } = startToy('checkerboard', n, options, []);
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x1 = rng.uniform() * 4 - 2;
    const b = rng.int(2);
    const column = Math.floor(x1); // -2..1
    const parity = ((column % 2) + 2) % 2;
    const x2 = rng.uniform() - 2 * b + parity;
    data[2 * i] = 2 * x1;
    data[2 * i + 1] = 2 * x2;
    // row index floor(x2) + 2 is 2 - 2b + parity, so row >> 1 = 1 - b.
    labels[i] = 2 * (column + 2) + (1 - b);
  }
  return { data, shape: [count, 2], labels };
}
