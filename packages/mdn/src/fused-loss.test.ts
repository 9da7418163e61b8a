import { describe, expect, it } from 'vitest';
import { fastTanh } from './fused-loss.js';

describe('fastTanh (the JS kernel\'s rational tanh)', () => {
  it('is within 1e-6 relative of float64 Math.tanh from the origin to saturation', () => {
    const points: number[] = [0, 1e-8, 1e-5, 3.9e-4, 4.1e-4, 7.9, 7.91, 8, 9, 12, 20, 50];
    for (let v = -20; v <= 20; v += 0.01) points.push(v);
    for (const p of points) {
      for (const v of [p, -p]) {
        const exact = Math.tanh(v);
        const err = Math.abs(fastTanh(v) - exact) / Math.max(Math.abs(exact), 1e-300);
        expect(err, `tanh(${v})`).toBeLessThanOrEqual(1e-6);
      }
    }
    // Odd and bounded, as tanh.
    expect(fastTanh(-0.7)).toBe(-fastTanh(0.7));
    expect(fastTanh(1e6)).toBe(1);
    expect(fastTanh(-1e6)).toBe(-1);
  });
});
