import { describeDistribution, type Nested } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { TruncatedNormal } from './truncated-normal.js';
import { logNdtr, ndtr } from './test-reference.js';
import { describeTails } from './test-tails.js';

const num = (v: Nested | undefined) => v as number;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const phi = (t: number) => (Number.isFinite(t) ? Math.exp(-0.5 * t * t - LOG_SQRT_2PI) : 0);

/** Float64 reference of one member: Z, F and S as differences on the tail side. */
function ref(p: Record<string, Nested>) {
  const loc = num(p.loc);
  const s = num(p.scale);
  const a = (num(p.low) - loc) / s;
  const b = (num(p.high) - loc) / s;
  const upper = a > 0;
  const Phi0 = (t: number) => (t === Infinity ? 1 : t === -Infinity ? 0 : ndtr(t));
  const Phi = (t: number) => (upper ? Phi0(-t) : Phi0(t)); // upper side uses Φ(-t)
  const Z = upper ? Phi(a) - Phi(b) : Phi(b) - Phi(a);
  const cdf = (x: number) => {
    const xi = Math.min(Math.max((x - loc) / s, a), b);
    return (upper ? Phi(a) - Phi(xi) : Phi(xi) - Phi(a)) / Z;
  };
  const mean = loc + (s * (phi(a) - phi(b))) / Z;
  const ta = Number.isFinite(a) ? a * phi(a) : 0;
  const tb = Number.isFinite(b) ? b * phi(b) : 0;
  const variance = s * s * (1 + (ta - tb) / Z - ((phi(a) - phi(b)) / Z) ** 2);
  const entropy = Math.log(Math.sqrt(2 * Math.PI * Math.E) * s * Z) + (ta - tb) / (2 * Z);
  return { a, b, Z, cdf, mean, variance, entropy, loc, s };
}

// Batch [4]: two-sided around the mean, one-sided (infinite high), far in the upper tail
// (α = 8), far in the lower tail (β = -9) with a small scale.
const params = { loc: [0, 1, -2, 5], scale: [1, 2, 0.5, 1e-2], low: [-1, 0, 2, -Infinity], high: [2, Infinity, 3, 4.91] };
const points = [
  [-1, 0, 2, 4.8],
  [-0.3, 0.5, 2.001, 4.85],
  [0.5, 3, 2.1, 4.9],
  [1.99, 20, 3, 4.91],
];

describeDistribution({
  name: 'TruncatedNormal',
  params,
  make: (p) => new TruncatedNormal({ loc: p.loc!, scale: p.scale!, low: p.low!, high: p.high! }),
  reparameterized: ['loc', 'scale', 'low', 'high'],
  batchShape: [4],
  eventShape: [],
  points,
  outside: [[-1.01, -0.1, 1.99, 4.92], [2.01, -5, 3.01, 100]],
  reference: {
    logProb: (x, p) => {
      const r = ref(p);
      const z = (num(x) - r.loc) / r.s;
      return -0.5 * z * z - Math.log(r.s) - LOG_SQRT_2PI - Math.log(r.Z);
    },
    cdf: (x, p) => ref(p).cdf(x),
    logCdf: (x, p) => Math.log(ref(p).cdf(x)),
    mean: (p) => ref(p).mean,
    variance: (p) => ref(p).variance,
    mode: (p) => Math.min(Math.max(num(p.loc), num(p.low)), num(p.high)),
    entropy: (p) => ref(p).entropy,
  },
  tolerance: {
    logProb: { rtol: 1e-4, atol: 1e-4 },
    prob: { rtol: 1e-4, atol: 1e-6 },
    cdf: { rtol: 1e-3, atol: 1e-6 },
    logCdf: { rtol: 1e-3, atol: 1e-4 },
    moments: { rtol: 1e-3, atol: 1e-4 },
    entropy: { rtol: 1e-3, atol: 1e-3 },
  },
  // Finite bounds at moderate distances for the finite differences (steps of 1% in each).
  // Infinite bounds (high of member 1, low of member 3) reach no gradient by construction.
  zeroGradient: (param, i) => (param === 'high' && i === 1) || (param === 'low' && i === 3),
  gradientCheck: {
    params: { loc: [0, 1, -2, 0.5], scale: [1, 2, 0.8, 1.5], low: [-1, 0, -3, -2], high: [2, 4, -0.5, 3] },
    points: [[-0.5, 1, -2.5, 0], [1, 3, -1, 2]],
    rtol: 2e-2,
  },
});

describeTails([
  {
    name: 'TruncatedNormal(0, 1, 4, 9) far in the upper tail',
    make: () => new TruncatedNormal({ loc: 0, scale: 1, low: 4, high: 9 }),
    points: [4, 4.01, 4.5, 5.5, 7, 8.9],
    cdf: (x) => (ndtr(-4) - ndtr(-x)) / (ndtr(-4) - ndtr(-9)),
    logSurvival: (x) => Math.log((ndtr(-x) - ndtr(-9)) / (ndtr(-4) - ndtr(-9))),
    bracket: [4, 9],
    // p = F(8.9) rounds to 1 in float32.
    quantilePoints: [4, 4.01, 4.5, 5.5, 7],
    tolerance: { survival: { rtol: 1e-3, atol: 1e-9 }, logSurvival: { rtol: 1e-3, atol: 1e-4 }, quantile: { rtol: 1e-4, atol: 1e-4 } },
  },
  {
    name: 'TruncatedNormal(1, 2, -Infinity, 0)',
    make: () => new TruncatedNormal({ loc: 1, scale: 2, low: -Infinity, high: 0 }),
    points: [-30, -10, -2, -0.5, -1e-3],
    cdf: (x) => Math.exp(logNdtr((x - 1) / 2) - logNdtr(-0.5)),
    logSurvival: (x) => Math.log(1 - Math.exp(logNdtr((x - 1) / 2) - logNdtr(-0.5))),
    bracket: [-100, 0],
    quantilePoints: [-10, -2, -0.5, -1e-3],
    // Next to high, S = (Φ(β) - Φ(ξ))/Z is a difference of close log Φ values: relative 3e-4.
    tolerance: { survival: { rtol: 1e-3, atol: 1e-7 }, logSurvival: { rtol: 1e-3, atol: 1e-4 }, quantile: { rtol: 1e-4, atol: 1e-4 } },
  },
]);

describe('TruncatedNormal arguments', () => {
  it('rejects high <= low and a non-positive scale, naming them', () => {
    expect(() => new TruncatedNormal({ loc: 0, scale: 1, low: [0, 1], high: [1, 1] })).toThrow(/TruncatedNormal: high must be > low elementwise/);
    expect(() => new TruncatedNormal({ loc: 0, scale: 0, low: 0, high: 1 })).toThrow(/TruncatedNormal: scale must be > 0/);
  });
});
