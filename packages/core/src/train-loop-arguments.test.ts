import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentErrorOf, argumentErrorOfAsync, expectNoLeaks } from '@densityjs/testing';
import { NumericalError } from './errors.js';
import { FIT_OPTION_KEYS, resolveFitOptions, trainLoop, type FitOptions, type TrainLoopSpec } from './train-loop.js';

// Every option of the training loop and every part of its spec: each refused value named with
// its expectation and what was received, each boundary value accepted.

const noop = () => undefined;

/** [option, refused values, expectation in the message] */
const refused: [keyof FitOptions, unknown[], string][] = [
  ['epochs', [0, -1, 1.5, NaN, '3', null], 'a positive integer'],
  ['batchSize', [0, 2.5, Infinity, '8'], 'a positive integer'],
  ['learningRate', [0, -1e-3, Infinity, NaN, '0.1', null], 'a finite number > 0'],
  ['finalLearningRate', [0, -1, Infinity, NaN, '0.1'], 'a finite number > 0'],
  ['warmup', [-0.01, 1, 1.5, NaN, '0.1', null], 'a fraction of the planned steps in [0, 1)'],
  ['optimizer', [null, {}, 'adam', { minimize: noop }, { applyGradients: noop }, noop, Object.assign(() => 0, { minimize: noop, applyGradients: noop })], 'a tf.Optimizer (e.g. tf.train.adam(1e-3))'],
  ['patience', [-1, 1.5, NaN, '2', null], 'a non-negative integer'],
  ['divergenceFactor', [0, -1, NaN, '10', null], 'a number > 0 (Infinity switches the guard off)'],
  ['clipNorm', [0, -1, Infinity, NaN, '1', null], 'a finite number > 0 (leave it out for no clipping)'],
  ['onEpochEnd', ['log', 1, null], 'a function (epoch, logs) => void'],
  ['onBatchEnd', ['log', {}, null], 'a function (logs) => void'],
  ['yieldEvery', [-1, NaN, 'often', null, true], "a number of milliseconds >= 0, 'auto' or 'epoch'"],
  ['signal', [null, {}, { aborted: 'no' }, 1], 'an AbortSignal'],
  ['shuffle', ['yes', 1, null], 'a boolean'],
  ['emaMomentum', [-0.1, 1, NaN, '0.5', null], 'a number in [0, 1) (0: no weight averaging)'],
  ['verbose', [3, -1, true, '1', null], '0 (silent), 1 (a live bar in a terminal, else one line per epoch) or 2 (one line per epoch)'],
];

