import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { Normal } from './normal.js';

/** Float64 entropy -∫ p log p of a 1-D normal mixture, by the trapezoid rule on a fine grid. */
function entropyReference(w: number[], loc: number[], scale: number[]): number {
  const pdf = (x: number) => w.reduce((s, wk, k) => s + (wk * Math.exp(-0.5 * ((x - loc[k]!) / scale[k]!) ** 2)) / (scale[k]! * Math.sqrt(2 * Math.PI)), 0);
  const lo = Math.min(...loc.map((l, k) => l - 12 * scale[k]!));
  const hi = Math.max(...loc.map((l, k) => l + 12 * scale[k]!));
  const n = 200000;
  const h = (hi - lo) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const p = pdf(lo + i * h);
    const term = p > 0 ? -p * Math.log(p) : 0;
    sum += i === 0 || i === n ? term / 2 : term;
  }
  return sum * h;
}

describeEachBackend('MixtureSameFamily.entropyEstimate', () => {
  it('is within 4 standard errors of the float64 integral (20000 draws, seed 0), per batch member', async () => {
    const w = [[0.3, 0.7], [0.5, 0.5]];
    const loc = [[-2, 3], [0, 0.5]];
    const scale = [[0.5, 1.5], [1, 2]];
    const d = new MixtureSameFamily({
      mixtureDistribution: new Categorical({ probs: w }),
      componentsDistribution: new Normal({ loc, scale }),
    });
    const n = 20000;
    const h = d.entropyEstimate({ samples: n, seed: 0 });
    expect(h.shape).toEqual([2]);
    const lp = d.logProb(d.sample(n, { seed: 0 }));
    const lpv = await lp.data();
    const v = await h.data();
    for (let b = 0; b < 2; b++) {
      // Standard error from the same draws: sd(log p(X)) / √n.
      let mean = 0;
      for (let i = 0; i < n; i++) mean += lpv[2 * i + b]! / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (lpv[2 * i + b]! - mean) ** 2 / (n - 1);
      const se = Math.sqrt(sq / n);
      expect(Math.abs(v[b]! - entropyReference(w[b]!, loc[b]!, scale[b]!))).toBeLessThan(4 * se);
    }
    await expectNoLeaks(() => tf.dispose(d.entropyEstimate({ samples: 10, seed: 1 })));
    expect(() => d.entropyEstimate({ samples: 0 })).toThrow(/MixtureSameFamily: samples must be a positive integer/);
    tf.dispose([h, lp]);
  });
});
