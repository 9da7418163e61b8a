import { describe, expect, it } from 'vitest';
import { createRng, permutation } from './rng.js';

describe('createRng', () => {
  it('matches the reference C xoshiro128** 1.1 seeded by splitmix64', () => {
    // First outputs of the authors' C code (prng.di.unimi.it xoshiro128starstar.c, s[] filled
    // from two splitmix64.c outputs, low word first), compiled and run outside this project.
    const expected: Record<number, number[]> = {
      0: [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774],
      42: [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222],
      [-1]: [477689756, 2493998634, 555695776, 607808419, 61340979, 301466976],
    };
    for (const [seed, values] of Object.entries(expected)) {
      const rng = createRng(Number(seed));
      expect(values.map(() => rng.nextUint32())).toEqual(values);
    }
  });

  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return [rng.uniform(), rng.normal(), rng.int(1000), rng.uniform(-3, 5), rng.normal(2, 0.1)];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('makes 53-bit uniforms in [0, 1) from two outputs, like numpy', () => {
    const a = createRng(3);
    const b = createRng(3);
    for (let i = 0; i < 100; i++) {
      const hi = b.nextUint32() >>> 5;
      const lo = b.nextUint32() >>> 6;
      expect(a.uniform()).toBe((hi * 67108864 + lo) / 2 ** 53);
    }
  });

  it('has uniform moments and respects [low, high)', () => {
    const rng = createRng(11);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform(-2, 6);
      if (!(u >= -2 && u < 6)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    // Var U(-2, 6) = 64 / 12; standard error of the mean = sqrt(64 / 12 / n) = 0.0052.
    expect(Math.abs(mean - 2)).toBeLessThan(5 * Math.sqrt(64 / 12 / n));
    expect(Math.abs(sumSq / n - mean * mean - 64 / 12)).toBeLessThan(0.05);
  });

  it('draws normals whose moments and tail masses match N(mean, std^2)', () => {
    const rng = createRng(5);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let sumFourth = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      sumFourth += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(sumFourth / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > 2) = erfc(2 / sqrt 2) = 0.0455003.
    const p = 0.0455003;
    expect(Math.abs(beyond2 / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    const shifted = createRng(5);
    const plain = createRng(5);
    for (let i = 0; i < 10; i++) expect(shifted.normal(3, 2)).toBeCloseTo(3 + 2 * plain.normal(), 12);
  });

  it('draws unbiased integers in [0, n), small and large n', () => {
    const rng = createRng(9);
    for (const n of [1, 2, 3, 7, 1000, 2 ** 21, 2 ** 21 + 1, 3 * 2 ** 30, 2 ** 32, 2 ** 40 + 3]) {
      let bad = 0;
      for (let i = 0; i < 2000; i++) {
        const k = rng.int(n);
        if (!(Number.isInteger(k) && k >= 0 && k < n)) bad++;
      }
      expect(bad, `n = ${n}`).toBe(0);
    }
    // chi-square of 60,000 draws over 6 faces: 5 degrees of freedom, P(X > 20.5) = 0.001.
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]!++;
    const chi2 = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(20.5);
    // n = 3 * 2^30 is where naive modulo would be most biased (values below 2^30 twice as likely).
    let low = 0;
    for (let i = 0; i < 30_000; i++) if (rng.int(3 * 2 ** 30) < 2 ** 30) low++;
    expect(Math.abs(low / 30_000 - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / 30_000));
  });

  it("Lemire's rejection step: n = 1.5 * 2^20 rejects low parts below 2^32 mod n = 2^20 (p = 2^-12 per draw)", () => {
    const rng = createRng(4);
    const n = 1.5 * 2 ** 20;
    const draws = 200_000;
    let bad = 0;
    let upperThird = 0;
    for (let i = 0; i < draws; i++) {
      const k = rng.int(n);
      if (!(Number.isInteger(k) && k >= 0 && k < n)) bad++;
      if (k >= (2 * n) / 3) upperThird++;
    }
    // About 49 rejections are expected among these draws; every value still lands in [0, n)
    // and a third of them in the top third (4 standard errors).
    expect(bad).toBe(0);
    expect(Math.abs(upperThird / draws - 1 / 3)).toBeLessThan(4 * Math.sqrt(2 / 9 / draws));
  });

  it('normals follow the polar method on the generator\'s own 32-bit draws, in pairs (float64 reference)', () => {
    const rng = createRng(21);
    const raw = createRng(21);
    const expected: number[] = [];
    while (expected.length < 200) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = raw.nextUint32() / 2 ** 31 - 1;
        v = raw.nextUint32() / 2 ** 31 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      expected.push(u * f, v * f);
    }
    const got = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? rng.normal() : 2 + 0.5 * rng.normal(0, 1)));
    got.forEach((g, i) => expect(i % 3 === 0 ? g : (g - 2) / 0.5).toBeCloseTo(expected[i]!, 12));
    // mean and std are applied as mean + std z.
    expect(createRng(21).normal(3, 2)).toBeCloseTo(3 + 2 * expected[0]!, 12);
  });

  it('uniform(low, high) is low + (high - low) u on the same stream as uniform()', () => {
    const a = createRng(8);
    const b = createRng(8);
    for (let i = 0; i < 20; i++) expect(a.uniform(-3, 5)).toBeCloseTo(-3 + 8 * b.uniform(), 12);
    expect(createRng(8).uniform(0, 2)).toBeCloseTo(2 * createRng(8).uniform(), 12);
    expect(createRng(8).uniform(1, 2)).toBeCloseTo(1 + createRng(8).uniform(), 12);
  });

  it('int(n) is exactly its documented method on the raw 32-bit stream (float64 reference)', () => {
    // n <= 2^21: Lemire's multiply-shift with rejection of low parts below 2^32 mod n.
    // 2^21 < n <= 2^32: rejection of the top 2^32 mod n outputs, then x mod n.
    // n > 2^32: a 53-bit integer from two outputs (27 + 26 bits), rejecting the top 2^53 mod n.
    const reference = (raw: ReturnType<typeof createRng>, n: number): number => {
      if (n <= 2 ** 21) {
        for (;;) {
          const m = raw.nextUint32() * n;
          const hi = Math.floor(m / 2 ** 32);
          const low = m - hi * 2 ** 32;
          if (low >= (2 ** 32 - n) % n) return hi;
        }
      }
      if (n <= 2 ** 32) {
        for (;;) {
          const x = raw.nextUint32();
          if (x < 2 ** 32 - (2 ** 32 % n)) return x % n;
        }
      }
      for (;;) {
        const x = (raw.nextUint32() >>> 5) * 67108864 + (raw.nextUint32() >>> 6);
        if (x < 2 ** 53 - (2 ** 53 % n)) return x % n;
      }
    };
    for (const [seed, n] of [1, 6, 1000, 1.5 * 2 ** 20, 2 ** 21, 2 ** 21 + 1, 3 * 2 ** 30, 2 ** 32, 2 ** 32 + 1, 3 * 2 ** 51, 2 ** 53 - 1].entries()) {
      const rng = createRng(seed);
      const raw = createRng(seed);
      for (let i = 0; i < 300; i++) expect(rng.int(n), `n = ${n}, draw ${i}`).toBe(reference(raw, n));
    }
    expect(() => createRng(1).int(2 ** 53)).toThrow('Rng.int: n must be an integer in [1, 2^53), received 9007199254740992');
  });

  it('makes permutations', () => {
    const p = permutation(createRng(1), 1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('rejects bad seeds and bad n', () => {
    expect(() => createRng(1.5)).toThrow('createRng: seed must be a safe integer, received 1.5');
    expect(() => createRng(2 ** 60)).toThrow('createRng: seed must be a safe integer');
    expect(() => createRng('1' as unknown as number)).toThrow('received "1"');
    const rng = createRng(0);
    expect(() => rng.int(0)).toThrow('Rng.int: n must be an integer in [1, 2^53), received 0');
    expect(() => rng.int(2.5)).toThrow('received 2.5');
  });
});
