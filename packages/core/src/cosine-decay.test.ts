import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay.js';

describe('cosineDecay', () => {
  it('runs from initial to final on a half cosine', () => {
    const total = 11;
    for (let k = 0; k < total; k++) {
      // Independent form: the mean of the two ends plus half their difference times cos.
      const expected = (1e-3 + 1e-5) / 2 + ((1e-3 - 1e-5) / 2) * Math.cos((Math.PI * k) / 10);
      expect(cosineDecay(k, total, 1e-3, 1e-5)).toBeCloseTo(expected, 15);
    }
    expect(cosineDecay(0, total, 2, 1)).toBe(2);
    expect(cosineDecay(10, total, 2, 1)).toBeCloseTo(1, 15);
    expect(cosineDecay(5, total, 2, 1)).toBeCloseTo(1.5, 15);
  });

  it('is monotone, stays at final past the end, and a single step keeps initial', () => {
    const values = Array.from({ length: 50 }, (_, k) => cosineDecay(k, 50, 1, 0.1));
    for (let k = 1; k < values.length; k++) expect(values[k]!).toBeLessThan(values[k - 1]!);
    expect(cosineDecay(80, 50, 1, 0.1)).toBeCloseTo(0.1, 15);
    expect(cosineDecay(0, 1, 0.3, 0.1)).toBe(0.3);
  });
});
