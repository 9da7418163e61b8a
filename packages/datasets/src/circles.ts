import { checkBoolean, checkNumber } from './errors.js';
import { linspaceAt, shuffle2d, startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

export interface CirclesOptions {
  /** Inner radius relative to the outer one (scikit-learn's `factor`). Default 0.5. */
  factor?: number;
  /** Noise standard deviation before scaling. Default 0.08. */
  noise?: number;
  /** Final scale. Default 3. */
  scale?: number;
  shuffle?: boolean;
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
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < nOut; i++) {
    const t = linspaceAt(0, 2 * Math.PI, nOut, false, i);
    data[2 * i] = Math.cos(t);
    data[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = linspaceAt(0, 2 * Math.PI, nIn, false, i);
    const r = nOut + i;
    data[2 * r] = factor * Math.cos(t);
    data[2 * r + 1] = factor * Math.sin(t);
    labels[r] = 1;
  }
  if (shuffle) shuffle2d(rng, data, labels);
  for (let k = 0; k < 2 * count; k++) data[k] = scale * (data[k]! + noise * rng.normal());
  return { data, shape: [count, 2], labels };
}
