import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { mulberry32 } from '@densityjs/core';
import { MDN, type MDNJSON } from './mdn.js';
import { referenceCholesky, referenceFullLogProb, referenceHead, rowsOf } from './test-reference.js';

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * scale);
}

/** An MDN with full covariance and random weights of scale ~1 (so every term matters). */
function randomFullMdn(outputSize: number, numComponents: number, seed: number): { mdn: MDN; weights: Float32Array } {
  const mdn = new MDN({ inputSize: 2, outputSize, numComponents, hiddenUnits: [6], covariance: 'full', normalize: false, seed });
  const weights = randomArray(mdn.numParams, seed + 1, 0.8);
  tf.tidy(() => mdn.params.assign(tf.tensor1d(weights)));
  return { mdn, weights };
}

describeEachBackend(
  "MDN with covariance: 'full'",
  () => {
    it('logProb and distribution(x).logProb equal a float64 reference of the mixture log-density', async () => {
      for (const [D, K] of [[2, 3], [3, 2], [1, 2]] as const) {
        const { mdn, weights } = randomFullMdn(D, K, 10 * D + K);
        const layout = { sizes: [2, 6, K * (1 + 2 * D + (D * (D - 1)) / 2)], numComponents: K, outputSize: D, activation: 'tanh' as const, minScale: 1e-3 };
        expect(mdn.numParams).toBe(2 * 6 + 6 + 6 * layout.sizes[2]! + layout.sizes[2]!);
        const xv = randomArray(6 * 2, 3, 2);
        const yv = randomArray(6 * D, 4, 2);
        const expected = rowsOf(xv, 2).map((xr, i) => referenceFullLogProb(layout, weights, xr, rowsOf(yv, D)[i]!));
        const x = tf.tensor2d(xv, [6, 2]);
        const y = tf.tensor2d(yv, [6, D]);
        await expectNoLeaks(async () => {
          const lp = mdn.logProb(y, { context: x });
          await expectAllClose(lp, expected, { atol: 1e-4, rtol: 1e-4 });
          const dist = mdn.distribution(x);
          const lp2 = dist.logProb(y);
          await expectAllClose(lp2, expected, { atol: 1e-4, rtol: 1e-4 });
          dist.dispose();
          tf.dispose([lp, lp2]);
        });
        // mixtureParams returns the Cholesky factors of the reference.
        const p = mdn.mixtureParams(x);
        const head = referenceHead(layout, weights, rowsOf(xv, 2)[0]!);
        const L0 = Array.from({ length: K }, (_, k) => referenceCholesky(layout, head, k));
        await expectAllClose(tf.slice(p.scaleTril!, [0, 0, 0, 0], [1, K, D, D]), [L0] as unknown as number[][], { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([x, y, p.logits, p.locs, p.scales, p.scaleTril!]);
        mdn.dispose();
      }
    });

    it('samples have the mixture moments of its Cholesky factors, in the units of y after fit; mode of one component is its location', async () => {
      const n = 256;
      const r = mulberry32(5);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < n; i++) {
        const xi = 2 * r() - 1;
        const e1 = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        const e2 = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        xs.push(xi);
        ys.push(10 + 3 * xi + 2 * e1, -5 + 2 * e1 + 0.5 * e2);
      }
      const x = tf.tensor2d(xs, [n, 1]);
      const y = tf.tensor2d(ys, [n, 2]);
      const x0 = tf.tensor2d([[0.3]]);
      for (const K of [2, 1]) {
        const mdn = new MDN({ inputSize: 1, outputSize: 2, numComponents: K, hiddenUnits: [8], covariance: 'full', seed: 2 });
        await mdn.fit(x, y, { epochs: 3, batchSize: 64, seed: 1 });
        const p = mdn.mixtureParams(x0);
        const L = ((await p.scaleTril!.array()) as number[][][][])[0]!;
        const mus = ((await p.locs.array()) as number[][][])[0]!;
        const logits = Array.from(await p.logits.data());
        const z = logits.reduce((a, v) => a + Math.exp(v), 0);
        const pis = logits.map((v) => Math.exp(v) / z);
        if (K === 1) {
          const mode = mdn.mode(x0);
          await expectAllClose(mode, [mus[0]!], { atol: 1e-5, rtol: 1e-5 });
          mode.dispose();
        } else {
          // Mixture moments: mean = sum pi_k mu_k, cov = sum pi_k (L_k L_k^T + mu_k mu_k^T) - mean mean^T.
          const mean = [0, 1].map((d) => pis.reduce((a, pk, k) => a + pk * mus[k]![d]!, 0));
          const cov = [0, 1].map((i) =>
            [0, 1].map((j) => pis.reduce((a, pk, k) => a + pk * (L[k]![i]![0]! * L[k]![j]![0]! + L[k]![i]![1]! * L[k]![j]![1]! + mus[k]![i]! * mus[k]![j]!), 0) - mean[i]! * mean[j]!),
          );
          const draws = mdn.sample(x0, { seed: 3, sampleShape: 20000 });
          const v = Array.from(await draws.data());
          const m = [0, 1].map((d) => v.filter((_, i) => i % 2 === d).reduce((a, t) => a + t, 0) / 20000);
          const c = (a: number, b: number) => v.reduce((acc, _, i) => (i % 2 === 0 ? acc + (v[i + a]! - m[a]!) * (v[i + b]! - m[b]!) : acc), 0) / 20000;
          // Standard errors with 20000 draws: ~sd/141 for a mean, ~sd_a sd_b/100 for a covariance (Gaussian-like tails).
          for (const d of [0, 1]) expect(Math.abs(m[d]! - mean[d]!)).toBeLessThan((5 * Math.sqrt(cov[d]![d]!)) / 141);
          for (const [a, b] of [[0, 0], [0, 1], [1, 1]] as const) expect(Math.abs(c(a, b) - cov[a]![b]!)).toBeLessThan((6 * Math.sqrt(cov[a]![a]! * cov[b]![b]!)) / 100);
          draws.dispose();
        }
        tf.dispose([p.logits, p.locs, p.scales, p.scaleTril!]);
        mdn.dispose();
      }
      tf.dispose([x, y, x0]);
    });

    it('one full-covariance component fits a correlated target that one diagonal component cannot', async () => {
      // y | x ~ N((3x, 0), [[4, 2], [2, 1.25]]): correlation 0.89, so a diagonal Gaussian loses
      // -0.5 log(1 - 0.8) = 0.80 nats per point against the true conditional density.
      const n = 512;
      const r = mulberry32(8);
      const rows: number[][] = [];
      for (let i = 0; i < n; i++) {
        const xi = 2 * r() - 1;
        const e1 = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        const e2 = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        rows.push([xi, 3 * xi + 2 * e1, e1 + 0.5 * e2]);
      }
      const x = tf.tensor2d(rows.map((v) => [v[0]!]));
      const y = tf.tensor2d(rows.map((v) => [v[1]!, v[2]!]));
      const nll: Record<string, number> = {};
      for (const covariance of ['diag', 'full'] as const) {
        const mdn = new MDN({ inputSize: 1, outputSize: 2, numComponents: 1, hiddenUnits: [8], covariance, seed: 4 });
        await mdn.fit(x, y, { epochs: 40, batchSize: 128, learningRate: 1e-2, seed: 1 });
        const lp = tf.tidy(() => tf.neg(tf.mean(mdn.logProb(y, { context: x }))));
        nll[covariance] = (await lp.data())[0]!;
        lp.dispose();
        mdn.dispose();
      }
      // True conditional entropy: log(2 pi e) + 0.5 log det = 2.84 + 0.5 log 1 = 2.84 nats.
      expect(nll.full!).toBeLessThan(nll.diag! - 0.5);
      expect(nll.full!).toBeLessThan(3.0);
      tf.dispose([x, y]);
    });

    it('toJSON/fromJSON round-trips the covariance; JSON without the key loads as diag', async () => {
      const { mdn } = randomFullMdn(2, 2, 7);
      const x = tf.tensor2d(randomArray(8, 1, 2), [4, 2]);
      const y = tf.tensor2d(randomArray(8, 2, 2), [4, 2]);
      const json = JSON.parse(JSON.stringify(mdn.toJSON())) as MDNJSON;
      expect(json.config.covariance).toBe('full');
      const back = MDN.fromJSON(json);
      await expectAllClose(back.logProb(y, { context: x }), mdn.logProb(y, { context: x }), { atol: 0 });
      const diag = new MDN({ inputSize: 2, outputSize: 2, numComponents: 2, hiddenUnits: [6], seed: 3 });
      const old = diag.toJSON();
      delete (old.config as Partial<MDNJSON['config']>).covariance;
      const loaded = MDN.fromJSON(old);
      expect(loaded.config.covariance).toBe('diag');
      await expectAllClose(loaded.logProb(y, { context: x }), diag.logProb(y, { context: x }), { atol: 0 });
      tf.dispose([x, y]);
      [mdn, back, diag, loaded].forEach((m) => m.dispose());
    });
  },
  { webgpu: false },
);

describe('MDN covariance option', () => {
  it('names a bad covariance and the fused kernel it cannot use', () => {
    expect(() => new MDN({ inputSize: 1, outputSize: 2, numComponents: 2, hiddenUnits: 4, covariance: 'tied' as never })).toThrow(/MDN: covariance must be 'diag' or 'full', received "tied"/);
    expect(() => new MDN({ inputSize: 1, outputSize: 2, numComponents: 2, hiddenUnits: 4, covariance: 'full', fused: true })).toThrow(/MDN: fused must be 'auto' or false with covariance: 'full'/);
    const mdn = new MDN({ inputSize: 1, outputSize: 2, numComponents: 2, hiddenUnits: 4, covariance: 'full' });
    expect(mdn.usesFusedKernel()).toBe(false);
    mdn.dispose();
  });
});
