import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { glorotUniformBound, linearInit, linearInitValues, linearUniformBound, maskedFanIn } from './initializers.js';

describe('initializers', () => {
  it('bounds: PyTorch nn.Linear 1/sqrt(fanIn), Glorot sqrt(6/(in+out))', () => {
    expect(linearUniformBound(64)).toBeCloseTo(0.125, 15);
    expect(linearUniformBound(2)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(linearUniformBound(0)).toBe(1);
    expect(glorotUniformBound(10, 20)).toBeCloseTo(Math.sqrt(0.2), 15);
  });

  it('maskedFanIn counts the unmasked inputs of each unit, plus unmasked extra inputs', () => {
    const mask = [
      [1, 0, 1],
      [1, 0, 0],
    ];
    expect(maskedFanIn(2, 3, mask)).toEqual([2, 0, 1]);
    expect(maskedFanIn(5, 3, mask, 3)).toEqual([5, 3, 4]);
    expect(maskedFanIn(4, 2)).toEqual([4, 4]);
  });

  it('draws each unit U(-a_j, a_j) with a_j from its masked fan-in, bias included', () => {
    // Column 0 sees 1 input (a = 1), column 1 sees 4 (a = 0.5); 3000 rows of each column are drawn
    // (the mask only sets the bound), so their spread is checked against U(-a, a):
    // max |w| close to a, variance a^2 / 3 within 5 standard errors.
    const rows = 3000;
    const mask = Array.from({ length: rows }, (_, i) => [i === 0 ? 1 : 0, i < 4 ? 1 : 0]);
    const { kernel, bias } = linearInitValues({ rows, cols: 2, mask, seed: 7 });
    for (const [j, a] of [[0, 1], [1, 0.5]] as const) {
      const col = Array.from({ length: rows }, (_, i) => kernel[i * 2 + j]!);
      const maxAbs = Math.max(...col.map(Math.abs));
      expect(maxAbs).toBeLessThanOrEqual(a);
      expect(maxAbs).toBeGreaterThan(0.99 * a);
      const mean = col.reduce((s, v) => s + v, 0) / rows;
      const variance = col.reduce((s, v) => s + (v - mean) ** 2, 0) / rows;
      // Var of U(-a, a) is a^2/3; the sample variance's standard error is a^2 sqrt(4/45 / n).
      expect(Math.abs(variance - (a * a) / 3)).toBeLessThan(5 * a * a * Math.sqrt(4 / 45 / rows));
      expect(Math.abs(bias[j]!)).toBeLessThanOrEqual(a);
    }
  });

  it('a unit that no input reaches gets the bound of the unmasked layer, 1/sqrt(rows)', () => {
    const rows = 400;
    const mask = Array.from({ length: rows }, () => [0, 1]);
    const { kernel, bias } = linearInitValues({ rows, cols: 2, mask, seed: 3 });
    const col0 = Array.from({ length: rows }, (_, i) => Math.abs(kernel[i * 2]!));
    expect(Math.max(...col0)).toBeLessThanOrEqual(1 / Math.sqrt(rows));
    expect(Math.max(...col0)).toBeGreaterThan(0.95 / Math.sqrt(rows));
    expect(Math.abs(bias[0]!)).toBeLessThanOrEqual(1 / Math.sqrt(rows));
  });

  it('scale multiplies the bound; same seed same values, seed 0 is a seed', () => {
    const a = linearInitValues({ rows: 8, cols: 4, seed: 0 });
    const b = linearInitValues({ rows: 8, cols: 4, seed: 0 });
    const c = linearInitValues({ rows: 8, cols: 4, seed: 1 });
    const half = linearInitValues({ rows: 8, cols: 4, seed: 0, scale: 0.5 });
    expect(Array.from(a.kernel)).toEqual(Array.from(b.kernel));
    expect(Array.from(a.kernel)).not.toEqual(Array.from(c.kernel));
    a.kernel.forEach((v, i) => expect(half.kernel[i]).toBeCloseTo(v / 2, 6));
    a.bias.forEach((v, i) => expect(half.bias[i]).toBeCloseTo(v / 2, 6));
    expect(Math.max(...Array.from(a.kernel, Math.abs))).toBeLessThanOrEqual(linearUniformBound(8));
  });

  it('linearInit returns the same values as tensors and nothing else', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const { kernel, bias } = linearInit({ rows: 3, cols: 2, seed: 5 });
    const values = linearInitValues({ rows: 3, cols: 2, seed: 5 });
    expect(kernel.shape).toEqual([3, 2]);
    expect(bias.shape).toEqual([2]);
    expect(Array.from(kernel.dataSync())).toEqual(Array.from(values.kernel));
    expect(Array.from(bias.dataSync())).toEqual(Array.from(values.bias));
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([kernel, bias]);
  });
});
