import { describe, expect, it } from 'vitest';
import { rings } from './rings.js';
import { expectArgumentErrors, expectWellFormed, labelCounts, meanStd } from './test-helpers.js';

const RADII = [3, 2.25, 1.5, 0.75];

describe('rings', () => {
  it('is well formed and deterministic per seed', () => {
    expectWellFormed(rings, 402);
  });

  it('puts floor(n/4) points on each of the three outer rings and the rest inside', () => {
    const { data, labels } = rings(403, { seed: 1, noise: 0 });
    expect(labelCounts(labels, 4)).toEqual([100, 100, 100, 103]);
    let worst = 0;
    for (let i = 0; i < 403; i++) {
      worst = Math.max(worst, Math.abs(Math.hypot(data[2 * i]!, data[2 * i + 1]!) - RADII[labels[i]!]!));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('adds N(0, 0.08^2) noise after scaling', () => {
    const n = 20_000;
    const { data, labels } = rings(n, { seed: 2 });
    const residuals = Array.from({ length: n }, (_, i) => Math.hypot(data[2 * i]!, data[2 * i + 1]!) - RADII[labels[i]!]!);
    const { mean, std } = meanStd(residuals);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std / 0.08 - 1)).toBeLessThan(0.05);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(rings, 'rings');
  });
});
