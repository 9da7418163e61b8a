// Every option of every toy generator, checked by name: the lower bound of each number (the
// bound itself accepted, below refused), booleans, the option list in the unknown-option message,
// and the documented defaults (shuffle on); plus noise-free outputs against their formulas
// (float64, scikit-learn's definitions), which pin the geometry that a noisy sample hides.
import { describe, expect, it } from 'vitest';
import { checkerboard, circles, eightGaussians, inverseSine, pinwheel, rings, siggraph, swissRoll, twoMoons } from './index.js';
import { argumentMessageOf } from './test-helpers.js';

type Generator = (n: number, options?: Record<string, unknown>) => { data: Float32Array; shape: number[]; labels?: Int32Array };

/** [name, generator, options in message order, {option: [lowest accepted, strict]}, boolean options] */
const generators: [string, Generator, string[], Record<string, [number, boolean]>, string[]][] = [
  ['twoMoons', twoMoons as Generator, ['noise', 'shuffle'], { noise: [0, false] }, ['shuffle']],
  ['circles', circles as Generator, ['factor', 'noise', 'scale', 'shuffle'], { factor: [0, false], noise: [0, false], scale: [0, true] }, ['shuffle']],
  ['eightGaussians', eightGaussians as Generator, ['scale', 'std'], { scale: [0, false], std: [0, false] }, []],
  ['inverseSine', inverseSine as Generator, ['inverse', 'noise'], { noise: [0, false] }, ['inverse']],
  ['pinwheel', pinwheel as Generator, ['arms', 'radialStd', 'tangentialStd', 'rate'], { radialStd: [0, false], tangentialStd: [0, false] }, []],
  ['rings', rings as Generator, ['noise', 'shuffle'], { noise: [0, false] }, ['shuffle']],
  ['siggraph', siggraph as Generator, ['thickness'], { thickness: [0, false] }, []],
  ['swissRoll', swissRoll as Generator, ['noise'], { noise: [0, false] }, []],
  ['checkerboard', checkerboard as Generator, [], {}, []],
];

describe('generator options', () => {
  for (const [name, make, keys, numbers, booleans] of generators) {
    describe(name, () => {
      it('lists its options (and seed) for an unknown one', () => {
        expect(argumentMessageOf(() => make(10, { zzzzzz: 1 }))).toBe(`${name}: unknown option "zzzzzz" in options; valid options: ${[...keys, 'seed'].join(', ')}`);
      });
      for (const [option, [min, strict]] of Object.entries(numbers)) {
        it(`${option}: ${strict ? `> ${min}` : `>= ${min}`}, finite`, () => {
          const refused = strict ? min : min - 0.5;
          expect(argumentMessageOf(() => make(10, { [option]: refused, seed: 1 }))).toBe(`${name}: ${option} must be a finite number ${strict ? '>' : '>='} ${min}, received ${refused}`);
          expect(argumentMessageOf(() => make(10, { [option]: '1', seed: 1 }))).toBe(`${name}: ${option} must be a finite number ${strict ? '>' : '>='} ${min}, received "1"`);
          const accepted = strict ? min + 0.5 : min;
          expect(make(10, { [option]: accepted, seed: 1 }).shape).toEqual([10, 2]);
        });
      }
      for (const option of booleans) {
        it(`${option}: a boolean`, () => {
          expect(argumentMessageOf(() => make(10, { [option]: 'yes', seed: 1 }))).toBe(`${name}: ${option} must be a boolean, received "yes"`);
        });
      }
      if (booleans.includes('shuffle')) {
        it('shuffles by default', () => {
          const data = (opts: Record<string, unknown>) => Array.from(make(40, { seed: 3, ...opts }).data);
          expect(data({})).toEqual(data({ shuffle: true }));
          expect(data({})).not.toEqual(data({ shuffle: false }));
        });
      }
    });
  }
});