describe('resolveFitOptions', () => {
  it.each(refused)('refuses a bad %s, naming it, what it expects and what it received', (option, values, expected) => {
    for (const value of values) {
      const error = argumentErrorOf(() => resolveFitOptions('fit', { [option]: value } as FitOptions), { argument: option });
      expect(error.message.startsWith(`fit: ${option} must be ${expected}, received `), error.message).toBe(true);
    }
  });

  it('shows the value it received', () => {
    argumentErrorOf(() => resolveFitOptions('MDN.fit', { epochs: 1.5 }), { message: 'MDN.fit: epochs must be a positive integer, received 1.5' });
    argumentErrorOf(() => resolveFitOptions('fit', { optimizer: {} as tf.Optimizer }), {
      message: 'fit: optimizer must be a tf.Optimizer (e.g. tf.train.adam(1e-3)), received an empty object',
    });
    argumentErrorOf(() => resolveFitOptions('fit', { optimizer: { minimize: noop } as never }), {
      message: 'fit: optimizer must be a tf.Optimizer (e.g. tf.train.adam(1e-3)), received an object with keys {minimize}',
    });
  });

  it('accepts each boundary value and fills in the defaults', () => {
    const defaults = resolveFitOptions('fit', undefined);
    expect(defaults).toMatchObject({
      epochs: 100,
      batchSize: 256,
      patience: undefined,
      divergenceFactor: 100,
      clipNorm: Infinity,
      emaMomentum: 0,
      shuffle: true,
      yieldMs: Infinity,
      verbose: 0,
      signal: undefined,
    });
    expect(Number.isInteger(defaults.seed)).toBe(true);
    const signal = new AbortController().signal;
    const edges = resolveFitOptions('fit', {
      epochs: 1,
      batchSize: 1,
      learningRate: 1e-9,
      finalLearningRate: 1e-9,
      warmup: 0.999,
      patience: 0,
      divergenceFactor: Infinity,
      clipNorm: 1e-6,
      emaMomentum: 0.999,
      shuffle: false,
      yieldEvery: 0,
      signal,
      verbose: 2,
      seed: 0,
    });
    expect(edges).toMatchObject({
      epochs: 1,
      batchSize: 1,
      patience: 0,
      divergenceFactor: Infinity,
      clipNorm: 1e-6,
      emaMomentum: 0.999,
      shuffle: false,
      yieldMs: 0,
      signal,
      verbose: 2,
      seed: 0,
    });
    expect(resolveFitOptions('fit', { warmup: 0, emaMomentum: 0, verbose: 1 })).toMatchObject({ emaMomentum: 0, verbose: 1 });
    expect(resolveFitOptions('fit', { yieldEvery: 25 }).yieldMs).toBe(25);
    expect(resolveFitOptions('fit', { yieldEvery: 'epoch' }).yieldMs).toBe(Infinity);
    expect(resolveFitOptions('fit', { yieldEvery: 'auto' }).yieldMs).toBe(Infinity); // in Node
    const callbacks = { onEpochEnd: noop, onBatchEnd: noop };
    expect(resolveFitOptions('fit', callbacks)).toMatchObject(callbacks);
  });

  it('takes a custom optimizer alone: not with a learning rate or its schedule (a zero warmup is no schedule)', () => {
    const optimizer = tf.train.sgd(0.1);
    expect(() => resolveFitOptions('fit', { optimizer, warmup: 0 })).not.toThrow();
    argumentErrorOf(() => resolveFitOptions('fit', { optimizer, learningRate: 0.1 }), {
      argument: 'learningRate',
      message: 'fit: give either learningRate or optimizer, not both (the learning rate of a custom optimizer is set when it is created)',
    });
    argumentErrorOf(() => resolveFitOptions('fit', { optimizer, finalLearningRate: 1e-4 }), {
      argument: 'finalLearningRate',
      message: 'fit: finalLearningRate schedules the default optimizer; a custom optimizer keeps its own learning rate',
    });
    argumentErrorOf(() => resolveFitOptions('fit', { optimizer, warmup: 0.1 }), {
      argument: 'warmup',
      message: 'fit: warmup schedules the default optimizer; a custom optimizer keeps its own learning rate',
    });
    optimizer.dispose();
  });

  it('lists exactly its options (and the caller\'s own) when it refuses an unknown one', () => {
    const list = FIT_OPTION_KEYS.join(', ');
    argumentErrorOf(() => resolveFitOptions('fit', { zzz: 1 } as never), { message: `fit: unknown option "zzz" in options; valid options: ${list}` });
    argumentErrorOf(() => resolveFitOptions('fit', { zzz: 1 } as never, ['context']), {
      message: `fit: unknown option "zzz" in options; valid options: ${list}, context`,
    });
  });
});

