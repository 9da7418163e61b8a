// Property-based checks of @densityjs/core (fast-check): generated good, bad and edge inputs to
// every export; each must end in a typed error or a finite, correct result, leak no tensor,
// and change nothing when it rejects a call. DENSITYJS_PROPERTY_RUNS sets the runs per
// property (default 30; e.g. 1000 for a long run).
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, float64 } from '@densityjs/testing';
import * as core from './index.js';
import { ArgumentError, DensityError, MAX_ERROR_MESSAGE_LENGTH } from './errors.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });
const params = { numRuns: RUNS };

/**
 * Coverage: every export of @densityjs/core and where its generated-input property lives
 * ('properties' = this file; otherwise the test file that checks it against a reference).
 * The first test fails when an export is missing here.
 */
const COVERAGE: Record<string, string> = {
  ArgumentError: 'properties', DensityError: 'properties', FormatError: 'errors.test.ts', NumericalError: 'properties',
  StateError: 'properties', NotImplementedError: 'errors.test.ts, distributions distribution.test.ts', log1p: 'log1p.test.ts', MAX_ERROR_MESSAGE_LENGTH: 'properties', argumentError: 'properties', describeValue: 'properties',
  raw: 'properties', shapeText: 'properties', checkOptionKeys: 'properties', closestMatch: 'properties', editDistance: 'properties',
  checkSeed: 'properties', deriveSeed: 'properties', freshSeed: 'properties', tfjsSeed: 'properties',
  broadcastShapeOf: 'properties', broadcastShapes: 'properties', checkTensor: 'properties', checkValues: 'properties',
  checkValuesAsync: 'properties', normalizeSampleShape: 'properties', toFloatTensor: 'properties', tryReadSync: 'properties', asFloat32: 'tensor-utils.test.ts',
  gradientConfigs: 'register-gradients.test.ts', registerGradients: 'register-gradients.test.ts', matMulFast: 'register-gradients.test.ts',
  betainc: 'special-functions.test.ts', digamma: 'special-functions.test.ts', erfc: 'special-functions.test.ts', igamma: 'special-functions.test.ts',
  igammaGradA: 'special-functions.test.ts', lbeta: 'special-functions.test.ts', logIgamma: 'special-functions.test.ts', lgamma: 'special-functions.test.ts',
  logErfc: 'special-functions.test.ts', logNdtr: 'special-functions.test.ts', ndtr: 'special-functions.test.ts', ndtri: 'properties, ndtri.test.ts',
  igammac: 'special-functions.test.ts', logIgammac: 'special-functions.test.ts', logBetainc: 'special-functions.test.ts',
  logBetaincPair: 'special-functions.test.ts, inverse-incomplete-beta.test.ts', logIgammaPair: 'special-functions.test.ts, inverse-incomplete-gamma.test.ts',
  igammaInv: 'inverse-incomplete-gamma.test.ts', igammacInv: 'inverse-incomplete-gamma.test.ts',
  betaincInv: 'inverse-incomplete-beta.test.ts', betaincInvLogit: 'inverse-incomplete-beta.test.ts',
  matrixDiagPart: 'properties', cholesky: 'cholesky.test.ts', logBesselI0: 'log-bessel-i0.test.ts', logBesselI0e: 'log-bessel-i0.test.ts', triangularSolveLower: 'properties', cosineDecay: 'properties', mulberry32: 'properties',
  FIT_OPTION_KEYS: 'properties', FIT_DEFAULTS: 'fit.test.ts, flows initialization.test.ts', scheduledLearningRate: 'cosine-decay.test.ts',
  WeightAverage: 'weight-average.test.ts', formatEpochLine: 'progress-format.test.ts', formatProgressLine: 'progress-format.test.ts',
  TrainingLog: 'training-log.test.ts', defaultProgressOutput: 'training-log.test.ts', MIN_STATISTICS_BATCH: 'properties', trainLoop: 'properties', resolveFitOptions: 'properties',
  DENSE_ACTIVATIONS: 'fused-dense.test.ts', LEAKY_RELU_ALPHA: 'fused-dense.test.ts', fusedDense: 'fused-dense.test.ts',
  fusedMlp: 'fused-dense.test.ts', FusedAdam: 'fused-adam.test.ts', fusedAdam: 'fused-adam.test.ts',
  glorotUniformBound: 'initializers', linearInit: 'initializers', linearInitValues: 'initializers', linearUniformBound: 'initializers',
  maskedFanIn: 'initializers', setDirectKernelsEnabled: 'fused-dense.test.ts', fit: 'fit tests (flows, mdn)',
  checkMatrix: 'fit tests (flows, mdn)', negativeMean: 'fit tests (flows, mdn)',
  fusedAffineTransform: 'fused-affine.test.ts', nonDifferentiable: 'bijectors and distributions tests',
  DirectBackend: 'fused-dense.test.ts (the direct kernels run on it)', directKernelsActive: 'fused-affine.test.ts',
  recordingGradients: 'fused-dense.test.ts, mdn tests', registerDirectKernel: 'fused-dense.test.ts, mdn tests',
  fusedRationalQuadraticSpline: 'fused-spline.test.ts', checkContext: 'fit.test.ts',
  mlpForward: 'fused-dense.test.ts (the registered dense kernels)', mlpBackward: 'fused-dense.test.ts (the registered dense kernels)',
};

