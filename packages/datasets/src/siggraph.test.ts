import { describe, expect, it } from 'vitest';
import { siggraph } from './siggraph.js';
import { SIGGRAPH_STROKES } from './siggraph-glyphs.js';
import { expectArgumentErrors, expectWellFormed, labelCounts } from './test-helpers.js';

/** Distance from (x, y) to the nearest stroke of letter k, placed as the docs say. */
function strokeDistance(k: number, x: number, y: number): number {
  const dx = -4 + k + 0.1;
  let best = Infinity;
  for (const s of SIGGRAPH_STROKES[k]!.strokes) {
    for (let p = 0; p + 3 < s.length; p += 2) {
      const ax = s[p]! + dx;
      const ay = s[p + 1]!;
      const bx = s[p + 2]! + dx;
      const by = s[p + 3]!;
      const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2));
      best = Math.min(best, Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)));
    }
  }
  return best;
}

describe('siggraph', () => {
  it('spells SIGGRAPH from its own strokes', () => {
    expect(SIGGRAPH_STROKES.map((l) => l.letter).join('')).toBe('SIGGRAPH');
  });

  it('is well formed and deterministic per seed', () => {
    expectWellFormed(siggraph, 400);
  });

  it('puts letter k in the x-interval [-3.85 + k, -3.15 + k] (inside its cell), left to right', () => {
    const n = 40_000;
    const thickness = 0.025;
    const { data, labels } = siggraph(n, { seed: 1 });
    const margin = 6 * thickness;
    let outside = 0;
    let outsideCell = 0;
    const sums = new Array<number>(8).fill(0);
    for (let i = 0; i < n; i++) {
      const k = labels[i]!;
      const x = data[2 * i]!;
      const y = data[2 * i + 1]!;
      if (x < -3.85 + k - margin || x > -3.15 + k + margin || Math.abs(y) > 0.6 + margin) outside++;
      if (x < -4 + k || x >= -3 + k) outsideCell++;
      sums[k]! += x;
    }
    expect(outside).toBe(0);
    expect(outsideCell).toBe(0);
    const counts = labelCounts(labels, 8);
    const means = sums.map((s, k) => s / counts[k]!);
    for (let k = 1; k < 8; k++) expect(means[k]!).toBeGreaterThan(means[k - 1]! + 0.5);
    // Equal mass per letter: each count is Binomial(n, 1/8); 5 standard deviations.
    const sd = Math.sqrt((n * (1 / 8) * (7 / 8)));
    for (const c of counts) expect(Math.abs(c - n / 8)).toBeLessThan(5 * sd);
  });

  it('keeps points within the stroke thickness of their letter', () => {
    const n = 8000;
    const thickness = 0.02;
    const { data, labels } = siggraph(n, { seed: 2, thickness });
    const distances = Array.from({ length: n }, (_, i) => strokeDistance(labels[i]!, data[2 * i]!, data[2 * i + 1]!));
    expect(Math.max(...distances)).toBeLessThan(6 * thickness);
    // Away from joints the distance is |N(0, thickness^2)|, whose median is 0.674 thickness;
    // joints and crossings only make it smaller.
    distances.sort((a, b) => a - b);
    const median = distances[n >> 1]!;
    expect(median).toBeLessThan(0.7 * thickness);
    expect(median).toBeGreaterThan(0.4 * thickness);
  });

  it('samples uniformly along the strokes: the I spends 1.2 of its 2.2 length on the stem', () => {
    const { data, labels } = siggraph(40_000, { seed: 3, thickness: 0 });
    let onI = 0;
    let onStem = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== 1) continue;
      onI++;
      if (Math.abs(data[2 * i]! - (-3 + 0.5)) < 1e-6 && Math.abs(data[2 * i + 1]!) < 0.6 - 1e-6) onStem++;
    }
    const p = 1.2 / 2.2;
    expect(Math.abs(onStem / onI - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / onI));
  });

  it('lies exactly on the strokes with thickness 0', () => {
    const { data, labels } = siggraph(3000, { seed: 4, thickness: 0 });
    let worst = 0;
    for (let i = 0; i < 3000; i++) worst = Math.max(worst, strokeDistance(labels[i]!, data[2 * i]!, data[2 * i + 1]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('rejects bad arguments with clear errors', () => {
    expectArgumentErrors(siggraph, 'siggraph');
    expect(() => siggraph(10, { thickness: -0.1 })).toThrow('siggraph: thickness must be a finite number >= 0, received -0.1');
  });
});
