// Property-based checks of the elementwise and structural bijectors (fast-check): generated
// good, bad and edge parameters and inputs. Each call must end in a typed error or a finite,
// correct result (inverse(forward(x)) = x, forward log-det = -inverse log-det at y), leak no
// tensor, and a rejected call must change nothing (BatchNormalization's running statistics).
// The coverage list names the test file of every export. DENSITYJS_PROPERTY_RUNS sets the runs
// per property (default 30).
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, typedError } from '@densityjs/testing';
import * as bij from './index.js';
import type { Bijector } from './bijector.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });
const params = { numRuns: RUNS };

/** Every export and the test that covers it ('properties' = this file). */
const COVERAGE: Record<string, string> = {
  Bijector: 'properties (every subclass)', ElementwiseBijector: 'properties (every subclass)', Identity: 'properties', Shift: 'properties',
  Scale: 'properties', Exp: 'properties', Softplus: 'properties', Sigmoid: 'properties', Tanh: 'properties', LeakyReLU: 'properties',
  PReLU: 'properties', Chain: 'structural.test.ts', Invert: 'structural.test.ts', Permute: 'properties', Reverse: 'properties',
  RationalQuadraticSpline: 'rational-quadratic-spline.test.ts', rationalQuadraticSpline: 'rational-quadratic-spline.test.ts',
  splineParamCount: 'rational-quadratic-spline.test.ts', SPLINE_DEFAULTS: 'rational-quadratic-spline.test.ts',
  ConditionedBijector: 'coupling and masked-autoregressive tests', isTransformer: 'transformers.test.ts', transformerFromJSON: 'transformers.test.ts',
  affine: 'transformers.test.ts', affineTransform: 'affine-transformer.test.ts', DEFAULT_LOG_SCALE_CLAMP: 'affine-transformer.test.ts',
  additive: 'transformers.test.ts', rationalQuadratic: 'transformers.test.ts', deepSigmoid: 'deep-sigmoid-transformer.test.ts', Coupling: 'coupling.test.ts', RealNVP: 'coupling.test.ts',
  NICE: 'coupling.test.ts', SplineCoupling: 'coupling.test.ts', MaskedAutoregressive: 'masked-autoregressive.test.ts',
  MaskedAutoregressiveFlow: 'masked-autoregressive.test.ts', MaskedAutoregressiveSpline: 'masked-autoregressive.test.ts',
  BatchNormalization: 'properties', ActNorm: 'act-norm tests', ScaleMatvecLU: 'properties',
};

/** A parameter a user might pass: good, bad and odd values. */
const paramLike = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-3) },
  { weight: 2, arbitrary: fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 0, [1, NaN, 2], [1, 2], 'a', null, {}) },
);

const makers: [string, (p: unknown) => Bijector][] = [
  ['Identity', () => new bij.Identity()],
  ['Shift', (p) => new bij.Shift({ shift: p } as never)],
  ['Scale', (p) => new bij.Scale({ scale: p } as never)],
  ['Scale (logScale)', (p) => new bij.Scale({ logScale: p } as never)],
  ['Exp', () => new bij.Exp()],
  ['Softplus', () => new bij.Softplus()],
  ['Sigmoid', () => new bij.Sigmoid()],
  ['Tanh', () => new bij.Tanh()],
  ['LeakyReLU', (p) => new bij.LeakyReLU({ alpha: p } as never)],
  ['PReLU', (p) => new bij.PReLU({ alpha: p } as never)],
  ['Permute', (p) => new bij.Permute({ permutation: typeof p === 'number' ? [2, 0, 1] : (p as never) })],
  ['Reverse', () => new bij.Reverse()],
  ['BatchNormalization', (p) => new bij.BatchNormalization({ eventSize: 3, momentum: typeof p === 'number' ? Math.abs(p) / 4 : (p as never), training: false })],
  ['ScaleMatvecLU', (p) => new bij.ScaleMatvecLU({ eventSize: 3, seed: p as never })],
];

