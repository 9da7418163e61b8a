// Property-based checks of @densityjs/made (fast-check): generated good, bad and edge options.
// Every call ends in a typed error or a correct result: degrees and masks that keep the
// autoregressive property (output i depends on inputs before i in the order only), a network
// whose outputs do not move when a later input moves, and no leaked tensor.
// DENSITYJS_PROPERTY_RUNS sets the runs per property (default 30), DENSITYJS_PROPERTY_SEED the seed.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, typedError } from '@densityjs/testing';
import * as made from './index.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });

/** Every export and what covers it ('properties' = this file). Fails when an export is missing. */
const COVERAGE: Record<string, string> = {
  createDegrees: 'properties; degrees.test.ts', createMasks: 'properties; degrees.test.ts',
  MaskedDense: 'masked-dense.test.ts', MADE: 'properties; made.test.ts, made-gaussian.test.ts',
};

const validOptions = fc.record({
  eventSize: fc.integer({ min: 1, max: 4 }),
  hiddenUnits: fc.constantFrom([6], [5, 5]),
  params: fc.integer({ min: 1, max: 3 }),
  inputOrder: fc.constantFrom('left-to-right', 'right-to-left'),
  seed: fc.integer({ min: -3, max: 3 }),
});

/** Valid options with one entry spoiled: a bad value or a misspelled key. */
const spoiledOptions = fc.tuple(
  validOptions,
  fc.constantFrom<[string, unknown]>(
    ['eventSize', 0], ['eventSize', 2.5], ['hiddenUnits', [0]], ['hiddenUnits', 'x'], ['params', 0],
    ['inputOrder', 'sideways'], ['seed', NaN], ['hiddenUnit', [6]],
  ),
).map(([o, [key, value]]) => ({ ...o, [key]: value }));

const options = fc.oneof({ arbitrary: validOptions, weight: 3 }, { arbitrary: spoiledOptions, weight: 1 });

describe('made exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(made).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describeEachBackend(
  'made (properties)',
  () => {
    it('a typed error or a MADE whose output i ignores the inputs at or after i in its order', async () => {
      let built = 0;
      await fc.assert(
        fc.asyncProperty(options, async (opts) => {
          const before = tf.memory().numTensors;
          let net: made.MADE | undefined;
          if (typedError(() => (net = new made.MADE(opts as never)))) {
            expect(tf.memory().numTensors).toBe(before);
            return;
          }
          const m = net!;
          built++;
          const d = m.eventSize;
          const order = m.degrees.input; // 1-based position of each input in the order
          const x = tf.randomNormal([1, d], 0, 1, 'float32', 3);
          const read = async (t: tf.Tensor): Promise<Float32Array> => {
            const v = (await t.data()) as Float32Array;
            t.dispose();
            return v;
          };
          const out = await read(m.call(x));
          for (let j = 0; j < d; j++) {
            // Move input j: outputs of units at or before j in the order must not change.
            const moved = tf.tidy(() => tf.add(x, tf.tensor2d([Array.from({ length: d }, (_, k) => (k === j ? 1 : 0))])));
            const out2 = await read(m.call(moved));
            for (let i = 0; i < d; i++) {
              if (order[i]! <= order[j]!) {
                for (let p = 0; p < m.params; p++) expect(out2[i * m.params + p]).toBe(out[i * m.params + p]);
              }
            }
            moved.dispose();
          }
          x.dispose();
          m.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }),
        { numRuns: RUNS },
      );
      // The working path was exercised, not only the refusals.
      expect(built).toBeGreaterThan(0);
    });
  },
  { webgpu: false },
);
