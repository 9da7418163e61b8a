import { checkBoolean, checkNumber } from './errors.js';
import { startToy } from './toy-utils.js';
import type { Dataset } from './types.js';

/** Options of {@link inverseSine}. */
export interface InverseSineOptions {
  /** Swap the columns: predict the (multi-valued) x from y. Default false. */
  inverse?: boolean;
  /** Standard deviation of the additive noise epsilon. Default 1 (the seed tutorial's). */
  noise?: number;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/** Rows are (input, target): `data = [x_i, y_i]` per row; `x` and `y` are the two columns. */
export interface InverseSineDataset extends Dataset {
  /** Column 0: the input of the regression problem. */
  x: Float32Array;
  /** Column 1: the target of the regression problem. */
  y: Float32Array;
}

/**
 * The inverse sine problem of Bishop's mixture density networks (Bishop 1994), as in the MDN
 * tutorial this project grew from:
 *
 *   x ~ U(-10.5, 10.5),   y = 7 sin(0.75 x) + 0.5 x + eps,   eps ~ N(0, noise^2), noise = 1
 *
 * The forward problem (y given x) is single-valued. With `inverse: true` the columns are swapped,
 * so the returned `x` is the old y and `y` the old x: predicting it is the multi-valued problem an
 * MDN solves (up to three branches for most inputs). Either way `data` holds rows [x, y].
 *
 * @example const {x, y} = inverseSine(1000, {inverse: true, seed: 1});
 */
export function inverseSine(n: number, options?: InverseSineOptions): InverseSineDataset {
  const { n: count, opts, rng } = startToy('inverseSine', n, options, ['inverse', 'noise']);
  const inverse = checkBoolean('inverseSine', 'inverse', opts.inverse, false);
  const noise = checkNumber('inverseSine', 'noise', opts.noise, 1, { min: 0 });
  const data = new Float32Array(2 * count);
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.uniform(-10.5, 10.5);
    const v = 7 * Math.sin(0.75 * u) + 0.5 * u + noise * rng.normal();
    const a = inverse ? v : u;
    const b = inverse ? u : v;
    data[2 * i] = a;
    data[2 * i + 1] = b;
    xs[i] = a;
    ys[i] = b;
  }
  return { data, shape: [count, 2], x: xs, y: ys };
}
