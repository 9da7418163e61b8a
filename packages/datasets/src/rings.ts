import { checkBoolean, checkNumber } from './errors.js';
import { linspaceAt, rowOrder, startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link rings}. */
export interface RingsOptions {
  /** Noise standard deviation (added after scaling). Default 0.08. */
  noise?: number;
  /** Shuffle the rows. Default true. */
  shuffle?: boolean;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

const RADII = [1, 0.75, 0.5, 0.25];

/**
 * FFJORD's "rings" (Grathwohl et al. 2019, lib/toy_data.py): four concentric circles of radii
 * 3 * (1, 0.75, 0.5, 0.25) = (3, 2.25, 1.5, 0.75). The three outer rings get floor(n / 4) points
 * each, the inner one the rest; angles are evenly spaced on [0, 2 pi) (linspace without
 * endpoint); rows are shuffled, then N(0, 0.08^2) noise is added to each coordinate.
 * `labels` is the ring: 0 outermost .. 3 innermost.
 */
export function rings(n: number, options?: RingsOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('rings', n, options, ['noise', 'shuffle']);
  const noise = checkNumber('rings', 'noise', opts.noise, 0.08, { min: 0 });
  const shuffle = checkBoolean('rings', 'shuffle', opts.shuffle, true);
  const quarter = Math.floor(count / 4);
  const sizes = [quarter, quarter, quarter, count - 3 * quarter];
  const order = rowOrder(rng, count, shuffle);
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    // Source rows are ring 0's quarter, then ring 1's, ring 2's, and the rest for ring 3.
    const index = order[k]!;
    const ring = Math.min(3, quarter > 0 ? Math.floor(index / quarter) : 3);
    const m = sizes[ring]!;
    const t = linspaceAt(0, 2 * Math.PI, m, false, index - ring * quarter);
    const r = 3 * RADII[ring]!;
    labels[k] = ring;
    data[2 * k] = r * Math.cos(t) + (noise > 0 ? noise * rng.normal() : 0);
    data[2 * k + 1] = r * Math.sin(t) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return { data, shape: [count, 2], labels };
}
