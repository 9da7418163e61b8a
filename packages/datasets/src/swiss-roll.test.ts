import { describe, expect, it } from 'vitest';
import { swissRoll } from './swiss-roll.js';
import { expectArgumentErrors, expectWellFormed, meanStd } from './test-helpers.js';

describe('swissRoll', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(swissRoll, 300);
  });

  it('is (t cos t, t sin t) / 5 plus N(0, (1/5)^2), t ~ U(1.5 pi, 4.5 pi)', () => {
    const n = 30_000;
    const { data, t } = swissRoll(n, { seed: 1 });
    let outside = 0;
    const rx: number[] = [];
    const ry: number[] = [];
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      if (ti < 1.5 * Math.PI - 1e-5 || ti > 4.5 * Math.PI + 1e-5) outside++;
      rx.push(5 * data[2 * i]! - ti * Math.cos(ti));
      ry.push(5 * data[2 * i + 1]! - ti * Math.sin(ti));
    }
    expect(outside).toBe(0);
    const ts = meanStd(t);
    expect(Math.abs(ts.mean - 3 * Math.PI)).toBeLessThan(5 * ((3 * Math.PI) / Math.sqrt(12 * n)));
    // float32 rounding of t moves t cos t by up to ~1e-5: negligible against the unit noise.
    for (const r of [rx, ry]) {
      const { mean, std } = meanStd(r);
      expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(std - 1)).toBeLessThan(5 * Math.sqrt(1 / (2 * n)));
    }
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(swissRoll, 'swissRoll');
  });
});
