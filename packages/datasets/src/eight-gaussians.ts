import { checkNumber } from './errors.js';
import { startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link eightGaussians}. */
export interface EightGaussiansOptions {
  /** Radius of the ring of centers before the final division by 1.414. Default 4. */
  scale?: number;
  /** Standard deviation of each component before the division by 1.414. Default 0.5. */
  std?: number;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/**
 * FFJORD's "8gaussians" (Grathwohl et al. 2019, lib/toy_data.py): an equal mixture of 8 isotropic
 * Gaussians whose centers are evenly spaced on a circle,
 *
 *   k ~ U{0..7},   x = (scale (cos(k pi/4), sin(k pi/4)) + std z) / 1.414,   z ~ N(0, I)
 *
 * With the defaults the centers lie on a circle of radius 4 / 1.414 = 2.83 and each component
 * has standard deviation 0.5 / 1.414 = 0.354 (FFJORD divides by 1.414, not exactly sqrt 2).
 * `labels` holds k; center k is at angle k * 45 degrees, counterclockwise from the +x axis.
 */
export function eightGaussians(n: number, options?: EightGaussiansOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('eightGaussians', n, options, ['scale', 'std']);
  const scale = checkNumber('eightGaussians', 'scale', opts.scale, 4, { min: 0 });
  const std = checkNumber('eightGaussians', 'std', opts.std, 0.5, { min: 0 });
  const cx = new Float64Array(8);
  const cy = new Float64Array(8);
  for (let k = 0; k < 8; k++) {
    cx[k] = scale * Math.cos((k * Math.PI) / 4);
    cy[k] = scale * Math.sin((k * Math.PI) / 4);
  }
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const zx = rng.normal();
    const zy = rng.normal();
    const k = rng.int(8);
    labels[i] = k;
    data[2 * i] = (cx[k]! + std * zx) / 1.414;
    data[2 * i + 1] = (cy[k]! + std * zy) / 1.414;
  }
  return { data, shape: [count, 2], labels };
}
