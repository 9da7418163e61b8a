import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Uniform } from './uniform.js';
import { pointGrid } from './test-reference.js';

// Batch [3, 3]: low along the last axis, width (tiny, unit, large) along the first.
const low = [-1, 0, 3];
const width = [1e-4, 1, 1e4];
const high = width.map((w) => low.map((l) => l + w));
const span = (p: Record<string, Nested>) => (p.high as number) - (p.low as number);

describeDistribution({
  name: 'Uniform',
  params: { low, high },
  make: (p) => new Uniform({ low: p.low!, high: p.high! }),
  reparameterized: ['low', 'high'],
  batchShape: [3, 3],
  eventShape: [],
  points: pointGrid([0, 0.1, 0.5, 0.9], [3, 3], (u, [i, j]) => low[j!]! + u * width[i!]!) as Nested,
  outside: pointGrid([-1, -0.5, 1, 2], [3, 3], (u, [i, j]) => (u < 0 ? low[j!]! + u * width[i!]! : high[i!]![j!]! + (u - 1) * width[i!]!)) as Nested,
  reference: {
    logProb: (_x, p) => -Math.log(span(p)),
    cdf: (x, p) => Math.min(Math.max((x - (p.low as number)) / span(p), 0), 1),
    logCdf: (x, p) => Math.log(Math.min(Math.max((x - (p.low as number)) / span(p), 0), 1)),
    mean: (p) => ((p.low as number) + (p.high as number)) / 2,
    variance: (p) => span(p) ** 2 / 12,
    entropy: (p) => Math.log(span(p)),
  },
  // Moments at moderate offsets: float32 spacing near 3 would show in a 1e-4 wide interval.
  sampling: { params: { low: [-1, 0, 0.5], high: width.map((w) => [-1, 0, 0.5].map((l) => l + w)) } },
  // Points at 30-70% of the interval, so 1% steps of low, high and x keep them inside.
  gradientCheck: {
    params: { low: [-1, 0, 3], high: [[0, 1, 4], [1, 2, 5], [3, 4, 7]] },
    points: pointGrid([0.3, 0.5, 0.7], [3, 3], (u, [i, j]) => [-1, 0, 3][j!]! + u * ([[0, 1, 4], [1, 2, 5], [3, 4, 7]][i!]![j!]! - [-1, 0, 3][j!]!)) as Nested,
  },
  webgpu: true,
});

describe('Uniform arguments', () => {
  it('rejects low >= high, naming both', () => {
    expect(() => new Uniform({ low: [0, 2], high: [1, 2] })).toThrow(/Uniform: high - low must be > 0 \(low < high elementwise\), received 0 \(at flat index 1\)/);
    expect(() => new Uniform({ low: 3, high: 1 })).toThrow(/high - low/);
  });
  it('rejects shapes that do not broadcast', () => {
    expect(() => new Uniform({ low: [0, 1, 2], high: [5, 6] })).toThrow(/Uniform: high of shape \[2\] does not broadcast with low of shape \[3\]/);
  });
});
