import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { largestEntry } from './integer-quantile.js';

describe('largestEntry', () => {
  it('is the largest number of a number or nested arrays, undefined for anything else', () => {
    expect(largestEntry(7)).toBe(7);
    expect(largestEntry(-2.5)).toBe(-2.5);
    expect(largestEntry([3, 9, -1])).toBe(9);
    expect(largestEntry([[1, 4], [12, 2], [5]])).toBe(12);
    expect(largestEntry([[-3], [-8]])).toBe(-3);
    expect(largestEntry([])).toBe(-Infinity);
    expect(largestEntry([1, 'a'])).toBeUndefined();
    expect(largestEntry('9')).toBeUndefined();
    expect(largestEntry(undefined)).toBeUndefined();
    const t = tf.tensor1d([1, 2]);
    expect(largestEntry(t)).toBeUndefined();
    expect(largestEntry([t])).toBeUndefined();
    t.dispose();
  });
});
