// The MDN as a conditional density like any other: core's `fit(mdn, y, {context: x})` is the
// same training as `mdn.fit(x, y)`, logProb takes the context form, and saved MDNs of the first
// format version still load.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fit } from '@densityjs/core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { MDN, type MDNJSON } from './mdn.js';
import { inverseSine } from '@densityjs/datasets';

describeEachBackend('MDN as a TrainableDensity', () => {
  it('fit(mdn, y, {context: x}) trains exactly as mdn.fit(x, y) and reaches the same quality', async () => {
    const train = inverseSine(600, { inverse: true, seed: 1 });
    const test = inverseSine(2000, { inverse: true, seed: 2 });
    const x = tf.tensor2d(train.x, [600, 1]);
    const y = tf.tensor2d(train.y, [600, 1]);
    const xt = tf.tensor2d(test.x, [2000, 1]);
    const yt = tf.tensor2d(test.y, [2000, 1]);
    const make = (): MDN => new MDN({ inputSize: 1, outputSize: 1, numComponents: 3, hiddenUnits: [20], seed: 3 });
    const a = make();
    const b = make();
    const opts = { epochs: 40, batchSize: 100, learningRate: 1e-2, seed: 4 };
    const ra = await a.fit(x, y, { ...opts, validationData: [xt, yt] });
    const rb = await fit(b, y, { ...opts, context: x, validationData: yt, validationContext: xt });
    expect(rb.history.loss).toEqual(ra.history.loss);
    expect(rb.history.valLoss).toEqual(ra.history.valLoss);
    const nll = (m: MDN): number => tf.tidy(() => -tf.mean(m.logProb(yt, { context: xt })).dataSync()[0]!);
    // Same trained model: same unseen-data NLL, well below where training started.
    expect(nll(b)).toBeCloseTo(nll(a), 5);
    expect(nll(b)).toBeLessThan(ra.history.valLoss![0]! - 0.2);
    // Both argument orders of logProb give the same values.
    await expectAllClose(a.logProb(xt, yt), a.logProb(yt, { context: xt }), { atol: 0 });
    tf.dispose([x, y, xt, yt]);
    a.dispose();
    b.dispose();
  });

  it('loads MDNs saved in format version 1 with the log-densities recorded then', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../test-data/format-1-mdn.json', import.meta.url), 'utf8')) as {
      json: MDNJSON;
      x: number[][];
      y: number[][];
      logProb: number[];
    };
    expect(fixture.json.formatVersion).toBe(1);
    const mdn = MDN.fromJSON(fixture.json);
    const x = tf.tensor2d(fixture.x);
    const y = tf.tensor2d(fixture.y);
    await expectAllClose(mdn.logProb(y, { context: x }), fixture.logProb, { atol: 1e-4 });
    tf.dispose([x, y]);
    mdn.dispose();
  });

  it('a failed fit leaves the normalizer unset', async () => {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: [4], seed: 0 });
    const x = tf.tensor2d([[0], [1], [2]]);
    const y = tf.tensor2d([[1], [2], [3]]);
    await expect(fit(mdn, y, { context: x, epochs: 1, onEpochEnd: () => { throw new Error('stop'); } })).rejects.toThrow('stop');
    expect(mdn.normalizer).toBeNull();
    tf.dispose([x, y]);
    mdn.dispose();
  });
}, { webgpu: false });

describeEachBackend('MDN refuses bad input with typed errors', () => {
  it('unknown options, seeds that are not integers, and corrupt saved JSON', () => {
    expect(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: [4], covariances: 'full' } as never)).toThrow(/MDN: .*covariances.*covariance/);
    expect(() => new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: [4], seed: NaN })).toThrow(expect.objectContaining({ name: 'ArgumentError' }));
    const before = tf.memory().numTensors;
    expect(() => MDN.fromJSON('{"format": "densityjs-mdn"')).toThrow(expect.objectContaining({ name: 'FormatError', message: expect.stringMatching(/MDN.fromJSON: json is not valid JSON/) }));
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: [4], seed: 0 });
    const json = mdn.toJSON();
    mdn.dispose();
    const bad = { ...json, weights: json.weights.map((v, i) => (i === 3 ? NaN : v)) };
    expect(() => MDN.fromJSON(bad)).toThrow(expect.objectContaining({ name: 'FormatError', message: expect.stringMatching(/json.weights must be an array of \d+ finite numbers, received a non-finite/) }));
    expect(tf.memory().numTensors).toBe(before);
  });
}, { webgpu: false });