describe('trainLoop checks its spec before anything runs', () => {
  let w: tf.Variable;
  let ok: TrainLoopSpec;
  beforeAll(() => {
    w = tf.variable(tf.zeros([2]));
    ok = { owner: 'fit', variables: [w], numExamples: 4, batchLoss: () => tf.sum(tf.square(w)) as tf.Scalar };
  });
  afterAll(() => w.dispose());

  it('names each bad part of the spec', async () => {
    const disposedVariable = tf.variable(tf.zeros([1]));
    disposedVariable.dispose();
    const tensor = tf.zeros([2]);
    const disposedTensor = tf.zeros([2]);
    disposedTensor.dispose();
    const cases: [Partial<TrainLoopSpec>, string, string][] = [
      [{ variables: [] }, 'variables', 'fit: variables must be a non-empty array of live tf.Variable, received []'],
      [{ variables: [tensor as tf.Variable] }, 'variables', 'fit: variables must be a non-empty array of live tf.Variable, received [a float32 tensor of shape [2]]'],
      [{ variables: [w, tensor as tf.Variable] }, 'variables', 'fit: variables must be a non-empty array of live tf.Variable, received [a float32 tensor of shape [2], a float32 tensor of shape [2]]'],
      [{ variables: [disposedVariable] }, 'variables', 'fit: variables must be a non-empty array of live tf.Variable, received [a disposed float32 tensor of shape [1]]'],
      [{ variables: w as never }, 'variables', 'fit: variables must be a non-empty array of live tf.Variable, received a float32 tensor of shape [2]'],
      [{ numExamples: 0 }, 'the number of examples', 'fit: the number of examples must be a positive integer, received 0'],
      [{ numExamples: 2.5 }, 'the number of examples', 'fit: the number of examples must be a positive integer, received 2.5'],
      [{ batchLoss: 'loss' as never }, 'batchLoss', 'fit: batchLoss must be a function, received "loss"'],
      [{ validationLoss: 1 as never }, 'validationLoss', 'fit: validationLoss must be a function, received 1'],
      [{ state: [tensor as tf.Variable] }, 'state', 'fit: state must be an array of live tf.Variable, received [a float32 tensor of shape [2]]'],
      [{ minBatchSize: 0 }, 'minBatchSize', 'fit: minBatchSize must be a positive integer, received 0'],
      [{ inputs: [1 as never] }, 'inputs', 'fit: inputs must be an array of tf.Tensor, received [1]'],
      [{ inputs: tensor as never }, 'inputs', 'fit: inputs must be an array of tf.Tensor, received a float32 tensor of shape [2]'],
      [{ inputs: [tensor, 1 as never] }, 'inputs', 'fit: inputs must be an array of tf.Tensor, received [a float32 tensor of shape [2], 1]'],
      [{ inputs: [disposedTensor, tensor] }, 'inputs[0]', 'fit: inputs[0] must be a live tensor (this one was disposed), received a disposed float32 tensor of shape [2]'],
      [{ inputs: [tensor, disposedTensor] }, 'inputs[1]', 'fit: inputs[1] must be a live tensor (this one was disposed), received a disposed float32 tensor of shape [2]'],
    ];
    for (const [change, argument, message] of cases) {
      await argumentErrorOfAsync(() => trainLoop({ ...ok, ...change }, { epochs: 1 }), { argument, message });
    }
    await argumentErrorOfAsync(() => trainLoop(null as never), { argument: 'spec', message: 'trainLoop: spec must be an object, received null' });
    await argumentErrorOfAsync(() => trainLoop(5 as never), { argument: 'spec', message: 'trainLoop: spec must be an object, received 5' });
    await argumentErrorOfAsync(() => trainLoop({ ...ok, owner: '' }, { epochs: 0 }), { message: 'trainLoop: epochs must be a positive integer, received 0' });
    expect(Array.from(await w.data())).toEqual([0, 0]);
    tensor.dispose();
  });

  it('names a loss that becomes +Infinity or -Infinity, and a validation loss that does', async () => {
    for (const [value, text] of [
      [Infinity, '+Infinity'],
      [-Infinity, '-Infinity'],
    ] as const) {
      await expectNoLeaks(async () => {
        const error = await trainLoop({ ...ok, batchLoss: () => tf.add(tf.sum(w), value) as tf.Scalar }, { epochs: 2 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NumericalError);
        expect((error as Error).message.startsWith(`fit: loss became ${text} at epoch 0, step 0 (counting from 0; 1 steps per epoch). `)).toBe(true);
        const validation = await trainLoop({ ...ok, validationLoss: () => tf.scalar(value) }, { epochs: 2 }).catch((e: unknown) => e);
        expect(validation).toBeInstanceOf(NumericalError);
        expect((validation as Error).message.startsWith(`fit: validation loss became ${text} at epoch 0 while the training loss is `)).toBe(true);
      });
    }
  });
});
