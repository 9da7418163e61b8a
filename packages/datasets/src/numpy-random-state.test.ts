import { describe, expect, it } from 'vitest';
import { NumpyRandomState } from './numpy-random-state.js';

// References printed by numpy 2.4 (legacy RandomState, whose streams numpy keeps frozen):
//   np.random.RandomState(42).rand(3)
//   np.random.RandomState(42).permutation(10)
//   r = np.random.RandomState(42); a = np.arange(20).reshape(10, 2); r.shuffle(a); a[:, 0]; r.rand(2, 3)
describe('NumpyRandomState', () => {
  it('reproduces RandomState(42).rand()', () => {
    const rng = new NumpyRandomState(42);
    expect([rng.rand(), rng.rand(), rng.rand()]).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
  });

  it('reproduces RandomState(42).permutation(10)', () => {
    const rng = new NumpyRandomState(42);
    const p = Array.from({ length: 10 }, (_, i) => i);
    rng.shuffle(10, (i, j) => {
      [p[i], p[j]] = [p[j]!, p[i]!];
    });
    expect(p).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });

  it('reproduces a row shuffle followed by rand(2, 3)', () => {
    const rng = new NumpyRandomState(42);
    const firstColumn = Array.from({ length: 10 }, (_, i) => 2 * i);
    rng.shuffle(10, (i, j) => {
      [firstColumn[i], firstColumn[j]] = [firstColumn[j]!, firstColumn[i]!];
    });
    expect(firstColumn).toEqual([16, 2, 10, 0, 14, 4, 18, 8, 6, 12]);
    const values = Array.from({ length: 6 }, () => rng.rand());
    expect(values).toEqual([
      0.15599452033620265, 0.05808361216819946, 0.8661761457749352, 0.6011150117432088, 0.7080725777960455,
      0.020584494295802447,
    ]);
  });

  it('rejects seeds numpy rejects', () => {
    expect(() => new NumpyRandomState(-1)).toThrow('seed must be an integer in [0, 2^32)');
    expect(() => new NumpyRandomState(2 ** 32)).toThrow('seed must be an integer in [0, 2^32)');
    // Both ends of the range are seeds, and different ones.
    const ends = [0, 2 ** 32 - 1].map((seed) => new NumpyRandomState(seed).nextUint32());
    expect(ends[0]).not.toBe(ends[1]);
  });

  it('random_interval(0) is 0 without drawing, as numpy', () => {
    const a = new NumpyRandomState(7);
    expect(a.randomInterval(0)).toBe(0);
    expect(a.nextUint32()).toBe(new NumpyRandomState(7).nextUint32());
  });
});
