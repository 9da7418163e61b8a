import { describe, expect, it } from 'vitest';
import { inverseSine } from './inverse-sine.js';
import { column, expectArgumentErrors, expectWellFormed, meanStd, normalCdf } from './test-helpers.js';

describe('inverseSine', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(inverseSine, 300);
  });

  it('draws x ~ U(-10.5, 10.5) and y = 7 sin(0.75 x) + 0.5 x + N(0, 1)', () => {
    const n = 50_000;
    const ds = inverseSine(n, { seed: 1 });
    const x = column(ds, 0);
    const y = column(ds, 1);
    let mismatches = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      if (ds.x[i] !== x[i] || ds.y[i] !== y[i]) mismatches++;
      if (!(x[i]! >= -10.5 && x[i]! < 10.5)) outside++;
    }
    expect(mismatches).toBe(0);
    expect(outside).toBe(0);
    const xs = meanStd(x);
    expect(Math.abs(xs.mean)).toBeLessThan(5 * (21 / Math.sqrt(12 * n)));
    expect(xs.std).toBeCloseTo(21 / Math.sqrt(12), 1);
    const residuals = Array.from({ length: n }, (_, i) => ds.y[i]! - (7 * Math.sin(0.75 * ds.x[i]!) + 0.5 * ds.x[i]!));
    const r = meanStd(residuals);
    expect(Math.abs(r.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(r.std - 1)).toBeLessThan(5 * Math.sqrt(1 / (2 * n)));
    // Normal shape: empirical CDF at a few points vs Phi, Binomial standard errors.
    for (const q of [-2, -1, 0, 0.5, 1.5]) {
      const p = normalCdf(q);
      let below = 0;
      for (const v of residuals) if (v <= q) below++;
      const frac = below / n;
      expect(Math.abs(frac - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('swaps the columns with inverse: true (same draws)', () => {
    const forward = inverseSine(500, { seed: 7 });
    const inverse = inverseSine(500, { seed: 7, inverse: true });
    expect(inverse.x).toEqual(forward.y);
    expect(inverse.y).toEqual(forward.x);
    expect(Array.from(column(inverse, 0))).toEqual(Array.from(forward.y));
  });

  it('scales the noise', () => {
    const ds = inverseSine(20_000, { seed: 2, noise: 0.1 });
    const residuals = Array.from({ length: 20_000 }, (_, i) => ds.y[i]! - (7 * Math.sin(0.75 * ds.x[i]!) + 0.5 * ds.x[i]!));
    expect(meanStd(residuals).std).toBeCloseTo(0.1, 2);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(inverseSine, 'inverseSine');
    expect(() => inverseSine(10, { inverse: 1 as unknown as boolean })).toThrow('inverseSine: inverse must be a boolean, received 1');
  });
});
