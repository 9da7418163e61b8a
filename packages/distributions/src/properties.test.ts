// Property-based checks of @densityjs/distributions (fast-check): generated good, bad and edge
// parameters, inputs, sample shapes and seeds for every exported distribution. Each call must
// end in a typed error or a finite, correct result, leak no tensor, and a rejected call must
// change nothing. DENSITYJS_PROPERTY_RUNS sets the runs per property (default 30), DENSITYJS_PROPERTY_SEED the seed.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, typedError } from '@densityjs/testing';
import * as dist from './index.js';
import type { Distribution } from './distribution.js';
import { logNdtr, ndtr } from './test-reference.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });
const params = { numRuns: RUNS };

/** Every export and what covers it ('properties' = this file). Fails when an export is missing. */
const COVERAGE: Record<string, string> = {
  BaseDistribution: 'properties (through every subclass)', LocScaleDistribution: 'properties (through Normal, Laplace, Logistic)', Normal: 'properties', Uniform: 'properties', Categorical: 'properties',
  MultivariateNormalDiag: 'properties', Independent: 'properties', MixtureSameFamily: 'properties',
  TransformedDistribution: 'transformed-distribution.test.ts', findKL: 'properties', klDivergence: 'properties', registerKL: 'kl-divergence.test.ts',
  Laplace: 'properties', Logistic: 'properties', Exponential: 'properties', Gamma: 'properties', Beta: 'properties', StudentT: 'properties',
  Bernoulli: 'properties', MultivariateNormalTriL: 'properties',
  LogNormal: 'properties', HalfNormal: 'properties', Cauchy: 'properties', Chi2: 'properties', Poisson: 'properties', Dirichlet: 'properties', TruncatedNormal: 'truncated-normal.test.ts', Mixture: 'mixture.test.ts', VonMises: 'properties', klDirichlet: 'kl-dirichlet-poisson.test.ts', klPoisson: 'kl-dirichlet-poisson.test.ts', Multinomial: 'multinomial.test.ts', sampleBinomial: 'binomial.test.ts, multinomial.test.ts (through their samplers)', Binomial: 'binomial.test.ts', binomialLogPmf: 'binomial.test.ts (through Binomial.logProb)', MultivariateNormalFullCovariance: 'properties', klMultivariateNormal: 'kl-multivariate-normal.test.ts', poissonLogPmf: 'poisson.test.ts (through Poisson.logProb)',
};

/** A parameter a user might pass: good values, bad values, odd shapes, wrong types. */
const paramLike = fc.oneof(
  // Magnitudes below 1e-6 are left out: a subnormal rate or scale makes samples overflow
  // float32 (they are not representable), which is no argument error.
  { weight: 4, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }).filter((v) => v === 0 || Math.abs(v) >= 1e-6) },
  { weight: 3, arbitrary: fc.double({ min: 0.05, max: 5, noNaN: true }) },
  { weight: 2, arbitrary: fc.array(fc.double({ min: 0.05, max: 5, noNaN: true }), { minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 0, -1, [], [[1, 2], [3]], 'a', null, undefined, {}, [NaN, 1]) },
);

