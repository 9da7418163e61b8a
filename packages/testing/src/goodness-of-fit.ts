// Goodness-of-fit tests for samplers, with false-alarm rates that hold at every sample size.

const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The float32 numbers next to the float32 number v, below and above. */
function float32Neighbours(v: number): [number, number] {
  if (v === 0) return [-(2 ** -149), 2 ** -149];
  f32[0] = v;
  const b = bits[0]!;
  bits[0] = b - 1;
  const toward0 = f32[0]!;
  bits[0] = b + 1;
  const away = f32[0]!;
  return v > 0 ? [toward0, away] : [away, toward0];
}

/**
 * Kolmogorov-Smirnov statistic `D_n = sup_x |F_n(x) - G(x)|` of `samples` against `cdf` in
 * float64. With `float32: true` (the default) G is the law of a draw from `cdf` rounded to the
 * nearest float32, `G(v) = F((v + next(v)) / 2)`: float32 samplers quantize narrow distributions
 * (loc 50, scale 1e-4 has steps of 4% of the scale) and a continuous F would flag the rounding,
 * not the sampler. Runs of equal values step F_n at once.
 */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number, { float32 = true } = {}): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const v = sorted[i]!;
    let below: number;
    let upTo: number;
    if (float32 && Number.isFinite(v)) {
      const [prev, next] = float32Neighbours(v);
      below = cdf((prev + v) / 2);
      upTo = cdf((v + next) / 2);
    } else below = upTo = cdf(v);
    if (Number.isNaN(below) || Number.isNaN(upTo)) return NaN;
    d = Math.max(d, Math.abs(below - i / n), Math.abs((j + 1) / n - upTo));
    i = j + 1;
  }
  return d;
}

/**
 * The Dvoretzky-Kiefer-Wolfowitz bound (Massart's constant): for n i.i.d. draws from a continuous
 * F, `P(D_n > ε) <= 2 exp(-2 n ε²)` at every n. Returns the ε whose false-alarm rate is `alpha`:
 * `sqrt(ln(2 / alpha) / (2 n))`.
 */
export function ksCriticalValue(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/**
 * Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let q: number;
  let x: number;
  if (p < low) {
    q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

/**
 * Upper quantile of the chi-squared distribution with k degrees of freedom at level alpha
 * (P(X > q) = alpha), by the Wilson-Hilferty cube approximation. It overshoots the exact
 * quantile, so the real false-alarm rate stays below alpha: by 3% for k = 1 and 0.6% for k = 10
 * at alpha = 1e-3, by 15% for k = 1 and 5% for k = 5 at alpha = 1e-6.
 */
export function chiSquaredCriticalValue(k: number, alpha: number): number {
  const z = normalQuantile(1 - alpha);
  const v = 2 / (9 * k);
  return k * (1 - v + z * Math.sqrt(v)) ** 3;
}

export interface ChiSquaredResult {
  statistic: number;
  degreesOfFreedom: number;
  critical: number;
  /** Observed values of zero probability (a sampler outside the support). */
  impossible: number[];
}

/**
 * Pearson's chi-squared test of integer-valued `samples` against the probability mass function
 * `pmf` on the integers: cells k = min..max of the draws (and of 0), with the mass outside them
 * as one more cell; neighbouring cells are merged until each expects at least 5 draws. The
 * statistic is compared with the chi-squared quantile at level `alpha` (the false-alarm rate,
 * asymptotically in the number of draws).
 */
export function chiSquaredTest(samples: ArrayLike<number>, pmf: (k: number) => number, alpha: number): ChiSquaredResult {
  const n = samples.length;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, samples[i]!);
    hi = Math.max(hi, samples[i]!);
  }
  const counts = new Float64Array(hi - lo + 1);
  const impossible: number[] = [];
  for (let i = 0; i < n; i++) counts[samples[i]! - lo]! += 1;
  const probs = Array.from({ length: hi - lo + 1 }, (_, i) => pmf(lo + i));
  probs.forEach((p, i) => {
    if (!(p > 0) && counts[i]! > 0) impossible.push(lo + i);
  });
  const rest = Math.max(0, 1 - probs.reduce((a, b) => a + b, 0));
  // Merge adjacent cells (left to right) until each expects >= 5 draws.
  const cells: { observed: number; expected: number }[] = [];
  let acc = { observed: 0, expected: 0 };
  for (let i = 0; i < probs.length; i++) {
    acc.observed += counts[i]!;
    acc.expected += n * probs[i]!;
    if (acc.expected >= 5) {
      cells.push(acc);
      acc = { observed: 0, expected: 0 };
    }
  }
  acc.expected += n * rest;
  if (cells.length && acc.expected < 5) {
    cells[cells.length - 1]!.observed += acc.observed;
    cells[cells.length - 1]!.expected += acc.expected;
  } else if (acc.expected > 0 || acc.observed > 0) cells.push(acc);
  let statistic = 0;
  for (const { observed, expected } of cells) statistic += expected > 0 ? (observed - expected) ** 2 / expected : observed > 0 ? Infinity : 0;
  const degreesOfFreedom = Math.max(1, cells.length - 1);
  return { statistic, degreesOfFreedom, critical: chiSquaredCriticalValue(degreesOfFreedom, alpha), impossible };
}
