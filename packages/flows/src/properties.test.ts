// Property-based checks of @densityjs/flows (fast-check): generated good, bad and edge options
// for every preset and generated inputs for the flows they build. Each call must end in a typed
// error or a finite, correct result, leak no tensor, and a rejected call must change nothing.
// DENSITYJS_PROPERTY_RUNS sets the runs per property (default 30), DENSITYJS_PROPERTY_SEED the seed.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, typedErrorAsync } from '@densityjs/testing';
import * as flows from './index.js';

const RUNS = Number(process.env.DENSITYJS_PROPERTY_RUNS ?? 30);
// A fixed seed: CI sees the same cases every run; DENSITYJS_PROPERTY_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.DENSITYJS_PROPERTY_SEED ?? 20261206) });
const params = { numRuns: RUNS };

/** Every export and what covers it ('properties' = this file). Fails when an export is missing. */
const COVERAGE: Record<string, string> = {
  Flow: 'properties (through every preset); flow.test.ts', maf: 'properties', iaf: 'properties', realNVP: 'properties',
  nice: 'properties', neuralSplineFlow: 'properties', naf: 'properties; naf.test.ts', fit: 'properties; fit.test.ts',
  fitVariational: 'fit-variational.test.ts', distill: 'distill.test.ts', saveFlow: 'properties; save-load.test.ts',
  loadFlow: 'properties; save-load.test.ts', FLOW_FORMAT: 'save-load.test.ts', FLOW_FORMAT_VERSION: 'save-load.test.ts',
  fileHandler: 'save-load.test.ts', flowFromArtifacts: 'save-load.test.ts', flowToArtifacts: 'save-load.test.ts',
  flowToIOHandler: 'save-load.test.ts', loadFlowFrom: 'save-load.test.ts', saveFlowTo: 'save-load.test.ts',
  DenseNetwork: 'flow.test.ts (hand-built flows)',
};

const PRESETS = ['maf', 'iaf', 'realNVP', 'nice', 'neuralSplineFlow', 'naf'] as const;

/** Valid options: sizes, layers, widths, context, BatchNorm and seeds. */
const validOptions = fc.record({
  eventSize: fc.integer({ min: 1, max: 3 }),
  numLayers: fc.integer({ min: 1, max: 2 }),
  hiddenUnits: fc.constantFrom([4], [3, 3]),
  contextSize: fc.integer({ min: 0, max: 2 }),
  batchNorm: fc.boolean(),
  seed: fc.integer({ min: -5, max: 5 }),
});

/** Valid options with one entry spoiled: a bad value or a misspelled key. */
const spoiledOptions = fc.tuple(
  validOptions,
  fc.constantFrom<[string, unknown]>(
    ['eventSize', 0], ['eventSize', 1.5], ['eventSize', NaN], ['numLayers', 0], ['hiddenUnits', []], ['hiddenUnits', [0]],
    ['contextSize', -1], ['batchNorm', 'yes'], ['seed', NaN], ['seed', 1.5], ['epoch', 3], ['hiddenUnit', [4]],
  ),
).map(([o, [key, value]]) => ({ ...o, [key]: value }));

const options = fc.oneof({ arbitrary: validOptions, weight: 3 }, { arbitrary: spoiledOptions, weight: 1 });

describe('flows exports: coverage', () => {
  it('every export is listed with the test that covers it', () => {
    expect(Object.keys(flows).filter((k) => !(k in COVERAGE))).toEqual([]);
  });
});

describeEachBackend(
  'flows (properties)',
  () => {
    for (const name of PRESETS) {
      it(`${name}: a typed error or a working flow; finite logProb, exact save/load, a fit step, no leaks`, async () => {
        let built = 0;
        await fc.assert(
          fc.asyncProperty(options, fc.integer({ min: 0, max: 3 }), async (opts, rows) => {
            const before = tf.memory().numTensors;
            let flow: flows.Flow | undefined;
            const ctorError = await typedErrorAsync(() => {
              flow = (flows[name] as (o: unknown) => flows.Flow)(opts);
            });
            if (ctorError) {
              expect(tf.memory().numTensors).toBe(before);
              return;
            }
            const f = flow!;
            built++;
            const d = f.eventSize;
            const c = f.contextSize;
            const x = tf.randomNormal([rows, d], 0, 1.5, 'float32', 1);
            const ctx = c > 0 ? tf.randomNormal([rows, c], 0, 1, 'float32', 2) : undefined;
            const call = { ...(ctx ? { context: ctx } : {}) };
            const read = async (t: tf.Tensor): Promise<number[]> => {
              const v = Array.from(await t.data());
              t.dispose();
              return v;
            };
            const lp = f.logProb(x, call);
            expect(lp.shape).toEqual([rows]);
            const values = await read(lp);
            expect(values.every(Number.isFinite)).toBe(true);
            // A rejected call changes nothing: a context on an unconditional flow, or none on a conditional one.
            const stray = tf.zeros([rows, 1]);
            const wrong = await typedErrorAsync(() => f.logProb(x, c > 0 ? {} : { context: stray }));
            stray.dispose();
            expect(wrong?.name).toBe('ArgumentError');
            expect(await read(f.logProb(x, call))).toEqual(values);
            const loaded = flows.loadFlow(JSON.parse(JSON.stringify(await flows.saveFlow(f))));
            expect(await read(loaded.logProb(x, call))).toEqual(values);
            loaded.dispose();
            if (rows >= 2) {
              const error = await typedErrorAsync(() => flows.fit(f, x, { epochs: 1, batchSize: 2, seed: 0, ...call }));
              // A valid fit ends normally or with a numerical outcome, never anything else.
              if (error) expect(error.name).toBe('NumericalError');
            }
            tf.dispose([x, ...(ctx ? [ctx] : [])]);
            f.dispose();
            expect(tf.memory().numTensors).toBe(before);
          }),
          { ...params, numRuns: Math.max(5, Math.floor(RUNS / 3)) },
        );
        // The working path was exercised, not only the refusals.
        expect(built).toBeGreaterThan(0);
      });
    }
  },
  { webgpu: false },
);