type Maker = { name: string; make: (a: unknown, b: unknown, c: unknown) => Distribution; scalar: boolean };
const makers: Maker[] = [
  { name: 'Normal', make: (a, b) => new dist.Normal({ loc: a, scale: b } as never), scalar: true },
  { name: 'Uniform', make: (a, b) => new dist.Uniform({ low: a, high: b } as never), scalar: true },
  { name: 'Laplace', make: (a, b) => new dist.Laplace({ loc: a, scale: b } as never), scalar: true },
  { name: 'Logistic', make: (a, b) => new dist.Logistic({ loc: a, scale: b } as never), scalar: true },
  { name: 'Exponential', make: (a) => new dist.Exponential({ rate: a } as never), scalar: true },
  { name: 'Gamma', make: (a, b) => new dist.Gamma({ concentration: a, rate: b } as never), scalar: true },
  { name: 'Beta', make: (a, b) => new dist.Beta({ concentration1: a, concentration0: b } as never), scalar: true },
  { name: 'StudentT', make: (a, b, c) => new dist.StudentT({ df: a, loc: b, scale: c } as never), scalar: true },
  { name: 'Bernoulli', make: (a) => new dist.Bernoulli({ logits: a } as never), scalar: true },
  { name: 'LogNormal', make: (a, b) => new dist.LogNormal({ loc: a, scale: b } as never), scalar: true },
  { name: 'HalfNormal', make: (a) => new dist.HalfNormal({ scale: a } as never), scalar: true },
  { name: 'Cauchy', make: (a, b) => new dist.Cauchy({ loc: a, scale: b } as never), scalar: true },
  { name: 'Chi2', make: (a) => new dist.Chi2({ df: a } as never), scalar: true },
  { name: 'VonMises', make: (a, b) => new dist.VonMises({ loc: a, concentration: b } as never), scalar: true },
  { name: 'Poisson', make: (a) => new dist.Poisson({ rate: a } as never), scalar: true },
  { name: 'Categorical', make: (a) => new dist.Categorical({ logits: a } as never), scalar: false },
  { name: 'MultivariateNormalFullCovariance', make: (a, b) => new dist.MultivariateNormalFullCovariance({ loc: a, covarianceMatrix: b } as never), scalar: false },
  { name: 'Dirichlet', make: (a) => new dist.Dirichlet({ concentration: a } as never), scalar: false },
  { name: 'MultivariateNormalDiag', make: (a, b) => new dist.MultivariateNormalDiag({ loc: a, scaleDiag: b } as never), scalar: false },
  { name: 'MultivariateNormalTriL', make: (a, b) => new dist.MultivariateNormalTriL({ loc: a, scaleTril: b } as never), scalar: false },
];

