import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DensityError,
  FormatError,
  MAX_ERROR_MESSAGE_LENGTH,
  NotImplementedError,
  NumericalError,
  StateError,
  argumentError,
  describeValue,
} from './errors.js';

describe('error family', () => {
  it('gives each class a stable name and code, and instanceof works across the family', () => {
    const cases: [DensityError, string, string][] = [
      [new ArgumentError('a'), 'ArgumentError', 'ERR_DENSITYJS_ARGUMENT'],
      [new NumericalError('b'), 'NumericalError', 'ERR_DENSITYJS_NUMERICAL'],
      [new FormatError('c'), 'FormatError', 'ERR_DENSITYJS_FORMAT'],
      [new StateError('d'), 'StateError', 'ERR_DENSITYJS_STATE'],
      [new NotImplementedError('e'), 'NotImplementedError', 'ERR_DENSITYJS_NOT_IMPLEMENTED'],
    ];
    const classes = [ArgumentError, NumericalError, FormatError, StateError, NotImplementedError];
    for (const [i, [e, name, code]] of cases.entries()) {
      expect(e.name).toBe(name);
      expect(e.code).toBe(code);
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(DensityError);
      classes.forEach((C, j) => expect(e instanceof C).toBe(i === j));
      expect(String(e)).toBe(`${name}: ${'abcde'[i]}`);
    }
    expect(new Error('x') instanceof DensityError).toBe(false);
    expect((null as unknown) instanceof ArgumentError).toBe(false);
  });

  it('matches an error from another copy of the family by its code', () => {
    // What @densityjs/datasets (no dependency on core) or a second bundled copy throws.
    const foreign = Object.assign(new Error('datasets: n must be ...'), { name: 'ArgumentError', code: 'ERR_DENSITYJS_ARGUMENT' });
    expect(foreign instanceof ArgumentError).toBe(true);
    expect(foreign instanceof DensityError).toBe(true);
    expect(foreign instanceof StateError).toBe(false);
  });

  it('NumericalError carries where it happened and what was restored', () => {
    const e = new NumericalError('diverged', { epoch: 3, step: 2, loss: 1e13, restoredEpoch: -1, restoredLoss: 2.5 });
    expect([e.epoch, e.step, e.loss, e.restoredEpoch, e.restoredLoss]).toEqual([3, 2, 1e13, -1, 2.5]);
    expect('epoch' in new NumericalError('x') && new NumericalError('x').epoch).toBeFalsy();
  });

  it('argumentError names owner, argument, expected and received, as an ArgumentError', () => {
    const e = argumentError('Normal', 'scale', '> 0', -1);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toBe('Normal: scale must be > 0, received -1');
    expect([e.owner, e.argument]).toEqual(['Normal', 'scale']);
  });

  it('summarizes huge values instead of dumping them (at most a few hundred characters)', () => {
    // A typed array of 4000 numbers (twoMoons(2000).data) and a long plain array.
    const typed = new Float32Array(4000).map((_, i) => i / 7);
    const e1 = argumentError('fit', 'data', 'a 2-D tf.Tensor', typed);
    expect(e1.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(e1.message).toMatch(/received a Float32Array of length 4000 \[0, 0\.14/);
    const e2 = argumentError('fit', 'data', 'a tensor', Array.from({ length: 100000 }, (_, i) => [i, i]));
    expect(e2.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(e2.message).toMatch(/an array of length 100000 \[\[0, 1\]|an array of length 100000 \[\[0, 0\]/);
    expect(new ArgumentError('x'.repeat(100000)).message.length).toBe(MAX_ERROR_MESSAGE_LENGTH);
    expect(describeValue('y'.repeat(1000)).length).toBeLessThan(100);
  });

  it('describes tensors by dtype and shape, disposed ones as such', () => {
    const t = tf.zeros([2, 3], 'int32');
    expect(describeValue(t)).toBe('an int32 tensor of shape [2, 3]');
    t.dispose();
    expect(describeValue(t)).toBe('a disposed int32 tensor of shape [2, 3]');
    expect(describeValue({ a: 1, b: 2 })).toBe('an object with keys {a, b}');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(new (class Optimizer {})())).toBe('an Optimizer');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue([1, NaN])).toBe('[1, NaN]');
  });

  it('describes functions, buffers, typed arrays, shape-only objects and objects with many keys', () => {
    expect(describeValue(function logProb() {})).toBe('a function logProb');
    expect(describeValue(Object.defineProperty(() => 0, 'name', { value: '' }))).toBe('a function');
    expect(describeValue(new DataView(new ArrayBuffer(6)))).toBe('a DataView of 6 bytes');
    expect(describeValue(new ArrayBuffer(12))).toBe('an ArrayBuffer of 12 bytes');
    expect(describeValue(new Float32Array([1, 2]))).toBe('[1, 2]');
    expect(describeValue(new Int32Array(10))).toBe('an Int32Array of length 10 [0, 0, 0, 0, 0, 0, 0, 0, …]');
    expect(describeValue({ shape: [2, 3] })).toBe('a tensor of shape [2, 3]');
    const keys = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(describeValue(keys)).toBe('an object with keys {k0, k1, k2, k3, k4, k5, k6, k7, …}');
    expect(describeValue({})).toBe('an empty object');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(10n)).toBe('10');
  });
});
