import { describe, expect, it } from 'vitest';
import { pinwheel } from './pinwheel.js';
import { expectArgumentErrors, expectWellFormed, labelCounts, meanStd } from './test-helpers.js';

describe('pinwheel', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(pinwheel, 303);
  });

  it('returns n points with balanced arms (first n mod 5 arms get one more)', () => {
    const { labels, shape } = pinwheel(1003, { seed: 1 });
    expect(shape).toEqual([1003, 2]);
    expect(labelCounts(labels, 5)).toEqual([201, 201, 201, 200, 200]);
  });

  it('has radius 2 |f| with f1 ~ N(1, 0.3^2) and arms twisted by 0.25 exp(f1)', () => {
    const n = 30_000;
    const { data, labels } = pinwheel(n, { seed: 2 });
    const half = Array.from({ length: n }, (_, i) => Math.hypot(data[2 * i]!, data[2 * i + 1]!) / 2);
    // |f| = sqrt(f1^2 + f2^2) ~ f1 + f2^2 / (2 f1): mean 1 + 0.005, std 0.3.
    const radius = meanStd(half);
    expect(Math.abs(radius.mean - 1.005)).toBeLessThan(0.01);
    expect(Math.abs(radius.std - 0.3)).toBeLessThan(0.01);
    // x = 2 f R(a) rotates f by -a, so the polar angle is atan2(f2, f1) - a with
    // a = 2 pi c / 5 + 0.25 exp(f1). Using |f| for f1, the angle residual has a spread of about
    // |f2 / f1| ~ 0.1 (plus the small |f| - f1 error).
    const residuals: number[] = [];
    for (let i = 0; i < n; i++) {
      const phi = Math.atan2(data[2 * i + 1]!, data[2 * i]!);
      const a = (2 * Math.PI * labels[i]!) / 5 + 0.25 * Math.exp(half[i]!);
      let r = phi + a;
      r -= 2 * Math.PI * Math.round(r / (2 * Math.PI));
      residuals.push(r);
    }
    const res = meanStd(residuals);
    expect(Math.abs(res.mean)).toBeLessThan(0.01);
    expect(res.std).toBeLessThan(0.15);
    expect(res.std).toBeGreaterThan(0.08);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(pinwheel, 'pinwheel');
    expect(() => pinwheel(10, { arms: 0 })).toThrow('pinwheel: arms must be a positive integer, received 0');
  });
});
