import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '@densityjs/core';
import { argumentErrorOf } from '@densityjs/testing';
import { MDN, type MDNOptions } from './mdn.js';

const VALID: MDNOptions = { inputSize: 2, outputSize: 1, numComponents: 2, hiddenUnits: [3], seed: 1 };

describe('MDN constructor: every option checked, naming it, the expectation and the value received', () => {
  const cases: [string, Partial<Record<keyof MDNOptions, unknown>>, string, RegExp][] = [
    ['inputSize', { inputSize: 1.5 }, 'inputSize', /^MDN: inputSize must be a positive integer, received 1\.5$/],
    ['inputSize', { inputSize: '2' }, 'inputSize', /^MDN: inputSize must be a positive integer, received "2"$/],
    ['outputSize', { outputSize: 0 }, 'outputSize', /^MDN: outputSize must be a positive integer, received 0$/],
    ['outputSize', { outputSize: 2.5 }, 'outputSize', /^MDN: outputSize must be a positive integer, received 2\.5$/],
    ['outputSize', { outputSize: '1' }, 'outputSize', /^MDN: outputSize must be a positive integer, received "1"$/],
    ['numComponents', { numComponents: 1.5 }, 'numComponents', /^MDN: numComponents must be an integer >= 1, received 1\.5$/],
    ['hiddenUnits', { hiddenUnits: -3 }, 'hiddenUnits', /^MDN: hiddenUnits must be a positive integer or an array of them, received -3$/],
    ['hiddenUnits', { hiddenUnits: [4, 2.5] }, 'hiddenUnits', /^MDN: hiddenUnits must be a positive integer or an array of them, received \[4, 2\.5\]$/],
    ['hiddenUnits', { hiddenUnits: '8' }, 'hiddenUnits', /^MDN: hiddenUnits must be a positive integer or an array of them, received "8"$/],
    ['minScale', { minScale: 0 }, 'minScale', /^MDN: minScale must be a finite number > 0, received 0$/],
    ['minScale', { minScale: -1e-3 }, 'minScale', /^MDN: minScale must be a finite number > 0, received -0\.001$/],
    ['minScale', { minScale: Number.NaN }, 'minScale', /^MDN: minScale must be a finite number > 0, received NaN$/],
    ['minScale', { minScale: Number.POSITIVE_INFINITY }, 'minScale', /^MDN: minScale must be a finite number > 0, received Infinity$/],
    ['minScale', { minScale: '0.1' }, 'minScale', /^MDN: minScale must be a finite number > 0, received "0\.1"$/],
    ['fused', { fused: 'yes' }, 'fused', /^MDN: fused must be 'auto', true or false, received "yes"$/],
    ['fused', { fused: 1 }, 'fused', /^MDN: fused must be 'auto', true or false, received 1$/],
    ['normalize', { normalize: 1 }, 'normalize', /^MDN: normalize must be a boolean, received 1$/],
    ['normalize', { normalize: 'true' }, 'normalize', /^MDN: normalize must be a boolean, received "true"$/],
    ['fused with full covariance', { covariance: 'full', outputSize: 2, fused: true }, 'fused', /^MDN: fused must be 'auto' or false with covariance: 'full'/],
  ];
  for (const [label, change, argument, message] of cases) {
    it(`${label} = ${JSON.stringify(Object.values(change)[0])}`, () => {
      const before = tf.memory().numTensors;
      const error = argumentErrorOf(() => new MDN({ ...VALID, ...change } as MDNOptions));
      expect(error.message).toMatch(message);
      expect(error.argument).toBe(argument);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('options that are not an object', () => {
    for (const options of [null, 5, 'mdn', undefined]) {
      const error = argumentErrorOf(() => new MDN(options as never));
      expect(error.argument).toBe('options');
      expect(error.message).toMatch(/^MDN: options must be an object, received /);
    }
  });

  it('accepts the boundary values it documents', () => {
    // hiddenUnits as one number, the smallest positive sizes, a tiny minScale, fused false.
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 1, hiddenUnits: 1, minScale: 1e-9, fused: false, normalize: false, seed: 2 });
    expect(mdn.config.hiddenUnits).toEqual([1]);
    expect(mdn.numParams).toBe(1 * 1 + 1 + 1 * 3 + 3);
    mdn.dispose();
  });
});

describe('MDN data checks name the argument and what was received', () => {
  it('x, y and context in logProb and loss', () => {
    const mdn = new MDN(VALID);
    const x = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
    const y = tf.tensor2d([[1], [2], [3]]);
    const x1 = tf.tensor1d([1, 2]);
    const y1 = tf.tensor1d([1, 2, 3]);
    const yWide = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const yShort = tf.tensor2d([[1], [2]]);
    // Every refusal happens before any tensor is made.
    const before = tf.memory().numTensors;
    let e = argumentErrorOf(() => mdn.loss([[0, 1]] as never, y));
    expect(e.argument).toBe('x');
    expect(e.message).toMatch(/^MDN: x must be a 2-D tensor \[batch, inputSize\], received \[\[0, 1\]\]$/);
    e = argumentErrorOf(() => mdn.loss(x1, y));
    expect(e.message).toBe('MDN: x must be a 2-D tensor of shape [batch, 2] (inputSize 2), received shape [2]');
    e = argumentErrorOf(() => mdn.loss(x, [1, 2, 3] as never));
    expect(e.argument).toBe('y');
    expect(e.message).toMatch(/^MDN: y must be a 2-D tensor \[batch, outputSize\], received \[1, 2, 3\]$/);
    e = argumentErrorOf(() => mdn.loss(x, y1));
    expect(e.message).toBe('MDN: y must be a 2-D tensor of shape [batch, 1] (outputSize 1), received shape [3]');
    e = argumentErrorOf(() => mdn.loss(x, yWide));
    expect(e.message).toBe('MDN: y must be a 2-D tensor of shape [batch, 1] (outputSize 1), received shape [3, 2]');
    e = argumentErrorOf(() => mdn.loss(x, yShort));
    expect(e.message).toBe('MDN: y must be a tensor with as many rows as x (3), received 2 rows');
    // The conditional-density form names the context.
    e = argumentErrorOf(() => mdn.logProb(yShort, { context: x }));
    expect(e.message).toBe('MDN: y must be a tensor with as many rows as context (3), received 2 rows');
    e = argumentErrorOf(() => mdn.logProb(y, {}));
    expect(e.argument).toBe('context');
    expect(e.message).toBe('MDN: context must be a 2-D tensor [batch, inputSize], received undefined');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, x1, y1, yWide, yShort]);
    mdn.dispose();
  });

  it('fit: options and validationData', async () => {
    const mdn = new MDN(VALID);
    const x = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
    const y = tf.tensor2d([[1], [2], [3]]);
    const before = Array.from(await mdn.params.data());
    for (const opts of [null, 3]) {
      await expect(mdn.fit(x, y, opts as never)).rejects.toThrow(new RegExp(`^MDN.fit: options must be an object, received ${String(opts)}$`));
    }
    for (const validationData of [x, [x], [x, y, y], 'data']) {
      const rejected = mdn.fit(x, y, { epochs: 1, validationData } as never);
      await expect(rejected).rejects.toThrow(/^MDN\.fit: validationData must be an array \[x, y\] of two 2-D tensors, received /);
      await expect(rejected).rejects.toBeInstanceOf(ArgumentError);
    }
    // Rejected calls change nothing: no normalizer was fixed, the weights are untouched.
    expect(mdn.normalizer).toBeNull();
    expect(Array.from(await mdn.params.data())).toEqual(before);
    tf.dispose([x, y]);
    mdn.dispose();
  });
});

