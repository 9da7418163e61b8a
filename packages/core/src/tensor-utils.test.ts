import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { argumentErrorOf, expectAllClose } from '@densityjs/testing';
import { ArgumentError } from './errors.js';
import { asFloat32, broadcastShapes, checkTensor, checkValues, checkValuesAsync, normalizeSampleShape, toFloatTensor, tryReadSync } from './tensor-utils.js';

describe('asFloat32', () => {
  it('returns a float32 tensor itself and a float32 copy of an int32 or bool one', async () => {
    const f = tf.tensor2d([[1.5, -2]]);
    expect(asFloat32(f)).toBe(f);
    for (const [t, values] of [
      [tf.tensor2d([[3, -4]], undefined, 'int32'), [[3, -4]]],
      [tf.tensor2d([[true, false]], undefined, 'bool'), [[1, 0]]],
    ] as const) {
      const cast = asFloat32(t);
      expect([cast.dtype, cast.shape, cast === t]).toEqual(['float32', [1, 2], false]);
      expect(await cast.array()).toEqual(values);
      tf.dispose([t, cast]);
    }
    f.dispose();
  });
});

describe('toFloatTensor', () => {
  it('makes float32 tensors of numbers and rectangular (nested) arrays', async () => {
    for (const [value, shape] of [[2.5, []], [[], [0]], [[1, 2, 3], [3]], [[[1, 2], [3, 4], [5, 6]], [3, 2]], [[[[1], [2]], [[3], [4]]], [2, 2, 1]]] as const) {
      const t = toFloatTensor(value as never, 'f', 'p');
      expect([t.dtype, t.shape]).toEqual(['float32', shape]);
      await expectAllClose(t, [value as never].flat(3) as number[], { atol: 0 });
      t.dispose();
    }
  });

  it('passes a float32 tensor through, casts another dtype, refuses a disposed one', async () => {
    const f = tf.tensor1d([1.5, 2]);
    expect(toFloatTensor(f, 'f', 'p')).toBe(f);
    const i = tf.tensor1d([1, 2], 'int32');
    const cast = toFloatTensor(i, 'f', 'p');
    expect(cast.dtype).toBe('float32');
    await expectAllClose(cast, [1, 2], { atol: 0 });
    i.dispose();
    argumentErrorOf(() => toFloatTensor(i, 'Normal', 'loc'), { argument: 'loc', message: /^Normal: loc must be a live tensor \(this one was disposed\), received a disposed int32 tensor of shape \[2\]$/ });
    tf.dispose([f, cast]);
  });

  it('refuses ragged arrays, arrays of non-numbers and other values, naming what it takes', () => {
    const ragged = /^f: p must be a number, a rectangular \(nested\) array of numbers or a Tensor, received /;
    for (const value of [[[1, 2], [3]], [1, [2]], [[1], 2], ['a'], [[1, 'b']], [[[1, 2]], [[3]]]]) {
      argumentErrorOf(() => toFloatTensor(value as never, 'f', 'p'), { argument: 'p', message: ragged });
    }
    for (const value of ['1', null, undefined, { x: 1 }, true]) {
      argumentErrorOf(() => toFloatTensor(value as never, 'f', 'p'), { argument: 'p', message: /^f: p must be a number, a \(nested\) array of numbers or a Tensor, received / });
    }
  });
});

