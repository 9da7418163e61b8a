import { describe, expect, it } from 'vitest';
import { circles } from './circles.js';
import { expectArgumentErrors, expectWellFormed, labelCounts, meanStd } from './test-helpers.js';

describe('circles', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(circles, 301);
  });

  it('puts floor(n/2) points on radius 3 and the rest on radius 1.5, evenly spaced', () => {
    const { data, labels } = circles(101, { seed: 1, noise: 0, shuffle: false });
    expect(labelCounts(labels, 2)).toEqual([50, 51]);
    let worst = 0;
    for (let i = 0; i < 101; i++) {
      const r = Math.hypot(data[2 * i]!, data[2 * i + 1]!);
      worst = Math.max(worst, Math.abs(r - (labels[i] === 0 ? 3 : 1.5)));
    }
    expect(worst).toBeLessThan(1e-6);
    // linspace(0, 2 pi, 50, endpoint=False): point 1 of the outer circle is at angle 2 pi / 50.
    expect(Math.atan2(data[3]!, data[2]!)).toBeCloseTo((2 * Math.PI) / 50, 6);
  });

  it('adds noise of standard deviation 0.08 * 3 around the circles', () => {
    const n = 20_000;
    const { data, labels } = circles(n, { seed: 2 });
    const residuals = Array.from({ length: n }, (_, i) => Math.hypot(data[2 * i]!, data[2 * i + 1]!) - (labels[i] === 0 ? 3 : 1.5));
    const { mean, std } = meanStd(residuals);
    // Radial component of isotropic noise: N(0, 0.24^2) plus a curvature bias sigma^2 / (2 r).
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std / 0.24 - 1)).toBeLessThan(0.05);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(circles, 'circles');
    expect(() => circles(10, { scale: 0 })).toThrow('circles: scale must be a finite number > 0, received 0');
  });
});
