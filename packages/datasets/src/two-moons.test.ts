import { describe, expect, it } from 'vitest';
import { expectArgumentErrors, expectWellFormed, labelCounts } from './test-helpers.js';
import { twoMoons } from './two-moons.js';

// Distance of (x, y) to each arc of scikit-learn's geometry, computed from its definition.
function outerDistance(x: number, y: number): number {
  // Upper half of the unit circle; below the diameter, the nearest point is an endpoint.
  if (y >= 0) return Math.abs(Math.hypot(x, y) - 1);
  return Math.min(Math.hypot(x - 1, y), Math.hypot(x + 1, y));
}
function innerDistance(x: number, y: number): number {
  // Lower half of the unit circle centered at (1, 0.5).
  if (y <= 0.5) return Math.abs(Math.hypot(x - 1, y - 0.5) - 1);
  return Math.min(Math.hypot(x, y - 0.5), Math.hypot(x - 2, y - 0.5));
}

describe('twoMoons', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(twoMoons, 501);
  });

  it('splits n evenly between the moons, outer first when unshuffled', () => {
    const { data, labels } = twoMoons(1001, { seed: 1, noise: 0, shuffle: false });
    expect(labelCounts(labels, 2)).toEqual([500, 501]);
    expect(labels.slice(0, 500).every((l) => l === 0)).toBe(true);
    // linspace(0, pi) includes both ends: outer starts at (1, 0), inner at (0, 0.5).
    expect([data[0], data[1]]).toEqual([1, 0]);
    expect(data[2 * 499]).toBeCloseTo(-1, 6);
    expect([data[1000], data[1001]]).toEqual([0, 0.5]);
    expect(data[2 * 1000]).toBeCloseTo(2, 6);
    expect(data[2 * 1000 + 1]).toBeCloseTo(0.5, 6);
  });

  it('puts noise-free points exactly on their arcs', () => {
    const { data, labels } = twoMoons(2000, { seed: 2, noise: 0 });
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const x = data[2 * i]!;
      const y = data[2 * i + 1]!;
      worst = Math.max(worst, labels[i] === 0 ? outerDistance(x, y) : innerDistance(x, y));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('keeps noisy points within the noise of their arcs', () => {
    const noise = 0.05;
    const n = 20_000;
    const { data, labels } = twoMoons(n, { seed: 3, noise });
    let worst = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = data[2 * i]!;
      const y = data[2 * i + 1]!;
      const d = labels[i] === 0 ? outerDistance(x, y) : innerDistance(x, y);
      worst = Math.max(worst, d);
      sq += d * d;
    }
    // The distance to a smooth arc is about |radial component| of the 2-D noise, N(0, noise^2):
    // its RMS is noise (curvature adds O(noise^2)); 6 sigma bounds every point for this n.
    expect(worst).toBeLessThan(6 * noise);
    expect(Math.abs(Math.sqrt(sq / n) / noise - 1)).toBeLessThan(0.05);
  });

  it('shuffles the labels', () => {
    const { labels } = twoMoons(1000, { seed: 4 });
    const firstHalfOnes = labels.slice(0, 500).reduce((a, b) => a + b, 0);
    expect(firstHalfOnes).toBeGreaterThan(200);
    expect(firstHalfOnes).toBeLessThan(300);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(twoMoons, 'twoMoons');
    expect(() => twoMoons(10, { noise: -1 })).toThrow('twoMoons: noise must be a finite number >= 0, received -1');
    expect(() => twoMoons(10, { noise: Number.NaN })).toThrow('twoMoons: noise must be a finite number >= 0, received NaN');
    expect(() => twoMoons(10, { shuffle: 'yes' as unknown as boolean })).toThrow(
      'twoMoons: shuffle must be a boolean, received "yes"',
    );
  });
});
