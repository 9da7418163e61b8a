import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
import { checkSeed, deriveSeed, tfjsSeed } from './seed.js';

describe('seeds', () => {
  it('accepts every safe integer, 0 and negatives included, and refuses the rest', () => {
    for (const s of [0, -0, 1, -7, 2 ** 40, Number.MAX_SAFE_INTEGER]) expect(checkSeed('f', s)).toBe(s === 0 ? 0 : s);
    expect(Object.is(checkSeed('f', -0), 0)).toBe(true);
    expect(checkSeed('f', undefined)).toBeUndefined();
    for (const bad of [NaN, 1.5, Infinity, -Infinity, 2 ** 60, '3', null, {}]) {
      expect(() => checkSeed('f', bad)).toThrow(ArgumentError);
    }
    expect(() => checkSeed('Normal.sample', NaN)).toThrow('Normal.sample: seed must be an integer (any safe integer, 0 included), received NaN');
  });

  it('maps 0 to a value tfjs treats as a seed, so seed 0 is reproducible and distinct', async () => {
    expect(tfjsSeed(undefined)).toBeUndefined();
    expect(tfjsSeed(5)).toBe(5);
    const draw = (seed: number) => tf.tidy(() => Array.from(tf.randomNormal([4], 0, 1, 'float32', tfjsSeed(seed)).dataSync()));
    expect(draw(0)).toEqual(draw(0));
    expect(draw(0)).not.toEqual(draw(1));
    // Without the mapping tfjs would draw fresh values for 0 each time.
    const raw0 = () => tf.tidy(() => Array.from(tf.randomNormal([4], 0, 1, 'float32', 0).dataSync()));
    expect(raw0()).not.toEqual(raw0());
  });

  it('derives distinct reproducible sub-seeds', () => {
    const seeds = [0, 1, 2, 3].map((k) => deriveSeed(0, k));
    expect(new Set(seeds).size).toBe(4);
    expect(deriveSeed(0, 2)).toBe(seeds[2]);
    expect(deriveSeed(undefined, 2)).toBeUndefined();
  });
});
