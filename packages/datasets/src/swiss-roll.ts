import { checkNumber } from './errors.js';
import { startToy } from './toy-utils.js';
import type { Dataset } from './types.js';

/** Options of {@link swissRoll}. */
export interface SwissRollOptions {
  /** Noise standard deviation before the division by 5 (scikit-learn's `noise`). Default 1. */
  noise?: number;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/** What {@link swissRoll} returns: the rows and each row's position along the roll. */
export interface SwissRollDataset extends Dataset {
  /** The position t along the roll of each row, in [1.5 pi, 4.5 pi] (useful for coloring). */
  t: Float32Array;
}

/**
 * FFJORD's "swissroll" (Grathwohl et al. 2019): the (x, z) plane of scikit-learn's
 * `make_swiss_roll(n, noise=1.0)`, divided by 5:
 *
 *   t = 1.5 pi (1 + 2 u),  u ~ U(0, 1),   x = (t cos t + noise z1, t sin t + noise z2) / 5
 *
 * with z ~ N(0, I). Before noise the spiral spans x in [-1.90, 2.52], y in [-2.21, 2.83]
 * (radius t / 5 from 0.94 to 2.83); the default noise adds standard deviation 0.2.
 */
export function swissRoll(n: number, options?: SwissRollOptions): SwissRollDataset {
  const { n: count, opts, rng } = startToy('swissRoll', n, options, ['noise']);
  const noise = checkNumber('swissRoll', 'noise', opts.noise, 1, { min: 0 });
  const data = new Float32Array(2 * count);
  const ts = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    ts[i] = t;
    data[2 * i] = (t * Math.cos(t) + noise * rng.normal()) / 5;
    data[2 * i + 1] = (t * Math.sin(t) + noise * rng.normal()) / 5;
  }
  return { data, shape: [count, 2], t: ts };
}
