import { checkCount, checkNumber } from './errors.js';
import { rowOrder, startToy } from './toy-utils.js';
import type { LabeledDataset } from './types.js';

/** Options of {@link pinwheel}. */
export interface PinwheelOptions {
  /** Number of arms. Default 5. */
  arms?: number;
  /** Radial standard deviation. Default 0.3. */
  radialStd?: number;
  /** Tangential standard deviation. Default 0.1. */
  tangentialStd?: number;
  /** How fast the arms twist. Default 0.25. */
  rate?: number;
  /** Seeds the generator (any safe integer, 0 included): the same seed gives the same rows. Default: a random seed. */
  seed?: number;
}

/**
 * FFJORD's "pinwheel" (Grathwohl et al. 2019, lib/toy_data.py, after Johnson et al. 2016's
 * SVAE demo). For arm c (of K = 5, balanced counts) with
 * f = (1 + 0.3 z1, 0.1 z2), z ~ N(0, I), and angle a = 2 pi c / K + rate * exp(f1), rate 0.25:
 *
 *   x = 2 (f1 cos a + f2 sin a, -f1 sin a + f2 cos a)
 *
 * i.e. 2 f R with R = [[cos a, -sin a], [sin a, cos a]] (FFJORD's einsum "ti,tij->tj"); rows are
 * shuffled. Unlike FFJORD, which returns 5 * floor(n / 5) points, n points are returned: the first
 * n mod K arms get one extra. `labels` is the arm.
 */
export function pinwheel(n: number, options?: PinwheelOptions): LabeledDataset {
  const { n: count, opts, rng } = startToy('pinwheel', n, options, ['arms', 'radialStd', 'tangentialStd', 'rate']);
  const arms = opts.arms === undefined ? 5 : checkCount('pinwheel', 'arms', opts.arms);
  const radialStd = checkNumber('pinwheel', 'radialStd', opts.radialStd, 0.3, { min: 0 });
  const tangentialStd = checkNumber('pinwheel', 'tangentialStd', opts.tangentialStd, 0.1, { min: 0 });
  const rate = checkNumber('pinwheel', 'rate', opts.rate, 0.25);
  const base = Math.floor(count / arms);
  const extra = count % arms;
  // Source rows are arm 0's block, arm 1's, ...; the first `extra` blocks hold base + 1 rows.
  const big = extra * (base + 1);
  const order = rowOrder(rng, count, true);
  const data = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    const c = index < big ? Math.floor(index / (base + 1)) : extra + Math.floor((index - big) / base);
    const f1 = 1 + radialStd * rng.normal();
    const f2 = tangentialStd * rng.normal();
    const a = (2 * Math.PI * c) / arms + rate * Math.exp(f1);
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    data[2 * k] = 2 * (f1 * cos + f2 * sin);
    data[2 * k + 1] = 2 * (-f1 * sin + f2 * cos);
    labels[k] = c;
  }
  return { data, shape: [count, 2], labels };
}