/** Runs `fn` and returns the tensor count it left behind. */
async function leakOf(fn: () => unknown): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

/** Either a DensityError (typed) or no error; anything else fails the property. */
function typedOrOk<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: DensityError } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!(e instanceof DensityError)) throw new Error(`untyped error: ${String(e)}`);
    expect(e.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    return { ok: false, error: e };
  }
}

/** Anything a user might pass, bad values included. */
const anyValue = fc.oneof(
  fc.anything(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e300, 2 ** 53, -1),
  fc.array(fc.double(), { maxLength: 2000 }),
  fc.float32Array({ maxLength: 5000 }),
);

describe('core exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    const missing = Object.keys(core).filter((k) => !(k in COVERAGE));
    expect(missing).toEqual([]);
  });
});

describe('errors and messages (properties)', () => {
  it('argumentError is an ArgumentError of bounded length for any received value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.string({ maxLength: 50 }), fc.string({ maxLength: 80 }), anyValue, (o, a, e, v) => {
        const err = core.argumentError(o, a, e, v);
        expect(err).toBeInstanceOf(ArgumentError);
        expect(err.code).toBe('ERR_DENSITYJS_ARGUMENT');
        expect(err.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
        expect(err.message.startsWith(`${o}: ${a} must be`) || err.message.length === MAX_ERROR_MESSAGE_LENGTH).toBe(true);
        expect(core.describeValue(v).length).toBeLessThanOrEqual(160);
        expect(core.raw('x')).toBe('\u0000x');
        expect(core.shapeText([1, 2])).toBe('[1, 2]');
      }),
      params,
    );
  });

  it('each error class matches itself and its family only', () => {
    const classes = [core.ArgumentError, core.NumericalError, core.StateError, core.FormatError];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 2000 }), (i, msg) => {
        const e = new classes[i]!(msg);
        classes.forEach((C, j) => expect(e instanceof C).toBe(i === j));
        expect(e).toBeInstanceOf(core.DensityError);
        expect(e.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
      }),
      params,
    );
  });
});

describe('option keys (properties)', () => {
  const known = ['epochs', 'batchSize', 'learningRate', 'seed', 'patience', 'shuffle'];
  it('checkOptionKeys refuses exactly the objects with an unknown key, suggesting only valid keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 12 })), fc.anything(), { maxKeys: 5 }), (opts) => {
        const unknown = Object.keys(opts).filter((k) => !known.includes(k));
        const r = typedOrOk(() => core.checkOptionKeys('f', opts, known));
        expect(r.ok).toBe(unknown.length === 0);
        if (!r.ok) {
          const guess = /did you mean "([^"]*)"/.exec(r.error.message)?.[1];
          if (guess !== undefined) expect(known).toContain(guess);
        }
      }),
      params,
    );
  });

  it('editDistance is a symmetric distance bounded by the lengths; closestMatch returns a candidate', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = core.editDistance(a, b);
        expect(d).toBe(core.editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        const m = core.closestMatch(a, [b, 'seed']);
        if (m !== undefined) expect([b, 'seed']).toContain(m);
      }),
      params,
    );
  });
});