describe('MDN.fromJSON refuses malformed models, naming the field', () => {
  async function saved(): Promise<ReturnType<MDN['toJSON']>> {
    const mdn = new MDN(VALID);
    const x = tf.tensor2d([[0, 1], [2, 3], [4, 5], [1, 1]]);
    const y = tf.tensor2d([[1], [2], [3], [5]]);
    await mdn.fit(x, y, { epochs: 1, seed: 1 });
    const json = mdn.toJSON();
    tf.dispose([x, y]);
    mdn.dispose();
    return json;
  }

  it('json that is not an MDN model', () => {
    let e = argumentErrorOf(() => MDN.fromJSON(null as never));
    expect(e.message).toBe("MDN.fromJSON: json must be an object with format 'densityjs-mdn' (from mdn.toJSON()), received null");
    e = argumentErrorOf(() => MDN.fromJSON('42'));
    expect(e.message).toBe("MDN.fromJSON: json must be an object with format 'densityjs-mdn' (from mdn.toJSON()), received 42");
    e = argumentErrorOf(() => MDN.fromJSON({ format: 'densityjs-flow' } as never));
    expect(e.message).toBe('MDN.fromJSON: json must be an object with format \'densityjs-mdn\' (from mdn.toJSON()), received format "densityjs-flow"');
    expect(() => MDN.fromJSON('{not json')).toThrow(FormatError);
  });

  it('config, weights and normalizer', async () => {
    const json = await saved();
    const before = tf.memory().numTensors;
    let e = argumentErrorOf(() => MDN.fromJSON({ ...json, config: undefined } as never));
    expect(e.message).toBe('MDN.fromJSON: json.config must be an object, received undefined');
    e = argumentErrorOf(() => MDN.fromJSON({ ...json, config: 'mdn' } as never));
    expect(e.message).toBe('MDN.fromJSON: json.config must be an object, received "mdn"');
    expect(() => MDN.fromJSON({ ...json, weights: 'w' } as never)).toThrow(`MDN.fromJSON: json.weights must be an array of ${json.weights.length} finite numbers, received string`);
    expect(() => MDN.fromJSON({ ...json, weights: json.weights.map((v, i) => (i === 3 ? Number.NaN : v)) })).toThrow(
      `MDN.fromJSON: json.weights must be an array of ${json.weights.length} finite numbers, received a non-finite or non-numeric entry`,
    );
    expect(() => MDN.fromJSON({ ...json, weights: json.weights.map((v, i) => (i === 0 ? String(v) : v)) as never })).toThrow(/received a non-finite or non-numeric entry/);
    const nz = json.normalizer!;
    const broken: [string, unknown][] = [
      ['xMean too short', { ...nz, xMean: [0] }],
      ['xMean not an array', { ...nz, xMean: 0 }],
      ['xStd zero', { ...nz, xStd: [1, 0] }],
      ['xStd negative', { ...nz, xStd: [1, -2] }],
      ['yMean non-finite', { ...nz, yMean: [Number.POSITIVE_INFINITY] }],
      ['yMean a string', { ...nz, yMean: ['0'] }],
      ['yStd too long', { ...nz, yStd: [1, 1] }],
      ['yStd missing', { xMean: nz.xMean, xStd: nz.xStd, yMean: nz.yMean }],
    ];
    for (const [label, normalizer] of broken) {
      e = argumentErrorOf(() => MDN.fromJSON({ ...json, normalizer } as never));
      expect(e.argument, label).toBe('json.normalizer');
      expect(e.message, label).toMatch(/^MDN\.fromJSON: json\.normalizer must be null or \{xMean, xStd\} of length 2 and \{yMean, yStd\} of length 1 \(std > 0\), received \{/);
    }
    // Every refusal freed the model it had started to build.
    expect(tf.memory().numTensors).toBe(before);
    // A saved model without a normalizer (normalize: false) loads with none.
    const loaded = MDN.fromJSON({ ...json, normalizer: null });
    expect(loaded.normalizer).toBeNull();
    loaded.dispose();
    // The normalizer a model reports is a copy: changing it changes nothing inside.
    const model = MDN.fromJSON(json);
    model.normalizer!.xMean[0] = 1234;
    expect(model.normalizer!.xMean[0]).toBe(nz.xMean[0]);
    model.dispose();
  });

  it('dispose twice is harmless, and a disposed model refuses work', () => {
    const mdn = new MDN(VALID);
    mdn.dispose();
    mdn.dispose();
    const x = tf.zeros([1, 2]);
    const y = tf.zeros([1, 1]);
    expect(() => mdn.loss(x, y)).toThrow('MDN: this model was disposed');
    tf.dispose([x, y]);
  });
});
