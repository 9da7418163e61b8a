import { argumentError } from './errors.js';

/**
 * Checks a user seed: any safe integer, 0 and negatives included, or undefined (fresh
 * randomness). NaN, Infinity, non-integers and non-numbers are refused with an ArgumentError.
 */
export function checkSeed(owner: string, seed: unknown, argument = 'seed'): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw argumentError(owner, argument, 'an integer (any safe integer, 0 included)', seed);
  }
  return Object.is(seed, -0) ? 0 : seed;
}

/** A random seed in [0, 2^31) for a run the user did not seed. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * The seed to hand to a tfjs random op (`tf.randomNormal`, `tf.randomUniform`,
 * `tf.multinomial`, ...). tfjs treats a falsy seed as "no seed", so 0 would draw fresh
 * randomness: it maps to 0.5, a value no checked integer seed can take (tfjs seeds its
 * generator from the seed's decimal text, so any number works). Every other value passes
 * through; undefined stays undefined.
 */
export function tfjsSeed(seed: number | undefined): number | undefined {
  if (seed === undefined) return undefined;
  return seed === 0 ? 0.5 : seed;
}

/**
 * Derives the k-th independent seed from a user seed, so one `seed` drives several random ops
 * reproducibly. Undefined stays undefined (fresh randomness). The result is an integer in
 * [0, 2^32); pass it through `tfjsSeed` before a tfjs op (it can be 0).
 */
export function deriveSeed(seed: number | undefined, k: number): number | undefined {
  if (seed === undefined) return undefined;
  // splitmix32-style mixing: distinct k give decorrelated seeds.
  let z = (seed + 0x9e3779b9 * (k + 1)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