describe('seeds (properties)', () => {
  it('checkSeed accepts exactly the safe integers; tfjsSeed never hands tfjs a falsy seed', () => {
    fc.assert(
      fc.property(anyValue, (v) => {
        const r = typedOrOk(() => core.checkSeed('f', v));
        expect(r.ok).toBe(v === undefined || Number.isSafeInteger(v));
        if (r.ok && r.value !== undefined) {
          expect(core.tfjsSeed(r.value)).toBeTruthy();
          const d = core.deriveSeed(r.value, 3)!;
          expect(Number.isInteger(d) && d >= 0 && d < 2 ** 32).toBe(true);
        }
      }),
      params,
    );
    const f = core.freshSeed();
    expect(Number.isInteger(f) && f >= 0 && f < 2 ** 31).toBe(true);
  });

  it('mulberry32 gives the same stream for the same seed, in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = core.mulberry32(seed);
        const b = core.mulberry32(seed);
        for (let i = 0; i < 5; i++) {
          const v = a();
          expect(v).toBe(b());
          expect(v >= 0 && v < 1).toBe(true);
        }
      }),
      params,
    );
  });

  it('cosineDecay stays between the final and initial rates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2000 }), fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (total, step, a, b) => {
        const v = core.cosineDecay(step, total, a, b);
        expect(v).toBeGreaterThanOrEqual(Math.min(a, b) * (1 - 1e-12));
        expect(v).toBeLessThanOrEqual(Math.max(a, b) * (1 + 1e-12));
      }),
      params,
    );
  });
});

describe('shapes (properties)', () => {
  const shape = fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 4 })), { maxLength: 4 });
  /** NumPy's rule written out: align right, equal or 1. */
  function reference(a: number[], b: number[]): number[] | undefined {
    const n = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = a[a.length - n + i] ?? 1;
      const y = b[b.length - n + i] ?? 1;
      if (x !== y && x !== 1 && y !== 1) return undefined;
      out.push(x === 1 ? y : x);
    }
    return out;
  }

  it('broadcastShapeOf follows the broadcasting rule and broadcastShapes throws an ArgumentError exactly when it fails', () => {
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        const ref = reference(a, b);
        expect(core.broadcastShapeOf(a, b)).toEqual(ref);
        const r = typedOrOk(() => core.broadcastShapes('f', { a, b }));
        expect(r.ok).toBe(ref !== undefined);
        if (r.ok) expect(r.value).toEqual(ref);
      }),
      params,
    );
  });

  it('normalizeSampleShape returns an array of non-negative integers or an ArgumentError', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, shape, fc.integer({ min: -3, max: 5 })), (v) => {
        const r = typedOrOk(() => core.normalizeSampleShape(v as never, 'f'));
        if (r.ok) expect(r.value.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
      }),
      params,
    );
  });
});

