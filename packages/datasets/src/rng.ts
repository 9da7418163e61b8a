// The seeded generator behind every dataset in this package.
//
// Engine: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 2021): 128 bits of state, period 2^128 - 1, 32-bit outputs, built only from 32-bit
// integer operations (Math.imul, shifts, xor), so the integer stream is bit-identical on every
// JavaScript engine and platform.
// Seeding: the seed, read as a 64-bit two's complement integer, starts a SplitMix64 sequence
// (Steele, Lea & Flood 2014); its first two 64-bit outputs fill the four 32-bit state words,
// as the xoshiro authors recommend. Nearby seeds therefore give unrelated streams.
// Uniforms use 53 bits (two outputs), exactly numpy's recipe (a >>> 5) * 2^26 + (b >>> 6).
// Normals use Marsaglia's polar method on 32-bit coordinates, which needs only +, *, / , sqrt (all correctly rounded
// by IEEE 754) and Math.log. Math.log, like Math.sin/cos/exp used by some toys, is not required
// by ECMAScript to be correctly rounded: V8 (Node, Chrome, Deno, Edge) uses one fdlibm-derived
// implementation everywhere, so results are bit-identical there; another engine could differ in the last
// bit of a float64, which almost never survives the final rounding to float32.

import { argumentError } from './errors.js';

/** A seeded random number generator. */
export interface Rng {
  /** The next raw 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform double in [low, high) (default [0, 1)), with 53 random bits. */
  uniform(low?: number, high?: number): number;
  /** A normal double with the given mean and standard deviation (default standard normal). */
  normal(mean?: number, std?: number): number;
  /** A uniform integer in [0, n), without modulo bias; n an integer in [1, 2^53). */
  int(n: number): number;
}

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_21 = 2097152;
const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const TWO_POW_MINUS_31 = 2 / TWO_POW_32;
const TWO_POW_53 = 9007199254740992;

function splitMix64(state: bigint): [next: bigint, output: bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // The polar method makes normals in pairs; the second one waits here.
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let state = BigInt.asUintN(64, BigInt(seed));
    let a: bigint;
    let b: bigint;
    [state, a] = splitMix64(state);
    [state, b] = splitMix64(state);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    // The all-zero state is the one fixed point of xoshiro; SplitMix64 practically never yields it.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  uniform(low = 0, high = 1): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    const u = (a * 67108864 + b) / TWO_POW_53;
    return low === 0 && high === 1 ? u : low + (high - low) * u;
  }

  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.hasSpare) {
      this.hasSpare = false;
      z = this.spare;
    } else {
      let u: number;
      let v: number;
      let s: number;
      // 32 bits per coordinate (a grid of step 2^-31 on [-1, 1)) is plenty for a normal draw
      // and halves the generator calls of 53-bit uniforms.
      do {
        u = this.nextUint32() * TWO_POW_MINUS_31 - 1;
        v = this.nextUint32() * TWO_POW_MINUS_31 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spare = v * f;
      this.hasSpare = true;
      z = u * f;
    }
    return mean + std * z;
  }

  int(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw argumentError('Rng.int', 'n', 'an integer in [1, 2^53)', n);
    }
    if (n <= TWO_POW_21) {
      // Lemire's multiply-shift (ACM TOMACS 2019): x * n < 2^53 stays exact in a double, and the
      // rejection of low parts below 2^32 mod n removes the bias; the division is rarely needed.
      // Scaling by 2^-32 is exact, so hi and low need no floating-point modulo.
      let m = this.nextUint32() * n;
      let hi = Math.floor(m * TWO_POW_MINUS_32);
      let low = m - hi * TWO_POW_32;
      if (low < n) {
        const threshold = (TWO_POW_32 - n) % n;
        while (low < threshold) {
          m = this.nextUint32() * n;
          hi = Math.floor(m * TWO_POW_MINUS_32);
          low = m - hi * TWO_POW_32;
        }
      }
      return hi;
    }
    if (n <= TWO_POW_32) {
      // Reject the top 2^32 mod n outputs so that every residue is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let x: number;
      do x = this.nextUint32();
      while (x >= limit);
      return x % n;
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    let x: number;
    do x = (this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6);
    while (x >= limit);
    return x % n;
  }
}

/**
 * Creates a seeded generator (xoshiro128** seeded by SplitMix64). The same seed gives the same
 * sequence on every platform. `seed` is any safe integer (negative ones included).
 *
 * @example
 * const rng = createRng(42);
 * rng.uniform(); rng.normal(); rng.int(6);
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw argumentError('createRng', 'seed', 'a safe integer', seed);
  }
  return new Xoshiro128StarStar(seed);
}

/** Fisher-Yates shuffle of `count` rows: calls `swap(i, j)` for i from count - 1 down to 1. */
export function shuffleRows(rng: Rng, count: number, swap: (i: number, j: number) => void): void {
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    if (j !== i) swap(i, j);
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleRows(rng, n, (i, j) => {
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  });
  return p;
}