describe('value checks', () => {
  it('name the first failing value, with its flat index when there are several', async () => {
    const many = tf.tensor1d([1, 2, -3, -4]);
    const one = tf.scalar(-1);
    const positive = (v: number) => v > 0;
    argumentErrorOf(() => checkValues(many, positive, 'Gamma', 'rate', 'a tensor of values > 0'), {
      argument: 'rate',
      message: /^Gamma: rate must be a tensor of values > 0, received -3 \(at flat index 2\)$/,
    });
    argumentErrorOf(() => checkValues(one, positive, 'Gamma', 'rate', 'a tensor of values > 0'), { argument: 'rate', message: /received -1$/ });
    let caught: unknown;
    await checkValuesAsync(many, positive, 'fit', 'x', 'positive').catch((e: unknown) => (caught = e));
    expect(caught).toBeInstanceOf(ArgumentError);
    expect((caught as Error).message).toBe('fit: x must be positive, received -3 (at flat index 2)');
    expect(() => checkValues(tf.abs(many), positive, 'f', 'x', 'positive')).not.toThrow();
    expect(Array.from(tryReadSync(one)!)).toEqual([-1]);
    tf.dispose([many, one]);
  });
});

describe('broadcastShapes', () => {
  it('is the NumPy broadcast of named shapes, or an ArgumentError naming the pair', () => {
    expect(broadcastShapes('f', { loc: [3, 1], scale: [4], df: [] })).toEqual([3, 4]);
    const e = argumentErrorOf(() => broadcastShapes('StudentT', { df: [2], loc: [2, 1], scale: [3] }), {
      argument: 'scale',
      message: /^StudentT: scale of shape \[3\] does not broadcast with df, loc of shape \[2, 2\]$/,
    });
    expect(e.owner).toBe('StudentT');
  });
});

describe('checkTensor', () => {
  it('returns the tensor when it meets every requirement', () => {
    const t = tf.zeros([2, 3]);
    expect(checkTensor('f', 'x', t, { dtype: 'float32', minRank: 2, nonEmpty: true })).toBe(t);
    expect(checkTensor('f', 'x', t, { dtype: ['int32', 'float32'] })).toBe(t);
    expect(checkTensor('f', 'x', t)).toBe(t);
    t.dispose();
  });

  it('names the argument and the requirement it fails', () => {
    const [i, s, empty, dead] = [tf.zeros([2], 'int32'), tf.scalar(1), tf.zeros([0, 2]), tf.zeros([1])];
    dead.dispose();
    const cases: [unknown, Parameters<typeof checkTensor>[3], RegExp][] = [
      [[1, 2], {}, /^f: x must be a tf\.Tensor, received \[1, 2\]$/],
      [dead, {}, /^f: x must be a live tensor \(this one was disposed\), received a disposed float32 tensor of shape \[1\]$/],
      [i, { dtype: 'float32' }, /^f: x must be a float32 tensor \(convert with tf\.cast\(x, 'float32'\)\), received an int32 tensor of shape \[2\]$/],
      [s, { dtype: ['int32', 'bool'] }, /^f: x must be an int32 or bool tensor, received a float32 tensor of shape \[\]$/],
      [s, { minRank: 1 }, /^f: x must be a tensor of rank >= 1, received a float32 tensor of shape \[\]$/],
      [empty, { nonEmpty: true }, /^f: x must be a non-empty tensor \(at least one element\), received a float32 tensor of shape \[0, 2\]$/],
    ];
    for (const [value, check, message] of cases) argumentErrorOf(() => checkTensor('f', 'x', value, check), { argument: 'x', message });
    expect(checkTensor('f', 'x', empty)).toBe(empty);
    tf.dispose([i, s, empty]);
  });
});

describe('normalizeSampleShape', () => {
  it('reads undefined as [], a number as [n], an array as itself; refuses the rest', () => {
    expect(normalizeSampleShape(undefined, 'f')).toEqual([]);
    expect(normalizeSampleShape(0, 'f')).toEqual([0]);
    expect(normalizeSampleShape([2, 3], 'f')).toEqual([2, 3]);
    for (const bad of [-1, 1.5, [2, -1], [NaN], '3']) {
      argumentErrorOf(() => normalizeSampleShape(bad as never, 'Normal.sample'), {
        argument: 'sampleShape',
        message: /^Normal\.sample: sampleShape must be a non-negative integer or an array of them, received /,
      });
    }
  });
});
