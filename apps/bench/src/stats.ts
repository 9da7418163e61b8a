/**
 * Order statistics of repeated timings. Quantiles use linear interpolation between order
 * statistics (numpy's default, "type 7" of Hyndman & Fan 1996), so the results match
 * `numpy.percentile` and the PyTorch peer's numbers are computed the same way.
 */
export interface Summary {
  n: number;
  median: number;
  q1: number;
  q3: number;
  iqr: number;
  min: number;
  max: number;
  mean: number;
}

/** The q-quantile (0 <= q <= 1) of `values`, interpolating linearly (numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile: expected at least one value, received none');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: expected q in [0, 1], received ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  return {
    n: values.length,
    median: median(values),
    q1,
    q3,
    iqr: q3 - q1,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: values.reduce((s, v) => s + v, 0) / values.length,
  };
}