describe('bijectors exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(bij).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describeEachBackend(
  'bijectors (properties)',
  () => {
    for (const [name, make] of makers) {
      it(`${name}: a typed error, or exact round trips with opposite log-dets; no leaks`, async () => {
        await fc.assert(
          fc.asyncProperty(paramLike, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), async (p, values) => {
            const before = tf.memory().numTensors;
            let b: Bijector | undefined;
            if (typedError(() => (b = make(p)))) {
              expect(tf.memory().numTensors).toBe(before);
              return;
            }
            const owned = tf.memory().numTensors;
            const x = tf.tensor2d(values, [2, 3]);
            let fwd: tf.Tensor[] = [];
            if (typedError(() => (fwd = b!.forwardAndLogDet(x)))) {
              // A parameter shape that x does not match: refused, nothing leaked.
              x.dispose();
              expect(tf.memory().numTensors).toBe(owned);
              b!.dispose();
              return;
            }
            const [y, ldf] = fwd as [tf.Tensor, tf.Tensor];
            const [x2, ldi] = b!.inverseAndLogDet(y);
            const [yv, xv, fv, iv] = await Promise.all([y.data(), x2.data(), ldf.data(), ldi.data()]);
            expect(Array.from(yv).every(Number.isFinite)).toBe(true);
            Array.from(xv).forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(values[i]!))));
            Array.from(fv).forEach((v, i) => expect(Math.abs(v + iv[i]!)).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(v))));
            // Bad inputs: disposed, int32, wrong event size where it is fixed. Nothing changes.
            const state = await Promise.all((b as { movingMean?: tf.Tensor }).movingMean ? [(b as unknown as { movingMean: tf.Tensor }).movingMean.data()] : []);
            const gone = tf.zeros([2, 3]);
            gone.dispose();
            const ints = tf.zeros([2, 3], 'int32');
            const wide = tf.zeros([2, 4]);
            expect(typedError(() => b!.forward(gone))).toBeDefined();
            expect(typedError(() => b!.inverse(ints))).toBeDefined();
            if (b!.eventSize !== undefined) expect(typedError(() => b!.inverseAndLogDet(wide))).toBeDefined();
            if (state.length) expect(Array.from(await (b as unknown as { movingMean: tf.Tensor }).movingMean.data())).toEqual(Array.from(state[0]!));
            tf.dispose([x, y, ldf, x2, ldi, ints, wide]);
            expect(tf.memory().numTensors).toBe(owned);
            b!.dispose();
            expect(tf.memory().numTensors).toBe(before);
          }),
          params,
        );
      });
    }

    it('BatchNormalization in training mode: finite running statistics whatever the batch', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 5 }),
          fc.array(fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(NaN, Infinity)), { minLength: 15, maxLength: 15 }),
          async (rows, values) => {
            const bn = new bij.BatchNormalization({ eventSize: 3 });
            const y = tf.tensor2d(values.slice(0, rows * 3), [rows, 3]);
            const out = bn.inverseAndLogDet(y);
            expect(Array.from(await bn.movingMean.data()).every(Number.isFinite)).toBe(true);
            expect(Array.from(await bn.movingVariance.data()).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
            tf.dispose([y, ...out]);
            bn.dispose();
          },
        ),
        params,
      );
    });
  },
  { webgpu: false },
);

describeEachBackend(
  'bijectors on empty batches',
  () => {
    it('an empty batch gives empty values and log-dets of the right shapes', async () => {
      const makers: Bijector[] = [
        new bij.Shift({ shift: [1, 2] }), new bij.Exp(), new bij.Permute({ permutation: [1, 0] }), new bij.Reverse(),
        new bij.BatchNormalization({ eventSize: 2 }), new bij.ScaleMatvecLU({ eventSize: 2, seed: 1 }),
      ];
      for (const b of makers) {
        const x = tf.zeros([0, 2]);
        const [y, ld] = b.inverseAndLogDet(x);
        const [z, ld2] = b.forwardAndLogDet(x);
        expect([y.shape, z.shape]).toEqual([[0, 2], [0, 2]]);
        expect([ld.shape, ld2.shape]).toEqual(b.eventNdims === 0 ? [[0, 2], [0, 2]] : [[0], [0]]);
        tf.dispose([x, y, ld, z, ld2]);
        b.dispose();
      }
    });
  },
  { webgpu: false },
);
