import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { describeEachBackend, expectNoLeaks } from '@densityjs/testing';
import { fitVariational, iaf, realNVP } from './index.js';

// Unnormalized correlated Gaussian: log p~(x) = -(x - mu)^T S^{-1} (x - mu) / 2, so that
// log Z = log(2 pi) + log det(S) / 2 exactly.
const MU = [1, -0.5];
const S = [
  [1.5, 0.9],
  [0.9, 1.0],
];
const DET = S[0]![0]! * S[1]![1]! - S[0]![1]! * S[1]![0]!;
const INV = [
  [S[1]![1]! / DET, -S[0]![1]! / DET],
  [-S[1]![0]! / DET, S[0]![0]! / DET],
];
const LOG_Z = Math.log(2 * Math.PI) + 0.5 * Math.log(DET);

function gaussianTarget(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(x, tf.tensor1d(MU));
    const q = tf.sum(tf.mul(tf.matMul(d as tf.Tensor2D, tf.tensor2d(INV)), d), -1);
    return tf.mul(q, -0.5);
  });
}

describeEachBackend('fitVariational', () => {
  it('fits a correlated Gaussian and estimates its log Z (pathwise gradients)', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 2, hiddenUnits: [16], seed: 1 });
    const res = await fitVariational(flow, gaussianTarget, { steps: 300, samples: 128, learningRate: 1e-2, seed: 2, logZSamples: 4000 });
    expect(res.history.elbo).toHaveLength(6);
    // The ELBO is a lower bound of log Z and reaches it when q = p: the last reports sit just below.
    const last = res.history.elbo.at(-1)!;
    expect(last).toBeLessThan(LOG_Z + 0.05);
    expect(last).toBeGreaterThan(LOG_Z - 0.1);
    expect(res.history.elbo[0]!).toBeLessThan(last);
    expect(Math.abs(res.logZ - LOG_Z)).toBeLessThan(0.05);
    expect(res.logZStandardError).toBeGreaterThan(0);
    expect(res.logZStandardError).toBeLessThan(0.05);
    // The fitted q has the target's moments (mean within a few sampling errors).
    const s = flow.sample(4000, { seed: 5 });
    const mean = (await tf.mean(s, 0).data()) as Float32Array;
    expect(Math.abs(mean[0]! - MU[0]!)).toBeLessThan(0.1);
    expect(Math.abs(mean[1]! - MU[1]!)).toBeLessThan(0.1);
    s.dispose();
    flow.dispose();
  });

  it('sticking-the-landing gradients reach the same log Z, and the target may be an object', async () => {
    const flow = realNVP({ eventSize: 2, numLayers: 2, hiddenUnits: [16], seed: 3 });
    const res = await fitVariational(flow, { logProb: gaussianTarget }, { steps: 200, samples: 128, learningRate: 1e-2, gradient: 'stl', seed: 4, logZSamples: 4000 });
    expect(Math.abs(res.logZ - LOG_Z)).toBeLessThan(0.05);
    flow.dispose();
  });

  it('refuses bad arguments before training and leaks nothing', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 1 });
    await expectNoLeaks(async () => {
      await expect(fitVariational(flow, 3 as never)).rejects.toThrow(/fitVariational: target must be a function x => log p~\(x\) or an object with logProb\(x\)/);
      await expect(fitVariational(flow, gaussianTarget, { step: 10 } as never)).rejects.toThrow(/fitVariational: .*step.*steps/);
      await expect(fitVariational(flow, gaussianTarget, { gradient: 'reinforce' as never })).rejects.toThrow(/gradient must be 'pathwise' or 'stl'/);
      await expect(fitVariational({} as never, gaussianTarget)).rejects.toThrow(/fitVariational: flow must be a trainable flow/);
    });
    flow.dispose();
  });

  it('verbose prints one line per report, counting steps and showing the ELBO', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 1 });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let res;
    try {
      res = await fitVariational(flow, gaussianTarget, { steps: 20, samples: 16, stepsPerReport: 10, seed: 2, logZSamples: 100, verbose: 2 });
    } finally {
      spy.mockRestore();
      flow.dispose();
    }
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const m = /^step (\d+)\/20  ELBO (\S+)  \(.* ETA \d+:\d\d\)\n$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(10 * (i + 1));
      expect(m![2]).toBe(res!.history.elbo[i]!.toFixed(4));
    });
  });
});
