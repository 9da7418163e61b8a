import { describe, expect, it } from 'vitest';
import { eightGaussians } from './eight-gaussians.js';
import { expectArgumentErrors, expectWellFormed, labelCounts, meanStd } from './test-helpers.js';

describe('eightGaussians', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(eightGaussians, 256);
  });

  it('clusters at 8 centers of radius 4 / 1.414 with std 0.5 / 1.414', () => {
    const n = 40_000;
    const { data, labels } = eightGaussians(n, { seed: 1 });
    const radius = 4 / 1.414;
    const std = 0.5 / 1.414;
    const counts = labelCounts(labels, 8);
    const sd = Math.sqrt(n * (1 / 8) * (7 / 8));
    for (const c of counts) expect(Math.abs(c - n / 8)).toBeLessThan(5 * sd);
    let nearestIsLabel = 0;
    for (let k = 0; k < 8; k++) {
      const cx = radius * Math.cos((k * Math.PI) / 4);
      const cy = radius * Math.sin((k * Math.PI) / 4);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < n; i++) {
        if (labels[i] !== k) continue;
        xs.push(data[2 * i]!);
        ys.push(data[2 * i + 1]!);
      }
      const mx = meanStd(xs);
      const my = meanStd(ys);
      const se = std / Math.sqrt(xs.length);
      expect(Math.abs(mx.mean - cx)).toBeLessThan(5 * se);
      expect(Math.abs(my.mean - cy)).toBeLessThan(5 * se);
      expect(Math.abs(mx.std / std - 1)).toBeLessThan(0.05);
      expect(Math.abs(my.std / std - 1)).toBeLessThan(0.05);
    }
    for (let i = 0; i < n; i++) {
      const angle = Math.atan2(data[2 * i + 1]!, data[2 * i]!);
      const nearest = ((Math.round(angle / (Math.PI / 4)) % 8) + 8) % 8;
      if (nearest === labels[i]) nearestIsLabel++;
    }
    // Neighbouring centers are 2 r sin(pi/8) = 2.16 = 6.1 std apart: almost no point crosses.
    expect(nearestIsLabel / n).toBeGreaterThan(0.995);
  });

  it('takes scale and std', () => {
    const { data, labels } = eightGaussians(2000, { seed: 2, scale: 10, std: 0 });
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const k = labels[i]!;
      worst = Math.max(
        worst,
        Math.abs(data[2 * i]! - (10 * Math.cos((k * Math.PI) / 4)) / 1.414),
        Math.abs(data[2 * i + 1]! - (10 * Math.sin((k * Math.PI) / 4)) / 1.414),
      );
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(eightGaussians, 'eightGaussians');
    expect(() => eightGaussians(10, { std: -1 })).toThrow('eightGaussians: std must be a finite number >= 0, received -1');
  });
});
