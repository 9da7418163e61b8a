import { describe, expect, it } from 'vitest';
import { checkerboard } from './checkerboard.js';
import { expectArgumentErrors, expectWellFormed } from './test-helpers.js';

describe('checkerboard', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(checkerboard, 300);
  });

  it('spreads its mass evenly over the 8 black squares of [-4, 4]^2 and none elsewhere', () => {
    const n = 80_000;
    const { data, labels } = checkerboard(n, { seed: 1 });
    const counts = new Array<number>(16).fill(0);
    const sumX = new Array<number>(16).fill(0);
    const sumY = new Array<number>(16).fill(0);
    let outside = 0;
    let labelMismatch = 0;
    for (let i = 0; i < n; i++) {
      const x = data[2 * i]!;
      const y = data[2 * i + 1]!;
      if (x < -4 || x > 4 || y < -4 || y > 4) outside++;
      const col = Math.min(3, Math.floor(x / 2) + 2);
      const row = Math.min(3, Math.floor(y / 2) + 2);
      counts[row * 4 + col]!++;
      sumX[row * 4 + col]! += x;
      sumY[row * 4 + col]! += y;
      if (labels[i] !== 2 * col + (row >> 1)) labelMismatch++;
    }
    expect(outside).toBe(0);
    expect(labelMismatch).toBe(0);
    const sd = Math.sqrt(n * (1 / 8) * (7 / 8));
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 4; col++) {
        const c = counts[row * 4 + col]!;
        if ((row + col) % 2 === 1) {
          expect(c).toBe(0);
          continue;
        }
        expect(Math.abs(c - n / 8)).toBeLessThan(5 * sd);
        // Uniform inside the square: mean at its center, standard error 2 / sqrt(12 c).
        const se = 2 / Math.sqrt(12 * c);
        expect(Math.abs(sumX[row * 4 + col]! / c - (-3 + 2 * col))).toBeLessThan(5 * se);
        expect(Math.abs(sumY[row * 4 + col]! / c - (-3 + 2 * row))).toBeLessThan(5 * se);
      }
    }
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(checkerboard, 'checkerboard');
  });
});
