// Fault injection over the training loop: many short runs of a small regression model, each
// with a random fault (NaN batches, a diverging loss, an abort, an input disposed mid-training,
// a concurrent second run, a throwing model or callback). Every run must end in a result or a
// typed error, leak no tensor, and leave the model finite and equal to a state it actually
// had (its start or the end of an epoch). Prints the counts. DENSITYJS_FAULT_STEPS sets the
// total number of training steps (default 2000; the full check is 10000).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DensityError, NumericalError, StateError } from './errors.js';
import { mulberry32 } from './mulberry32.js';
import { trainLoop, type FitResult } from './train-loop.js';

const TOTAL_STEPS = Number(process.env.DENSITYJS_FAULT_STEPS ?? 2000);

type Fault = 'none' | 'nan' | 'diverge' | 'abort' | 'dispose' | 'concurrent' | 'throw' | 'callback';
const FAULTS: Fault[] = ['none', 'nan', 'diverge', 'abort', 'dispose', 'concurrent', 'throw', 'callback'];

describe('trainLoop under injected faults', () => {
  it(`${TOTAL_STEPS} steps with random faults: typed outcomes, no leaks, no corrupted model`, async () => {
    const random = mulberry32(20261206);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const counts: Record<string, number> = {};
    const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
    let steps = 0;
    let runs = 0;
    // One clean run first: the optimizer's kernels keep a few constants for the whole process.
    const w0 = tf.tidy(() => tf.variable(tf.zeros([1])));
    await trainLoop({ owner: 'warm-up', variables: [w0], numExamples: 2, batchLoss: () => tf.sum(tf.square(w0)) as tf.Scalar }, { epochs: 1 });
    w0.dispose();
    const before = tf.memory().numTensors;
    while (steps < TOTAL_STEPS) {
      runs++;
      const n = int(4, 48);
      const x = tf.randomNormal([n, 2], 0, 1, 'float32', runs);
      const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[2], [-1]])), 0.5));
      const [w, b, stat] = tf.tidy(() => [
        tf.variable(tf.zeros([2, 1])),
        tf.variable(tf.zeros([1])),
        tf.variable(tf.scalar(0), false), // stands for BatchNorm statistics
      ]) as [tf.Variable, tf.Variable, tf.Variable];
      const fault = FAULTS[int(0, FAULTS.length - 1)]!;
      const epochs = int(1, 6);
      const batchSize = int(2, 16);
      const stepsPerEpoch = Math.ceil(n / Math.min(batchSize, n));
      const faultStep = int(0, Math.max(0, epochs * stepsPerEpoch - 1));
      const controller = new AbortController();
      let step = 0;
      const states: number[][] = [];
      const read = async () => [...(await w.data()), ...(await b.data()), ...(await stat.data())];
      states.push(await read());
      const spec = {
        owner: 'fit',
        variables: [w, b],
        state: [stat],
        minBatchSize: 1,
        numExamples: n,
        inputs: [x, y],
        batchLoss: (idx: tf.Tensor1D): tf.Scalar => {
          const s = step++;
          stat.assign(tf.add(stat, 1));
          const pred = tf.add(tf.matMul(tf.gather(x, idx), w), b);
          const loss = tf.mean(tf.square(tf.sub(pred, tf.gather(y, idx)))) as tf.Scalar;
          if (s === faultStep + 1) {
            if (fault === 'nan') return tf.mul(loss, NaN) as tf.Scalar;
            if (fault === 'throw') throw new Error('injected model failure');
            if (fault === 'abort') controller.abort();
            if (fault === 'dispose') tf.dispose([x, y]);
          }
          if (fault === 'diverge' && s > faultStep) return tf.mul(loss, 1e9) as tf.Scalar;
          return loss;
        },
      };
      let result: FitResult | undefined;
      let error: unknown;
      let second: Promise<unknown> | undefined;
      try {
        const run = trainLoop(spec, {
          epochs,
          batchSize,
          learningRate: 0.05,
          seed: runs,
          signal: controller.signal,
          onEpochEnd: async (epoch) => {
            states.push(await read());
            if (fault === 'callback' && epoch === epochs - 1) throw new Error('injected callback failure');
          },
        });
        if (fault === 'concurrent') second = trainLoop(spec, { epochs: 1 }).catch((e: unknown) => e);
        result = await run;
      } catch (e) {
        error = e;
      }
      steps += Math.max(0, step - 1); // minus the one-off probe
      if (second) {
        const e2 = await second;
        expect(e2).toBeInstanceOf(StateError);
        bump('concurrent run refused (StateError)');
      }
      if (error === undefined) {
        expect(result!.history.loss.every(Number.isFinite)).toBe(true);
        bump(result!.aborted ? 'aborted' : 'completed');
      } else if (error instanceof DensityError) {
        bump(error.name);
        if (error instanceof NumericalError) expect(error.restoredEpoch).toBeGreaterThanOrEqual(-1);
      } else {
        expect((error as Error).message).toBe('injected callback failure'); // the user's own error, untouched
        bump('callback error passed through');
      }
      // The model is finite and equal to a state it really had.
      const now = await read();
      expect(now.every(Number.isFinite)).toBe(true);
      if (error !== undefined) expect(states.some((s) => s.every((v, i) => v === now[i]))).toBe(true);
      tf.dispose([x, y, w, b, stat]);
      expect(tf.memory().numTensors, `leak after fault ${fault} at step ${faultStep}`).toBe(before);
    }
    console.log(`fault injection: ${steps} steps in ${runs} runs; outcomes ${JSON.stringify(counts)}; leaked tensors ${tf.memory().numTensors - before}`);
    expect(counts['NumericalError']).toBeGreaterThan(0);
    expect(counts['StateError']).toBeGreaterThan(0);
  });
});
