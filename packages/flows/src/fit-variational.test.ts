import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { NumericalError } from '@densityjs/core';
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

  it('fits a conditional target at the rows of `context` (log Z = 0 for a normalized target)', async () => {
    // p(x | c) = N(x; (c, -c), I): normalized for every c, so log E_c[Z(c)] = 0.
    const flow = iaf({ eventSize: 2, numLayers: 2, hiddenUnits: [16], contextSize: 1, seed: 4 });
    const context = tf.tensor2d([[-1], [0], [1], [2]]);
    const target = (x: tf.Tensor, c?: tf.Tensor): tf.Tensor =>
      tf.tidy(() => {
        const loc = tf.concat([c!, tf.neg(c!)], 1);
        return tf.sub(tf.mul(tf.sum(tf.square(tf.sub(x, loc)), -1), -0.5), Math.log(2 * Math.PI));
      });
    const res = await fitVariational(flow, target, { steps: 300, samples: 128, learningRate: 1e-2, seed: 5, context, logZSamples: 4000 });
    expect(Math.abs(res.logZ)).toBeLessThan(0.05);
    // q(x | c = 2) has mean (2, -2) (4000 samples: standard error ~0.016 per coordinate).
    const at2 = tf.tensor2d(Array.from({ length: 4000 }, () => [2]));
    const s = flow.sample(4000, { seed: 6, context: at2 });
    const m = Array.from(await tf.mean(s, 0).data());
    expect(Math.abs(m[0]! - 2)).toBeLessThan(0.1);
    expect(Math.abs(m[1]! + 2)).toBeLessThan(0.1);
    await expect(fitVariational(flow, target, { steps: 2 })).rejects.toThrow(/fitVariational: context must be a 2-D tensor of shape \[m, 1\]/);
    tf.dispose([context, at2, s]);
    flow.dispose();
  });

  it("gradient: 'stl' scores a conditional flow's samples at their context rows (one row is enough) and frees its frozen copy", async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], contextSize: 1, seed: 7 });
    const context = tf.tensor2d([[1.5]]);
    // Normalized p(x | c) = N(x; (c, -c), I).
    const target = (x: tf.Tensor, c?: tf.Tensor): tf.Tensor =>
      tf.tidy(() => tf.sub(tf.mul(tf.sum(tf.square(tf.sub(x, tf.concat([c!, tf.neg(c!)], 1))), -1), -0.5), Math.log(2 * Math.PI)));
    let res: Awaited<ReturnType<typeof fitVariational>> | undefined;
    await expectNoLeaks(async () => {
      res = await fitVariational(flow, target, { steps: 4, samples: 16, gradient: 'stl', seed: 2, context, logZSamples: 0 });
    });
    // The ELBO of a normalized target is at most log Z = 0.
    expect(res!.history.elbo.every((v) => Number.isFinite(v) && v < 0)).toBe(true);
    context.dispose();
    flow.dispose();
  });

  it('runs exactly `steps` steps, reporting each (onStep) and each block (the last one shorter)', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 2 });
    const seen: [number, number][] = [];
    let res!: Awaited<ReturnType<typeof fitVariational>>;
    await expectNoLeaks(async () => {
      res = await fitVariational(flow, gaussianTarget, {
        steps: 25,
        samples: 32,
        stepsPerReport: 10,
        seed: 3,
        logZSamples: 0,
        damping: 5,
        clipNorm: 1,
        onStep: (k, { elbo }) => void seen.push([k, elbo]),
      });
    });
    expect(seen.map(([k]) => k)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(res.history.elbo).toHaveLength(3);
    const blockMean = (a: number, b: number) => seen.slice(a, b).reduce((acc, [, v]) => acc + v, 0) / (b - a);
    expect(res.history.elbo[0]).toBeCloseTo(blockMean(0, 10), 10);
    expect(res.history.elbo[2]).toBeCloseTo(blockMean(20, 25), 10);
    expect(Number.isNaN(res.logZ)).toBe(true);
    expect(res.aborted).toBe(false);
    flow.dispose();
  });

  it('a target that turns -Infinity stops training with a NumericalError that says where', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 2 });
    let calls = 0;
    // Finite for the first 7 calls, then -Infinity: the loss -ELBO becomes +Infinity in epoch 1.
    const target = (x: tf.Tensor): tf.Tensor => (calls++ < 7 ? gaussianTarget(x) : tf.fill([x.shape[0]!], -Infinity));
    let error: unknown;
    await expectNoLeaks(async () => {
      try {
        await fitVariational(flow, target, { steps: 20, samples: 8, stepsPerReport: 5, seed: 1, logZSamples: 0 });
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(NumericalError);
    const e = error as NumericalError;
    expect(e.message).toMatch(/^fitVariational: loss became \+Infinity at epoch 1, step \d \(counting from 0; 5 steps per epoch\)\. The variables were restored to those of epoch 0/);
    expect([e.epoch, e.loss, e.restoredEpoch]).toEqual([1, Infinity, 0]);
    flow.dispose();
  });

  it('refuses bad arguments before training and leaks nothing', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 1 });
    await expectNoLeaks(async () => {
      await expect(fitVariational(flow, 3 as never)).rejects.toThrow(/fitVariational: target must be a function x => log p~\(x\) or an object with logProb\(x\)/);
      await expect(fitVariational(flow, gaussianTarget, { step: 10 } as never)).rejects.toThrow(/fitVariational: .*step.*steps/);
      await expect(fitVariational(flow, gaussianTarget, { gradient: 'reinforce' as never })).rejects.toThrow(/gradient must be 'pathwise' or 'stl'/);
      await expect(fitVariational({} as never, gaussianTarget)).rejects.toThrow(/fitVariational: flow must be a trainable flow/);
      await expect(fitVariational(flow, gaussianTarget, { damping: 0 })).rejects.toThrow(/fitVariational: damping must be a number > 0/);
      await expect(fitVariational(flow, gaussianTarget, { dampingRelease: 1.5 })).rejects.toThrow(/fitVariational: dampingRelease must be a number in \[0, 1\]/);
      await expect(fitVariational(flow, gaussianTarget, { clipNorm: -1 })).rejects.toThrow(/fitVariational: clipNorm must be a finite number > 0/);
      await expect(fitVariational(flow, gaussianTarget, { logZSamples: -1 })).rejects.toThrow(/fitVariational: logZSamples must be a non-negative integer/);
      const context = tf.zeros([2, 1]);
      await expect(fitVariational(flow, gaussianTarget, { context })).rejects.toThrow(/fitVariational: context must be undefined \(the flow is unconditional\)/);
      context.dispose();
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

describeEachBackend('fitVariational with a given optimizer, and reports', () => {
  it('uses the optimizer it is given (SGD with learning rate 0 changes nothing) and reports each block', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 2 });
    const before = await Promise.all(flow.getWeights().map((w) => w.data()));
    const optimizer = tf.train.sgd(0);
    const reports: [number, number][] = [];
    const res = await fitVariational(flow, gaussianTarget, {
      steps: 6,
      samples: 16,
      stepsPerReport: 2,
      seed: 1,
      logZSamples: 0,
      optimizer,
      onReport: (k, { elbo }) => void reports.push([k, elbo]),
    });
    const after = flow.getWeights();
    expect(await Promise.all(after.map((w) => w.data()))).toEqual(before);
    expect(reports.map(([k]) => k)).toEqual([0, 1, 2]);
    expect(reports.map(([, e]) => e)).toEqual(res.history.elbo);
    tf.dispose(after);
    optimizer.dispose();
    flow.dispose();
  });

  it('is reproducible per seed, releases the damping where told, and stops at once on an aborted signal', async () => {
    const run = async (opts: Parameters<typeof fitVariational>[2]) => {
      const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 2 });
      const res = await fitVariational(flow, gaussianTarget, { steps: 6, samples: 16, stepsPerReport: 2, seed: 1, logZSamples: 0, learningRate: 0.05, ...opts });
      const weights = flow.getWeights();
      const values = (await Promise.all(weights.map((w) => w.data()))).flatMap((v) => Array.from(v));
      tf.dispose(weights);
      flow.dispose();
      return { res, values };
    };
    const a = await run({ damping: 0.1, dampingRelease: 0.5 });
    const again = await run({ damping: 0.1, dampingRelease: 0.5 });
    expect(again.values).toEqual(a.values);
    expect(again.res.history.elbo).toEqual(a.res.history.elbo);
    // Released at step 3 of 6, at once, or never: three different runs.
    const atOnce = await run({ damping: 0.1, dampingRelease: 0 });
    const never = await run({ damping: 0.1, dampingRelease: 1 });
    expect(atOnce.values).not.toEqual(a.values);
    expect(never.values).not.toEqual(a.values);
    const controller = new AbortController();
    controller.abort();
    const stopped = await run({ signal: controller.signal });
    expect(stopped.res.aborted).toBe(true);
    expect(stopped.res.history.elbo).toEqual([]);
  });

  it('refuses a signal that is not an AbortSignal', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 2 });
    await expect(fitVariational(flow, gaussianTarget, { steps: 2, signal: 'stop' as never })).rejects.toThrow(/^fitVariational: signal must be an AbortSignal/);
    flow.dispose();
  });

  it('samples in evaluation mode and gives the flow back in the mode it had', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 2, hiddenUnits: [8], seed: 2, batchNorm: true });
    flow.training = true;
    const modes: boolean[] = [];
    await fitVariational(flow, gaussianTarget, { steps: 2, samples: 16, stepsPerReport: 1, seed: 1, logZSamples: 0, onStep: () => void modes.push(flow.training) });
    expect(modes).toEqual([false, false]);
    expect(flow.training).toBe(true);
    flow.dispose();
  });
});


