import { describe, expect, it } from 'vitest';
import { cosineDecay, scheduledLearningRate } from './cosine-decay.js';

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

describe('scheduledLearningRate', () => {
  it('ramps linearly over the warmup steps, then follows the base rate', () => {
    // 4 warmup steps at a constant 2e-3: 0.5e-3, 1e-3, 1.5e-3, 2e-3, then 2e-3.
    expect([0, 1, 2, 3, 4, 50].map((k) => scheduledLearningRate(k, 100, 2e-3, undefined, 4))).toEqual([0.5e-3, 1e-3, 1.5e-3, 2e-3, 2e-3, 2e-3]);
    // With a cosine base, warmup step k scales the cosine's value at k by (k + 1) / 4.
    const c = (k: number) => 0.1 + 0.45 * (1 + Math.cos((Math.PI * k) / 9));
    for (let k = 0; k < 10; k++) expect(scheduledLearningRate(k, 10, 1, 0.1, 4)).toBeCloseTo(c(k) * Math.min(1, (k + 1) / 4), 14);
    // No warmup: the base alone.
    expect(scheduledLearningRate(0, 10, 1, undefined, 0)).toBe(1);
  });
});