describeEachBackend(
  'tensor checks (properties)',
  () => {
    const dtype = fc.constantFrom<tf.DataType>('float32', 'int32', 'bool');
    const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });

    it('checkTensor: typed error or the same tensor, never a leak', async () => {
      await fc.assert(
        fc.asyncProperty(dtype, shape, fc.boolean(), fc.boolean(), fc.constantFrom<tf.DataType[]>(['float32'], ['float32', 'int32'], ['bool']), async (dt, s, disposed, nonEmpty, allowed) => {
          const t = tf.zeros(s, dt);
          if (disposed) t.dispose();
          const leaked = await leakOf(() => {
            const r = typedOrOk(() => core.checkTensor('f', 'x', t, { dtype: allowed, nonEmpty }));
            const shouldPass = !disposed && allowed.includes(dt) && (!nonEmpty || t.size > 0);
            expect(r.ok).toBe(shouldPass);
            if (r.ok) expect(r.value).toBe(t);
            else expect(r.error.message).toMatch(/^f: x must be/);
          });
          expect(leaked).toBe(0);
          if (!disposed) t.dispose();
        }),
        params,
      );
    });

    it('toFloatTensor: the same numbers as float32, or an ArgumentError, no leak on rejection', async () => {
      const nested = fc.oneof(
        fc.double({ noNaN: false }),
        fc.array(fc.double(), { maxLength: 6 }),
        fc.array(fc.array(fc.double(), { minLength: 2, maxLength: 2 }), { maxLength: 4 }),
        fc.array(fc.oneof(fc.double(), fc.array(fc.double(), { maxLength: 2 })), { maxLength: 4 }),
        fc.anything(),
      );
      await fc.assert(
        fc.asyncProperty(nested, async (v) => {
          const before = tf.memory().numTensors;
          const r = typedOrOk(() => core.toFloatTensor(v as never, 'f', 'p'));
          if (r.ok) {
            const t = r.value;
            expect(t.dtype).toBe('float32');
            const flat = [v].flat(3) as number[];
            expect(Array.from(await t.data())).toEqual(flat.map((x) => Math.fround(x)));
            t.dispose();
          }
          expect(tf.memory().numTensors).toBe(before);
        }),
        params,
      );
    });

    it('checkValues / checkValuesAsync / tryReadSync agree and name the first failing element', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.double(), { minLength: 1, maxLength: 20 }), async (values) => {
          const t = tf.tensor1d(values);
          const read = core.tryReadSync(t);
          const first = Array.from(read ?? (await t.data())).findIndex((v) => !(v > 0));
          const sync = typedOrOk(() => core.checkValues(t, (v) => v > 0, 'f', 'p', '> 0'));
          let asyncError: unknown;
          await core.checkValuesAsync(t, (v) => v > 0, 'f', 'p', '> 0').catch((e: unknown) => (asyncError = e));
          expect(asyncError === undefined).toBe(first < 0);
          if (read) expect(sync.ok).toBe(first < 0);
          if (!sync.ok && values.length > 1) expect(sync.error.message).toContain(`(at flat index ${first})`);
          t.dispose();
        }),
        params,
      );
    });

    it('special functions are finite and match float64 references on their domains', async () => {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 0.05, max: 50, noNaN: true }), fc.double({ min: 0.05, max: 20, noNaN: true }), fc.double({ min: -8, max: 8, noNaN: true }), async (x, b, z) => {
          const out = tf.tidy(() => {
            const tx = tf.scalar(x);
            const tb = tf.scalar(b);
            const tz = tf.scalar(z);
            const u = tf.scalar(Math.min(0.999, Math.max(0.001, z / 16 + 0.5)));
            return tf.stack([
              core.lgamma(tx), core.digamma(tx), core.lbeta(tx, tb), core.erfc(tz), core.logErfc(tz), core.ndtr(tz), core.logNdtr(tz),
              core.betainc(tx, tb, u), core.igamma(tx, tb), core.logIgamma(tx, tb), core.igammaGradA(tx, tb),
            ]);
          });
          const v = Array.from(await out.data());
          out.dispose();
          expect(v.every(Number.isFinite)).toBe(true);
          // The tolerances of special-functions.test.ts.
          const lgammaRef = float64.lgamma(Math.fround(x));
          const lbetaRef = float64.lbeta(Math.fround(x), Math.fround(b));
          expect(Math.abs(v[0]! - lgammaRef)).toBeLessThanOrEqual(8e-6 * (1 + Math.abs(lgammaRef)));
          expect(Math.abs(v[2]! - lbetaRef)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(lbetaRef)));
          // erfc and its log agree on the whole real line (erfc(z) in (0, 2]).
          expect(v[4]).toBeCloseTo(Math.log(v[3]!), 4);
          expect(v[3]! > 0 && v[3]! <= 2).toBe(true); // 2 - tiny rounds to 2 in float32
          for (const p of [v[5]!, v[7]!, v[8]!]) expect(p >= 0 && p <= 1).toBe(true);
          // ndtri inverts ndtr.
          const q = Math.min(0.999, Math.max(0.001, z / 16 + 0.5));
          const back = tf.tidy(() => core.ndtr(core.ndtri(tf.scalar(q))));
          expect((await back.data())[0]).toBeCloseTo(q, 4);
          back.dispose();
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 3)) },
      );
    });

    it('triangularSolveLower solves L x = b for a well-conditioned L; matrixDiagPart reads the diagonal', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer(), async (d, seed) => {
          const random = core.mulberry32(seed);
          const L = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j < i ? random() - 0.5 : j === i ? 1 + random() : 0)));
          const x = Array.from({ length: d }, () => random() * 2 - 1);
          const b = L.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
          const [sol, diag] = tf.tidy(() => {
            const tl = tf.tensor2d(L);
            return [core.triangularSolveLower(tl, tf.tensor1d(b)), core.matrixDiagPart(tl)];
          });
          const got = Array.from(await sol!.data());
          got.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 4));
          expect(Array.from(await diag!.data())).toEqual(L.map((row, i) => Math.fround(row[i]!)));
          tf.dispose([sol!, diag!]);
        }),
        params,
      );
    });
  },
  { webgpu: false },
);