describeEachBackend('fitVariational log Z estimate', () => {
  // q: an untrained iaf (near the standard normal); p~(x) = exp(-|x - 0.3|^2 / (2 * 0.49)), narrower
  // than q so that the importance weights p~/q have a finite variance; log Z = log(2 pi 0.49).
  const logZ = Math.log(2 * Math.PI * 0.49);
  const narrow = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(x, 0.3)), -1), -2 * 0.49));
  const estimate = async (flow: ReturnType<typeof iaf>, seed: number, logZSamples: number, target = narrow) => {
    // SGD with learning rate 0: the one training step leaves q as it is.
    const optimizer = tf.train.sgd(0);
    const res = await fitVariational(flow, target, { steps: 1, samples: 2, seed, logZSamples, optimizer });
    optimizer.dispose();
    return res;
  };

  it('states its standard error: the spread of 40 seeded estimates (n = 500 each) matches it', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 3 });
    const runs = [];
    for (let seed = 1; seed <= 40; seed++) runs.push(await estimate(flow, seed, 500));
    const values = runs.map((r) => r.logZ);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    const reported = runs.reduce((a, r) => a + r.logZStandardError, 0) / runs.length;
    // A sample sd of 40 estimates is within +-30% of the true sd with probability > 0.99.
    expect(sd / reported).toBeGreaterThan(0.7);
    expect(sd / reported).toBeLessThan(1.3);
    // Unbiased to first order: the mean of the estimates within 5 standard errors of log Z.
    expect(Math.abs(mean - logZ)).toBeLessThan((5 * sd) / Math.sqrt(values.length));
    // The same seed gives the same estimate.
    expect((await estimate(flow, 1, 500)).logZ).toBe(values[0]);
    flow.dispose();
  });

  it('draws more samples than one chunk (4096) in chunks, and a target that is -Infinity everywhere has log Z = -Infinity', async () => {
    const flow = iaf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 3 });
    const big = await estimate(flow, 5, 4100);
    expect(Math.abs(big.logZ - logZ)).toBeLessThan(4 * big.logZStandardError);
    let calls = 0;
    // Finite for the training step (and its shape probe), then -Infinity for the estimate.
    const vanishing = (x: tf.Tensor): tf.Tensor => (calls++ < 2 ? narrow(x) : tf.fill([x.shape[0]!], -Infinity));
    const none = await estimate(flow, 5, 100, vanishing);
    expect(none.logZ).toBe(-Infinity);
    expect(Number.isNaN(none.logZStandardError)).toBe(true);
    flow.dispose();
  });
});
