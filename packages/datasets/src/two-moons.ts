import { checkBoolean, checkNumber } from './errors.js';
import { linspaceAt, rowOrder, startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link twoMoons}. */
export interface TwoMoonsOptions {
  /** Standard deviation of the Gaussian noise added to both coordinates. Default 0.05. */
  noise?: number;
  /** Shuffle the rows (scikit-learn's default). Default true. */
  shuffle?: boolean;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/**
 * Two interleaving half circles, scikit-learn's `make_moons` geometry
 * (Pedregosa et al. 2011): with m = floor(n / 2) outer and n - m inner points and t evenly spaced
 * on [0, pi] (numpy `linspace`, endpoints included),
 *
 *   outer (label 0): (cos t, sin t)
 *   inner (label 1): (1 - cos t, 1 - sin t - 0.5)
 *
 * then the rows are shuffled and N(0, noise^2) noise is added to each coordinate.
 * Noise-free points lie in [-1, 2] x [-0.5, 1]. scikit-learn's own default is noise = 0;
 * this package defaults to 0.05 so that the data has a density to fit.
 *
 * @example twoMoons(1000, {noise: 0.05, seed: 0}) // {data: Float32Array(2000), shape: [1000, 2], labels}
 */
export function twoMoons(n: number, options?: TwoMoonsOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('twoMoons', n, options, ['noise', 'shuffle']);
  const noise = checkNumber('twoMoons', 'noise', opts.noise, 0.05, { min: 0 });
  const shuffle = checkBoolean('twoMoons', 'shuffle', opts.shuffle, true);
  const nOut = Math.floor(count / 2);
  const nIn = count - nOut;
  const order = rowOrder(rng, count, shuffle);
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    let x: number;
    let y: number;
    if (index < nOut) {
      const t = linspaceAt(0, Math.PI, nOut, true, index);
      x = Math.cos(t);
      y = Math.sin(t);
    } else {
      const t = linspaceAt(0, Math.PI, nIn, true, index - nOut);
      x = 1 - Math.cos(t);
      y = 1 - Math.sin(t) - 0.5;
      labels[k] = 1;
    }
    if (noise > 0) {
      x += noise * rng.normal();
      y += noise * rng.normal();
    }
    data[2 * k] = x;
    data[2 * k + 1] = y;
  }
  return { data, shape: [count, 2], labels };
}