describeEachBackend(
  'trainLoop (properties)',
  () => {
    const optionValue = fc.oneof(fc.constant(undefined), anyValue, fc.integer({ min: -2, max: 300 }), fc.double({ min: 1e-4, max: 1 }));
    const optionKeys = [...core.FIT_OPTION_KEYS.filter((k) => k !== 'optimizer' && k !== 'signal' && k !== 'onEpochEnd' && k !== 'onBatchEnd'), 'epoch', 'verbose'];

    it('resolveFitOptions resolves or throws an ArgumentError, whatever the options', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...optionKeys), optionValue, { maxKeys: 4 }), (opts) => {
          const r = typedOrOk(() => core.resolveFitOptions('fit', opts as never));
          if (!r.ok) expect(r.error).toBeInstanceOf(ArgumentError);
          else expect(r.value.epochs).toBeGreaterThan(0);
        }),
        params,
      );
    });

    it('a run ends in a finite history or a typed error, leaks nothing, and a refused run changes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...optionKeys), optionValue, { maxKeys: 3 }),
          fc.integer({ min: 1, max: 12 }),
          fc.constantFrom('ok', 'nan', 'huge', 'throw'),
          async (opts, n, fault) => {
            const w = tf.variable(tf.tensor1d([0.5, -0.5]));
            const s = tf.variable(tf.scalar(1), false);
            const start = [...Array.from(await w.data()), ...Array.from(await s.data())];
            let calls = 0;
            const batchLoss = (): tf.Scalar => {
              calls++;
              s.assign(tf.add(s, 1));
              const base = tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar;
              if (calls === 4 && fault === 'nan') return tf.mul(base, NaN) as tf.Scalar;
              if (calls >= 4 && fault === 'huge') return tf.mul(base, 1e12) as tf.Scalar;
              if (calls === 4 && fault === 'throw') throw new Error('model failure');
              return base;
            };
            const safeOpts = { ...(opts as object), epochs: Math.min(Number((opts as { epochs?: unknown }).epochs) || 3, 5) } as core.FitOptions;
            if (!Number.isInteger(safeOpts.epochs) || safeOpts.epochs! < 1) safeOpts.epochs = 3;
            const before = tf.memory().numTensors;
            let result: core.FitResult | undefined;
            let error: unknown;
            try {
              result = await core.trainLoop({ owner: 'fit', variables: [w], state: [s], numExamples: n, batchLoss }, safeOpts);
            } catch (e) {
              error = e;
            }
            expect(tf.memory().numTensors).toBe(before);
            if (error !== undefined) {
              expect(error).toBeInstanceOf(DensityError);
              if (calls === 0) {
                // Refused before training: nothing changed.
                expect([...Array.from(await w.data()), ...Array.from(await s.data())]).toEqual(start);
              }
              expect(Array.from(await w.data()).every(Number.isFinite)).toBe(true);
            } else {
              expect(result!.history.loss.every(Number.isFinite)).toBe(true);
            }
            tf.dispose([w, s]);
          },
        ),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
    });
  },
  { webgpu: false },
);