describe('noise-free outputs against their formulas', () => {
  it('circles: floor(n/2) outer points at angles 2 pi k / m, the rest inner at 2 pi k / (n - m), times factor and scale', () => {
    const n = 11;
    const { data, labels } = circles(n, { noise: 0, shuffle: false, factor: 0.3, scale: 2, seed: 1 });
    const m = Math.floor(n / 2);
    const expected = Array.from({ length: n }, (_, i) => {
      const inner = i >= m;
      const t = inner ? (2 * Math.PI * (i - m)) / (n - m) : (2 * Math.PI * i) / m;
      const r = inner ? 0.3 : 1;
      return [2 * r * Math.cos(t), 2 * r * Math.sin(t)];
    });
    Array.from(data).forEach((v, i) => expect(v).toBeCloseTo(expected[Math.floor(i / 2)]![i % 2]!, 6));
    expect(Array.from(labels!)).toEqual(Array.from({ length: n }, (_, i) => (i >= m ? 1 : 0)));
  });

  it('eightGaussians: with std 0 every point is one of the 8 centers scale (cos k pi/4, sin k pi/4) / 1.414, its label k', () => {
    const { data, labels } = eightGaussians(400, { std: 0, scale: 2, seed: 5 });
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const k = labels![i]!;
      seen.add(k);
      expect(data[2 * i]).toBeCloseTo((2 * Math.cos((k * Math.PI) / 4)) / 1.414, 6);
      expect(data[2 * i + 1]).toBeCloseTo((2 * Math.sin((k * Math.PI) / 4)) / 1.414, 6);
    }
    expect(seen.size).toBe(8);
  });

  it('inverseSine: with noise 0 the rows lie on v = 7 sin(0.75 u) + 0.5 u, u in [-10.5, 10.5]; inverse swaps the columns', () => {
    for (const inverse of [false, true]) {
      const { data } = inverseSine(200, { noise: 0, inverse, seed: 2 });
      for (let i = 0; i < 200; i++) {
        const u = data[2 * i + (inverse ? 1 : 0)]!;
        const v = data[2 * i + (inverse ? 0 : 1)]!;
        expect(Math.abs(u)).toBeLessThanOrEqual(10.5);
        expect(v).toBeCloseTo(7 * Math.sin(0.75 * u) + 0.5 * u, 4);
      }
    }
  });

  it('rings: floor(n/4) points on each of the three outer rings, the rest inside, radii 3 (1, 0.75, 0.5, 0.25)', () => {
    for (const n of [3, 14]) {
      const { data, labels } = rings(n, { noise: 0, shuffle: false, seed: 1 });
      const q = Math.floor(n / 4);
      const sizes = [q, q, q, n - 3 * q];
      let row = 0;
      sizes.forEach((m, ring) => {
        for (let j = 0; j < m; j++, row++) {
          const t = (2 * Math.PI * j) / m;
          const r = 3 * [1, 0.75, 0.5, 0.25][ring]!;
          expect(labels![row]).toBe(ring);
          expect(data[2 * row]).toBeCloseTo(r * Math.cos(t), 6);
          expect(data[2 * row + 1]).toBeCloseTo(r * Math.sin(t), 6);
        }
      });
    }
  });

  it('swissRoll: with noise 0 the rows are (t cos t, t sin t) / 5 for the returned t in [1.5 pi, 4.5 pi]', () => {
    const { data, t } = swissRoll(300, { noise: 0, seed: 4 });
    for (let i = 0; i < 300; i++) {
      const ti = t[i]!;
      expect(ti).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-5);
      expect(ti).toBeLessThanOrEqual(4.5 * Math.PI + 1e-5);
      expect(data[2 * i]).toBeCloseTo((ti * Math.cos(ti)) / 5, 5);
      expect(data[2 * i + 1]).toBeCloseTo((ti * Math.sin(ti)) / 5, 5);
    }
  });

  it('pinwheel: with no spread, arm c is the point 2 (cos a, -sin a) at a = 2 pi c / K + rate e; arms of sizes n / K', () => {
    const arms = 3;
    const { data, labels } = pinwheel(11, { arms, radialStd: 0, tangentialStd: 0, rate: 0.5, seed: 2 });
    const sizes = [0, 0, 0];
    for (let k = 0; k < 11; k++) {
      const c = labels![k]!;
      sizes[c]!++;
      const a = (2 * Math.PI * c) / arms + 0.5 * Math.E;
      expect(data[2 * k]).toBeCloseTo(2 * Math.cos(a), 5);
      expect(data[2 * k + 1]).toBeCloseTo(-2 * Math.sin(a), 5);
    }
    expect(sizes).toEqual([4, 4, 3]);
  });
});

