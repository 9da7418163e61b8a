import { describe, expect, it } from 'vitest';
import { createDegrees, createMasks } from './degrees.js';

// Literal masks worked out by hand from the MADE rule: into hidden M[j][k] = d_k >= d_j, into the
// outputs M[j][i] = D_i > d_j, kernel layout [fan-in, fan-out]. With 'equal' hidden degrees a
// layer of width H has degrees 1, 2, ..., D-1, 1, 2, ... .
describe('createMasks: literal small cases', () => {
  it('eventSize 3, hidden [2, 2], left-to-right', () => {
    const degrees = createDegrees({ eventSize: 3, hiddenUnits: [2, 2], inputOrder: 'left-to-right' });
    expect(degrees).toEqual({ input: [1, 2, 3], hidden: [[1, 2], [1, 2]] });
    expect(createMasks(degrees)).toEqual([
      [[1, 1], [0, 1], [0, 0]],
      [[1, 1], [0, 1]],
      [[0, 1, 1], [0, 0, 1]],
    ]);
  });

  it('eventSize 3, hidden [2, 2], right-to-left', () => {
    const degrees = createDegrees({ eventSize: 3, hiddenUnits: [2, 2], inputOrder: 'right-to-left' });
    expect(degrees.input).toEqual([3, 2, 1]);
    expect(createMasks(degrees)).toEqual([
      [[0, 0], [0, 1], [1, 1]],
      [[1, 1], [0, 1]],
      [[1, 1, 0], [1, 0, 0]],
    ]);
  });

  it('eventSize 3, hidden [2, 2], explicit order [2, 3, 1]', () => {
    const degrees = createDegrees({ eventSize: 3, hiddenUnits: [2, 2], inputOrder: [2, 3, 1] });
    expect(createMasks(degrees)).toEqual([
      [[0, 1], [0, 0], [1, 1]],
      [[1, 1], [0, 1]],
      [[1, 1, 0], [0, 1, 0]],
    ]);
  });

  it('eventSize 4, hidden [3, 3], left-to-right', () => {
    const masks = createMasks(createDegrees({ eventSize: 4, hiddenUnits: [3, 3] }));
    expect(masks).toEqual([
      [[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0]],
      [[1, 1, 1], [0, 1, 1], [0, 0, 1]],
      [[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]],
    ]);
  });

  it('eventSize 4, hidden [4, 5], right-to-left: degrees cycle 1..3', () => {
    const degrees = createDegrees({ eventSize: 4, hiddenUnits: [4, 5], inputOrder: 'right-to-left' });
    expect(degrees).toEqual({ input: [4, 3, 2, 1], hidden: [[1, 2, 3, 1], [1, 2, 3, 1, 2]] });
    expect(createMasks(degrees)).toEqual([
      [[0, 0, 0, 0], [0, 0, 1, 0], [0, 1, 1, 0], [1, 1, 1, 1]],
      [[1, 1, 1, 1, 1], [0, 1, 1, 0, 1], [0, 0, 1, 0, 0], [1, 1, 1, 1, 1]],
      [[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 0], [1, 1, 0, 0]],
    ]);
  });

  it('eventSize 4, hidden [3, 3], explicit order [3, 1, 4, 2]', () => {
    const masks = createMasks(createDegrees({ eventSize: 4, hiddenUnits: [3, 3], inputOrder: [3, 1, 4, 2] }));
    expect(masks).toEqual([
      [[0, 0, 1], [1, 1, 1], [0, 0, 0], [0, 1, 1]],
      [[1, 1, 1], [0, 1, 1], [0, 0, 1]],
      [[1, 0, 1, 1], [1, 0, 1, 0], [0, 0, 1, 0]],
    ]);
  });

  it('no hidden layer: the output mask is strictly lower-triangular in the order', () => {
    expect(createMasks({ input: [2, 1, 3], hidden: [] })).toEqual([
      [
        [0, 0, 1],
        [1, 0, 1],
        [0, 0, 0],
      ],
    ]);
  });

  it('eventSize 1: hidden degrees 0, the output sees every hidden unit', () => {
    const degrees = createDegrees({ eventSize: 1, hiddenUnits: [2] });
    expect(degrees).toEqual({ input: [1], hidden: [[0, 0]] });
    expect(createMasks(degrees)).toEqual([[[0, 0]], [[1], [1]]]);
  });
});

describe('createDegrees: random orders and degrees', () => {
  it('random input order is a seeded permutation', () => {
    const a = createDegrees({ eventSize: 7, hiddenUnits: [8], inputOrder: 'random', seed: 3 });
    const b = createDegrees({ eventSize: 7, hiddenUnits: [8], inputOrder: 'random', seed: 3 });
    expect(a).toEqual(b);
    expect([...a.input].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const orders = new Set(Array.from({ length: 10 }, (_, s) => createDegrees({ eventSize: 7, hiddenUnits: [], inputOrder: 'random', seed: s }).input.join()));
    expect(orders.size).toBeGreaterThan(5);
  });

  it("random hidden degrees lie in [min of the previous layer, D - 1]", () => {
    for (let seed = 0; seed < 5; seed++) {
      const d = createDegrees({ eventSize: 5, hiddenUnits: [16, 16, 16], hiddenDegrees: 'random', seed });
      let low = 1;
      for (const layer of d.hidden) {
        for (const v of layer) {
          expect(v).toBeGreaterThanOrEqual(low);
          expect(v).toBeLessThanOrEqual(4);
        }
        low = Math.min(...layer);
      }
    }
  });
});

describe('createDegrees / createMasks: bad input', () => {
  it('names the argument, the expectation and the received value', () => {
    expect(() => createDegrees({ eventSize: 0, hiddenUnits: [] })).toThrow(/createDegrees: eventSize must be a positive integer, received 0/);
    expect(() => createDegrees({ eventSize: 2.5, hiddenUnits: [] })).toThrow(/eventSize/);
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [4], inputOrder: [1, 2, 2] })).toThrow(
      /inputOrder must be a permutation of 1\.\.3 \(1-based degrees\), received \[1, 2, 2\]/,
    );
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [4], inputOrder: [0, 1, 2] })).toThrow(/inputOrder/);
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [4], inputOrder: [1, 2] })).toThrow(/inputOrder/);
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [4], inputOrder: 'up' as never })).toThrow(/inputOrder/);
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [4], hiddenDegrees: 'odd' as never })).toThrow(/hiddenDegrees/);
    expect(() => createDegrees({ eventSize: 5, hiddenUnits: [8, 3] })).toThrow(
      /hiddenUnits\[1\] must be >= eventSize - 1 = 4 .*received 3/,
    );
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: [0] })).toThrow(/hiddenUnits\[0\] must be a positive integer/);
    expect(() => createDegrees({ eventSize: 3, hiddenUnits: 4 as never })).toThrow(/hiddenUnits must be an array/);
    expect(() => createMasks({ input: [1, 3], hidden: [] })).toThrow(/createMasks: degrees.input/);
    expect(() => createMasks({ input: [1, 2], hidden: [[1, 2]] })).toThrow(/degrees.hidden\[0\] must be integers in 0\.\.1/);
  });
});