describe('distributions exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(dist).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describeEachBackend(
  'distributions (properties)',
  () => {
    for (const m of makers) {
      it(`${m.name}: a typed error or a working distribution; finite logProb, reproducible samples, no leaks`, async () => {
        await fc.assert(
          fc.asyncProperty(
            paramLike,
            paramLike,
            paramLike,
            fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom<unknown>(0, 1.5, NaN, undefined, 2 ** 40)),
            fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom<unknown>(-1, 1.5, [2, 0], 'x')),
            async (a, b, c, seed, n) => {
              const before = tf.memory().numTensors;
              let d: Distribution | undefined;
              const ctorError = typedError(() => {
                d = m.make(a, b, c);
              });
              if (ctorError) {
                expect(tf.memory().numTensors).toBe(before);
                return;
              }
              const dd = d!;
              const shape = [...dd.batchShape, ...dd.eventShape];
              const owned = tf.memory().numTensors;
              // Samples: typed error for a bad seed or sample shape, else finite and reproducible.
              let s1: tf.Tensor | undefined;
              const sampleError = typedError(() => {
                s1 = dd.sample(n as never, { seed: seed as never });
              });
              if (!sampleError) {
                const v1 = Array.from(await s1!.data());
                // StudentT with a tiny df has tails beyond float32: such draws are +-Infinity.
                expect(v1.every((v) => Number.isFinite(v) || (m.name === 'StudentT' && Math.abs(v) === Infinity))).toBe(true);
                if (seed !== undefined) {
                  const s2 = dd.sample(n as never, { seed: seed as never });
                  expect(Array.from(await s2.data())).toEqual(v1);
                  s2.dispose();
                }
                // logProb at the samples: no NaN (and finite for the continuous families).
                const lp = dd.logProb(s1!);
                const lv = Array.from(await lp.data());
                expect(lv.some(Number.isNaN)).toBe(false);
                lp.dispose();
                s1!.dispose();
              }
              // A disposed tensor, and one whose shape does not broadcast, are ArgumentErrors.
              const gone = tf.zeros(shape);
              gone.dispose();
              expect(typedError(() => dd.logProb(gone))).toBeDefined();
              if ((shape.at(-1) ?? 1) >= 2) {
                const bad = tf.zeros([shape.at(-1)! + 1]);
                expect(typedError(() => dd.logProb(bad))).toBeDefined();
                bad.dispose();
              }
              expect(tf.memory().numTensors).toBe(owned);
              dd.dispose?.();
              expect(tf.memory().numTensors).toBe(before);
            },
          ),
          params,
        );
      });
    }

    it('Normal: logProb and cdf equal the float64 formulas wherever the parameters are valid', async () => {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), async (loc, scale, x) => {
          const d = new dist.Normal({ loc, scale });
          const out = tf.tidy(() => tf.stack([d.logProb(tf.scalar(x)), d.cdf(tf.scalar(x)), d.logCdf(tf.scalar(x))]));
          const [lp, cdf, lcdf] = Array.from(await out.data());
          out.dispose();
          d.dispose();
          const z = (Math.fround(x) - Math.fround(loc)) / Math.fround(scale);
          const ref = -0.5 * z * z - Math.log(Math.fround(scale)) - 0.5 * Math.log(2 * Math.PI);
          expect(Math.abs(lp! - ref)).toBeLessThanOrEqual(1e-5 * Math.abs(ref) + 1e-3); // float32 rounding
          expect(Math.abs(cdf! - ndtr(z))).toBeLessThan(1e-5);
          if (z > -30) expect(lcdf).toBeCloseTo(logNdtr(z), 1);
        }),
        params,
      );
    });

    it('klDivergence: closed forms are >= 0 (up to rounding); without one it needs samples (typed error)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true }), async (m1, s1, m2, s2) => {
          const p = new dist.Normal({ loc: m1, scale: s1 });
          const q = new dist.Normal({ loc: m2, scale: s2 });
          const kl = dist.klDivergence(p, q);
          const v = (await kl.data())[0]!;
          const ref = Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
          expect(v).toBeCloseTo(ref, 3);
          expect(dist.findKL(p, q)).toBeDefined();
          const l = new dist.Laplace({ loc: m1, scale: s1 });
          expect(typedError(() => dist.klDivergence(l, q))).toBeDefined();
          const mc = dist.klDivergence(l, q, { samples: 16, seed: 0 });
          expect(Number.isFinite((await mc.data())[0]!)).toBe(true);
          tf.dispose([kl, mc]);
          [p, q, l].forEach((d) => d.dispose());
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 3)) },
      );
    });

    it('Independent and MixtureSameFamily: typed errors for bad structure, finite logProb otherwise', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), async (r, k, k2) => {
          const before = tf.memory().numTensors;
          const base = new dist.Normal({ loc: Array.from({ length: k }, (_, i) => i), scale: 1 });
          let ind: dist.Independent | undefined;
          const e1 = typedError(() => {
            ind = new dist.Independent({ distribution: base, reinterpretedBatchNdims: r });
          });
          expect(e1 === undefined).toBe(r === 0 || r === 1);
          const cat = new dist.Categorical({ logits: Array.from({ length: k2 }, () => 0) });
          let mix: dist.MixtureSameFamily | undefined;
          const e2 = typedError(() => {
            mix = new dist.MixtureSameFamily({ mixtureDistribution: cat, componentsDistribution: base });
          });
          expect(e2 === undefined).toBe(k === k2);
          if (mix) {
            const x = tf.tensor1d([-1, 0, 2]);
            const lp = mix.logProb(x);
            expect(Array.from(await lp.data()).every(Number.isFinite)).toBe(true);
            tf.dispose([x, lp]);
          }
          void ind;
          base.dispose();
          cat.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }),
        params,
      );
    });

    it('unknown option keys are ArgumentErrors naming the closest valid key', () => {
      fc.assert(
        fc.property(fc.constantFrom('lock', 'scal', 'Loc', 'sigma', 'mean'), (key) => {
          const e = typedError(() => new dist.Normal({ loc: 0, scale: 1, [key]: 1 } as never));
          expect(e?.message).toMatch(new RegExp(`^Normal: unknown option "${key}"`));
        }),
        params,
      );
    });
  },
  { webgpu: false },
);
