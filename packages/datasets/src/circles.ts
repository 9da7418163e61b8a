import { checkBoolean, checkNumber } from './errors.js';
import { linspaceAt, rowOrder, startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link circles}. */
export interface CirclesOptions {
  /** Inner radius relative to the outer one (scikit-learn's `factor`). Default 0.5. */
  factor?: number;
  /** Noise standard deviation before scaling. Default 0.08. */
  noise?: number;
  /** Final scale. Default 3. */
  scale?: number;
  /** Shuffle the rows. Default true. */
  shuffle?: boolean;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/**
 * FFJORD's "circles" (Grathwohl et al. 2019): scikit-learn's `make_circles(n, factor=0.5,
 * noise=0.08)` times 3. With m = floor(n / 2) outer and n - m inner points at angles evenly
 * spaced on [0, 2 pi) (linspace without endpoint),
 *
 *   outer (label 0): (cos t, sin t),   inner (label 1): factor (cos t, sin t)
 *
 * rows shuffled, N(0, noise^2) added, then everything multiplied by `scale`. With the defaults:
 * radii 3 and 1.5, noise standard deviation 0.08 * 3 = 0.24.
 */
export function circles(n: number, options?: CirclesOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('circles', n, options, ['factor', 'noise', 'scale', 'shuffle']);
  const factor = checkNumber('circles', 'factor', opts.factor, 0.5, { min: 0 });
  const noise = checkNumber('circles', 'noise', opts.noise, 0.08, { min: 0 });
  const scale = checkNumber('circles', 'scale', opts.scale, 3, { min: 0, strict: true });
  const shuffle = checkBoolean('circles', 'shuffle', opts.shuffle, true);
  const nOut = Math.floor(count / 2);
  const nIn = count - nOut;
  const order = rowOrder(rng, count, shuffle);
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    const inner = index >= nOut;
    const t = inner ? linspaceAt(0, 2 * Math.PI, nIn, false, index - nOut) : linspaceAt(0, 2 * Math.PI, nOut, false, index);
    const r = inner ? factor : 1;
    labels[k] = inner ? 1 : 0;
    data[2 * k] = scale * (r * Math.cos(t) + noise * rng.normal());
    data[2 * k + 1] = scale * (r * Math.sin(t) + noise * rng.normal());
  }
  return { data, shape: [count, 2], labels };
}
