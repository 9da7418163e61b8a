// Property-based checks of @densityjs/mdn (fast-check): generated good, bad and edge options and
// inputs. Each call must end in a typed error or a finite, correct result, leak no tensor, and a
// rejected call must change nothing. DENSITYJS_PROPERTY_RUNS sets the runs per property (default
// 30), DENSITYJS_PROPERTY_SEED the seed.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fit } from '@densityjs/core';
import { describeEachBackend, typedErrorAsync } from '@densityjs/testing';
import * as mdn from './index.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });

/** Every export and what covers it ('properties' = this file). Fails when an export is missing. */
const COVERAGE: Record<string, string> = {
  MDN: 'properties; mdn.test.ts, mdn-training.test.ts, mdn-as-density.test.ts, mdn-full-covariance.test.ts',
  MDN_LOSS_KERNEL: 'mdn.test.ts (the fused kernel against the composed loss)',
};

const validOptions = fc.record({
  inputSize: fc.integer({ min: 1, max: 2 }),
  outputSize: fc.integer({ min: 1, max: 2 }),
  numComponents: fc.integer({ min: 1, max: 3 }),
  hiddenUnits: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant([4, 3])),
  covariance: fc.constantFrom('diag', 'full'),
  seed: fc.integer({ min: -3, max: 3 }),
});

/** Valid options with one entry spoiled: a bad value or a misspelled key. */
const spoiledOptions = fc.tuple(
  validOptions,
  fc.constantFrom<[string, unknown]>(
    ['inputSize', 0], ['inputSize', 1.5], ['outputSize', -1], ['numComponents', 0], ['hiddenUnits', [0]], ['hiddenUnits', 'x'],
    ['covariance', 'dense'], ['seed', NaN], ['covariances', 'full'],
  ),
).map(([o, [key, value]]) => ({ ...o, [key]: value }));

const options = fc.oneof({ arbitrary: validOptions, weight: 3 }, { arbitrary: spoiledOptions, weight: 1 });

describe('mdn exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(mdn).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describeEachBackend(
  'mdn (properties)',
  () => {
    it('a typed error or a working MDN: finite logProb, exact JSON round trip, a fit epoch, no leaks', async () => {
      let built = 0;
      await fc.assert(
        fc.asyncProperty(options, fc.integer({ min: 1, max: 4 }), async (opts, rows) => {
          const before = tf.memory().numTensors;
          let model: mdn.MDN | undefined;
          if (await typedErrorAsync(() => (model = new mdn.MDN(opts as never)))) {
            expect(tf.memory().numTensors).toBe(before);
            return;
          }
          const m = model!;
          built++;
          const { inputSize, outputSize } = m.config;
          const x = tf.randomNormal([rows, inputSize], 0, 1, 'float32', 1);
          const y = tf.randomNormal([rows, outputSize], 0, 2, 'float32', 2);
          const lp = m.logProb(y, { context: x });
          const values = Array.from(await lp.data());
          lp.dispose();
          expect(values).toHaveLength(rows);
          expect(values.every(Number.isFinite)).toBe(true);
          const back = mdn.MDN.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
          const lp2 = back.logProb(y, { context: x });
          expect(Array.from(await lp2.data())).toEqual(values);
          lp2.dispose();
          back.dispose();
          // A rejected fit changes nothing (here: unknown option key), a valid one trains.
          const bad = await typedErrorAsync(() => fit(m, y, { context: x, epochs: 1, epoch: 2 } as never));
          expect(bad?.name).toBe('ArgumentError');
          expect(m.normalizer).toBeNull();
          if (rows >= 2) {
            const error = await typedErrorAsync(() => m.fit(x, y, { epochs: 1, seed: 0 }));
            if (error) expect(error.name).toBe('NumericalError');
          }
          tf.dispose([x, y]);
          m.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
      // The working path was exercised, not only the refusals.
      expect(built).toBeGreaterThan(0);
    });
  },
  { webgpu: false },
);
