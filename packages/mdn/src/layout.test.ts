import { describe, expect, it } from 'vitest';
import { glorotUniformBound, linearUniformBound } from '@densityjs/core';
import { initialParams, inverseSoftplus, layerOffsets, numParams, type MdnLayout } from './layout.js';

const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/** Mean and (population) variance. */
function moments(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, variance: values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length };
}

describe('inverseSoftplus', () => {
  it('inverts softplus (float64) from 1e-6 to 1000', () => {
    for (const v of [1e-6, 1e-3, 0.5, 1, 5, 19.9, 20, 20.1, 50, 1000]) {
      const raw = inverseSoftplus(v);
      expect(Number.isFinite(raw), `inverseSoftplus(${v})`).toBe(true);
      expect(Math.abs(softplus(raw) - v) / v, `softplus(inverseSoftplus(${v}))`).toBeLessThan(1e-9);
    }
  });
});

describe('initialParams', () => {
  const K = 4;
  const D = 3;
  const layout: MdnLayout = { sizes: [3, 50, 40, K * (1 + 2 * D)], numComponents: K, outputSize: D, activation: 'tanh', minScale: 0.05 };
  const params = initialParams(layout, 7);
  const layers = layerOffsets(layout.sizes);
  const slice = (from: number, n: number): number[] => Array.from(params.subarray(from, from + n));

  it('has one entry per weight and is a pure function of the seed', () => {
    expect(params.length).toBe(numParams(layout.sizes));
    expect(Array.from(initialParams(layout, 7))).toEqual(Array.from(params));
    expect(Array.from(initialParams(layout, 8))).not.toEqual(Array.from(params));
  });

  it('hidden layers: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    for (const layer of layers.slice(0, -1)) {
      const a = linearUniformBound(layer.in);
      expect(a).toBeCloseTo(1 / Math.sqrt(layer.in), 12);
      for (const values of [slice(layer.w, layer.in * layer.out), slice(layer.b, layer.out)]) {
        const scaled = values.map((v) => v / a);
        expect(Math.max(...scaled.map(Math.abs))).toBeLessThanOrEqual(1);
        // n draws of U(-1, 1): max |u| below 0.8 has probability 0.8^n (< 1e-4 for n >= 40).
        expect(Math.max(...scaled.map(Math.abs))).toBeGreaterThan(0.8);
      }
      // Moments of all the layer's weights: mean 0, variance 1/3 (in units of a); 4 standard errors.
      const { mean, variance } = moments(slice(layer.w, layer.in * layer.out).map((v) => v / a));
      const n = layer.in * layer.out;
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(1 / 3 / n));
      expect(Math.abs(variance - 1 / 3)).toBeLessThan(4 * Math.sqrt(4 / 45 / n));
    }
  });

  it('head: Glorot-uniform weights; logits 0, every scale 1, locations on a grid over [-1.5, 1.5]', () => {
    const head = layers[layers.length - 1]!;
    const a = glorotUniformBound(head.in, head.out);
    expect(a).toBeCloseTo(Math.sqrt(6 / (head.in + head.out)), 12);
    const w = slice(head.w, head.in * head.out).map((v) => v / a);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9);
    const { variance } = moments(w);
    expect(Math.abs(variance - 1 / 3)).toBeLessThan(4 * Math.sqrt(4 / 45 / w.length));
    const b = slice(head.b, head.out);
    expect(b.slice(0, K)).toEqual([0, 0, 0, 0]);
    for (const raw of b.slice(K + K * D)) expect(softplus(raw) + layout.minScale).toBeCloseTo(1, 6);
    const grid = [-1.5, -0.5, 0.5, 1.5];
    const location = (k: number, d: number): number => b[K + k * D + d]!;
    // Dimension 0 in grid order; the others a permutation of the grid, not all in order.
    expect(grid.map((_, k) => location(k, 0))).toEqual(grid);
    const others = [1, 2].map((d) => grid.map((_, k) => location(k, d)));
    for (const column of others) expect(column.slice().sort((p, q) => p - q)).toEqual(grid);
    expect(others.some((column) => column.some((v, k) => v !== grid[k]))).toBe(true);
  });

  it('one component starts at location 0; a large minScale floors the scale target at 1e-3', () => {
    const one: MdnLayout = { sizes: [1, 2, 3], numComponents: 1, outputSize: 1, activation: 'relu', minScale: 2 };
    const p = initialParams(one, 3);
    const head = layerOffsets(one.sizes)[1]!;
    expect(p[head.b]).toBe(0);
    expect(p[head.b + 1]).toBe(0);
    // softplus(raw) = max(1 - minScale, 1e-3).
    expect(softplus(p[head.b + 2]!)).toBeCloseTo(1e-3, 6);
  });
});
