import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';

/** The reference implementation's own formulation (signed state, additive mixing). */
function reference(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mulberry32', () => {
  it('matches the reference formulation bit for bit, for any 32-bit seed', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, -5]) {
      const a = mulberry32(seed);
      const b = reference(seed);
      for (let i = 0; i < 1000; i++) expect(a()).toBe(b());
    }
  });

  it('is uniform on [0, 1): every value in range, mean and variance within 5 standard errors', () => {
    const n = 200_000;
    const r = mulberry32(7);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    // Var(U^2) = 1/5 - 1/9 = 4/45: the standard error of the second moment.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
  });
});
