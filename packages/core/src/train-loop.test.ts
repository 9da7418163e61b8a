import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chiSquaredTest, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { ArgumentError, NumericalError, StateError } from './errors.js';
import { mulberry32 } from './mulberry32.js';
import { resolveFitOptions, trainLoop } from './train-loop.js';

// A tiny linear-regression problem y = X w + b + noise, whose least-squares solution we solve
// exactly in float64 (normal equations) as the independent reference.
function makeProblem(n: number, seed = 1) {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = rand() * 2 - 1;
    const x2 = rand() * 2 - 1;
    xs.push([x1, x2]);
    ys.push(2 * x1 - 3 * x2 + 0.5 + 0.1 * (rand() - 0.5));
  }
  return { xs, ys };
}

/** OLS with intercept in float64: solves (A^T A) beta = A^T y with A = [x1, x2, 1]. */
function ols(xs: number[][], ys: number[]): number[] {
  const m = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  xs.forEach((x, i) => {
    const a = [x[0]!, x[1]!, 1];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) m[r]![c]! += a[r]! * a[c]!;
      m[r]![3]! += a[r]! * ys[i]!;
    }
  });
  for (let k = 0; k < 3; k++) {
    for (let r = 0; r < 3; r++) {
      if (r === k) continue;
      const f = m[r]![k]! / m[k]![k]!;
      for (let c = k; c < 4; c++) m[r]![c]! -= f * m[k]![c]!;
    }
  }
  return [0, 1, 2].map((k) => m[k]![3]! / m[k]![k]!);
}

function linearModel(xs: number[][], ys: number[]) {
  const X = tf.tensor2d(xs);
  const Y = tf.tensor1d(ys);
  const w = tf.variable(tf.zeros([2, 1]), true, undefined);
  const b = tf.variable(tf.scalar(0), true, undefined);
  const mse = (x: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar =>
    tf.mean(tf.square(tf.sub(tf.add(tf.reshape(tf.matMul(x, w), [-1]), b), y)));
  const batchLoss = (idx: tf.Tensor1D) => mse(tf.gather(X, idx) as tf.Tensor2D, tf.gather(Y, idx) as tf.Tensor1D);
  const fullLoss = () => mse(X, Y);
  const dispose = () => tf.dispose([X, Y, w, b]);
  return { X, Y, w, b, batchLoss, fullLoss, dispose, variables: [w, b] };
}

/** The index batches trainLoop hands the batch loss over a run on 10 rows of the linear problem (the probe's first). */
async function batchesSeen(opts: Parameters<typeof trainLoop>[1]): Promise<number[][]> {
  const { xs, ys } = makeProblem(10);
  const m = linearModel(xs, ys);
  const seen: number[][] = [];
  const batchLoss = (idx: tf.Tensor1D) => {
    seen.push(Array.from(idx.dataSync()));
    return m.batchLoss(idx);
  };
  await trainLoop({ owner: 'test', variables: m.variables, numExamples: 10, batchLoss }, opts);
  m.dispose();
  return seen;
}

async function read(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describeEachBackend(
  'trainLoop',
  () => {
    it('converges to the exact least-squares solution (full batch, Adam)', async () => {
      const { xs, ys } = makeProblem(64);
      const ref = ols(xs, ys);
      const m = linearModel(xs, ys);
      const res = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 64, batchLoss: m.batchLoss },
        { epochs: 600, batchSize: 1000, learningRate: 0.05, seed: 0, emaMomentum: 0 },
      );
      expect(res.history.loss).toHaveLength(600);
      expect(res.aborted).toBe(false);
      expect(res.stoppedEarly).toBe(false);
      await expectAllClose(m.w, [[ref[0]!], [ref[1]!]], { atol: 2e-3, rtol: 0 });
      await expectAllClose(m.b, ref[2]!, { atol: 2e-3, rtol: 0 });
      m.dispose();
    });

    it('reports the example-weighted epoch loss (uneven last batch) with a frozen optimizer', async () => {
      const { xs, ys } = makeProblem(64, 7);
      const m = linearModel(xs, ys);
      m.w.assign(tf.tensor2d([[0.3], [-0.2]]));
      // Plain JS float64 mean squared error at w = (0.3, -0.2), b = 0.
      const expected = xs.reduce((acc, x, i) => acc + (0.3 * x[0]! - 0.2 * x[1]! - ys[i]!) ** 2, 0) / 64;
      const sgd = tf.train.sgd(0);
      const res = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 64, batchLoss: m.batchLoss },
        { epochs: 2, batchSize: 10, optimizer: sgd, seed: 3 },
      );
      expect(res.history.loss[0]).toBeCloseTo(expected, 5);
      expect(res.history.loss[1]).toBeCloseTo(expected, 5);
      sgd.dispose();
      m.dispose();
    });

    it('minibatches converge too and visit every example once per epoch, reproducibly from seed', async () => {
      const { xs, ys } = makeProblem(50, 3);
      const ref = ols(xs, ys);
      const seen: number[][] = [];
      const runOnce = async (seed: number) => {
        const m = linearModel(xs, ys);
        const res = await trainLoop(
          {
            owner: 'test',
            variables: m.variables,
            numExamples: 50,
            batchLoss: (idx) => {
              seen.push(Array.from(idx.dataSync()));
              return m.batchLoss(idx);
            },
          },
          { epochs: 150, batchSize: 16, learningRate: 0.02, seed },
        );
        const w = await read(m.w);
        m.dispose();
        seen.splice(seen.length - res.history.loss.length * 4 - 1, 1); // the one-off scalar probe
        return { res, w };
      };
      const a = await runOnce(11);
      // Epoch 0: 4 batches (16, 16, 16, 2) that partition 0..49 in a shuffled order.
      expect(seen.slice(0, 4).map((b) => b.length)).toEqual([16, 16, 16, 2]);
      const epoch0 = seen.slice(0, 4).flat();
      expect([...epoch0].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(epoch0).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(seen.slice(4, 8).flat()).not.toEqual(epoch0);
      const firstRunBatches = seen.splice(0);
      const b = await runOnce(11);
      expect(b.res.history.loss).toEqual(a.res.history.loss);
      expect(seen).toEqual(firstRunBatches);
      seen.length = 0;
      const c = await runOnce(12);
      expect(seen.slice(0, 4).flat()).not.toEqual(epoch0);
      expect(c.res.history.loss).not.toEqual(a.res.history.loss);
      expect(a.w[0]).toBeCloseTo(ref[0]!, 1);
      expect(a.w[1]).toBeCloseTo(ref[1]!, 1);
      expect(a.res.history.loss.at(-1)!).toBeLessThan(a.res.history.loss[0]! / 20);
    });

    it('keeps the batch order with shuffle: false', async () => {
      const seen = await batchesSeen({ epochs: 2, batchSize: 4, shuffle: false });
      // The first call is the one-off probe (two rows) that checks the loss is a scalar.
      expect(seen).toEqual([[0, 1], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    });

    it('leaks no tensors over thousands of steps (and holds a constant count while running)', async () => {
      const { xs, ys } = makeProblem(40, 5);
      const m = linearModel(xs, ys);
      const counts: number[] = [];
      await expectNoLeaks(async () => {
        const res = await trainLoop(
          { owner: 'test', variables: m.variables, numExamples: 40, batchLoss: m.batchLoss, validationLoss: m.fullLoss },
          {
            epochs: 500,
            batchSize: 8, // 5 steps per epoch: 2500 steps
            learningRate: 0.01,
            patience: 1000,
            seed: 1,
            onEpochEnd: () => {
              counts.push(tf.memory().numTensors);
            },
          },
        );
        expect(res.history.loss).toHaveLength(500);
        expect(res.history.valLoss).toHaveLength(500);
      });
      // The count during the run is flat after the optimizer created its slots in epoch 0.
      expect(new Set(counts.slice(1)).size).toBe(1);
      m.dispose();
    });

    it('leaks nothing when it throws (NaN guard) and restores the epoch-start weights', async () => {
      const { xs, ys } = makeProblem(40, 5);
      const m = linearModel(xs, ys);
      let calls = 0;
      const stepsPerEpoch = 4; // 40 / 10
      let wAtEpoch2End: number[] = [];
      await expectNoLeaks(async () => {
        await expect(
          trainLoop(
            {
              owner: 'fit',
              variables: m.variables,
              numExamples: 40,
              batchLoss: (idx) => {
                const step = calls++ - 1; // call 0 is the one-off scalar probe
                // Epoch 3, step 2: the loss (and so the gradients and weights) turn NaN.
                if (step === 3 * stepsPerEpoch + 2) return tf.mul(m.batchLoss(idx), tf.scalar(NaN));
                return m.batchLoss(idx);
              },
            },
            {
              epochs: 10,
              batchSize: 10,
              learningRate: 0.01,
              seed: 0,
              onEpochEnd: async (epoch) => {
                if (epoch === 2) wAtEpoch2End = await read(m.w);
              },
            },
          ),
        ).rejects.toThrow(/fit: loss became NaN at epoch 3, step 2 /);
      });
      expect(calls).toBe(1 + 4 * stepsPerEpoch); // the rest of epoch 3 ran, no epoch 4
      await expectAllClose(m.w, [[wAtEpoch2End[0]!], [wAtEpoch2End[1]!]], { atol: 0, rtol: 0 });
      m.dispose();
    });

    it('stops early on the validation loss and restores the best weights', async () => {
      const { xs, ys } = makeProblem(32, 9);
      const m = linearModel(xs, ys);
      // Training drives w0 from 0 towards ~2; the validation loss (w0 - 1)^2 is best when w0
      // crosses 1 and worsens after, so early stopping must stop and rewind to that epoch.
      const w0At: number[] = [];
      const validationLoss = () => tf.square(tf.sub(tf.reshape(tf.slice(m.w, [0, 0], [1, 1]), []), 1)) as tf.Scalar;
      const res = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss, validationLoss },
        {
          epochs: 500,
          batchSize: 32,
          learningRate: 0.02,
          patience: 5,
          seed: 0,
          onEpochEnd: async () => {
            w0At.push((await read(m.w))[0]!);
          },
        },
      );
      expect(res.stoppedEarly).toBe(true);
      const valLoss = res.history.valLoss!;
      const best = valLoss.indexOf(Math.min(...valLoss));
      expect(res.bestEpoch).toBe(best);
      expect(valLoss).toHaveLength(best + 6); // best epoch + 5 epochs of patience
      expect(res.history.loss).toHaveLength(best + 6);
      expect(Math.abs(w0At[best]! - 1)).toBeLessThan(0.05);
      expect((await read(m.w))[0]).toBe(w0At[best]);
      expect(valLoss.at(-1)!).toBeGreaterThan(valLoss[best]!);
      m.dispose();
    });

    it('restores non-trainable state with the best weights', async () => {
      const { xs, ys } = makeProblem(32, 9);
      const m = linearModel(xs, ys);
      // A counter of visited epochs (like BatchNorm's running statistics): changed outside the
      // optimizer; early stopping must rewind it with the weights.
      const counter = tf.variable(tf.scalar(0), false);
      const validationLoss = () => tf.square(tf.sub(tf.reshape(tf.slice(m.w, [0, 0], [1, 1]), []), 1)) as tf.Scalar;
      const counts: number[] = [];
      const res = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss, validationLoss, state: [counter] },
        {
          epochs: 500, batchSize: 32, learningRate: 0.02, patience: 3, seed: 0,
          onEpochEnd: async () => {
            counter.assign(tf.add(counter, 1));
            counts.push((await counter.data())[0]!);
          },
        },
      );
      expect(res.stoppedEarly).toBe(true);
      // The snapshot of the best epoch is taken before its onEpochEnd ran.
      expect((await counter.data())[0]).toBe(res.bestEpoch);
      expect(counts.at(-1)).toBe(res.history.loss.length);
      await expect(
        trainLoop({ owner: 'test', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss, state: [1 as never] }, {}),
      ).rejects.toThrow(/test: state must be an array of live tf.Variable/);
      counter.dispose();
      m.dispose();
    });

    it('aborts between steps and resolves with the completed epochs', async () => {
      const { xs, ys } = makeProblem(40);
      const m = linearModel(xs, ys);
      // Abort from the epoch callback: epochs 0..2 complete.
      const c1 = new AbortController();
      const r1 = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 40, batchLoss: m.batchLoss },
        { epochs: 50, batchSize: 10, signal: c1.signal, onEpochEnd: (e) => (e === 2 ? c1.abort() : undefined) },
      );
      expect(r1.aborted).toBe(true);
      expect(r1.history.loss).toHaveLength(3);
      // Abort mid-epoch (step 6 = epoch 1, step 2): no further step runs, epoch 1 is dropped.
      const c2 = new AbortController();
      let steps = 0;
      await expectNoLeaks(async () => {
        const r2 = await trainLoop(
          {
            owner: 'test',
            variables: m.variables,
            numExamples: 40,
            batchLoss: (idx) => {
              if (++steps === 7) c2.abort(); // call 1 is the one-off probe
              return m.batchLoss(idx);
            },
          },
          { epochs: 50, batchSize: 10, signal: c2.signal },
        );
        expect(r2.aborted).toBe(true);
        expect(steps).toBe(7);
        expect(r2.history.loss).toHaveLength(1);
      });
      // Already aborted: nothing runs, not even the probe.
      let calls = 0;
      const r3 = await trainLoop(
        { owner: 'test', variables: m.variables, numExamples: 40, batchLoss: (idx) => (calls++, m.batchLoss(idx)) },
        { signal: AbortSignal.abort() },
      );
      expect(r3).toEqual({ history: { loss: [] }, stoppedEarly: false, aborted: true });
      expect(calls).toBe(0);
      m.dispose();
    });
  },
  { webgpu: false },
);

describe('trainLoop learning-rate schedule', () => {
  it('finalLearningRate decays the default Adam on a cosine over all planned steps', async () => {
    // loss = w has the constant gradient 1, so every Adam step moves w by lr_k / (1 + 1e-7)
    // (the bias-corrected moments are exactly 1 and 1): the step sizes are the schedule.
    await expectNoLeaks(async () => {
      const w = tf.tidy(() => tf.variable(tf.scalar(0)));
      const seen: number[] = [];
      const epochs = 3;
      const stepsPerEpoch = 4; // 10 examples in batches of 3, 3, 3, 1
      await trainLoop(
        {
          owner: 'test',
          variables: [w],
          numExamples: 10,
          batchLoss: () => {
            seen.push(w.dataSync()[0]!);
            return tf.mul(w, 1) as tf.Scalar;
          },
        },
        { epochs, batchSize: 3, learningRate: 0.1, finalLearningRate: 0.01, seed: 0, emaMomentum: 0 },
      );
      seen.push(w.dataSync()[0]!);
      w.dispose();
      const steps = seen.slice(1).map((v, k) => seen[k]! - v).slice(1); // drop the scalar probe
      const total = epochs * stepsPerEpoch;
      expect(steps.length).toBe(total);
      for (let k = 0; k < total; k++) {
        const lr = 0.01 + 0.045 * (1 + Math.cos((Math.PI * k) / (total - 1)));
        expect(steps[k]!).toBeCloseTo(lr, 5);
      }
    });
  });
});

describe('trainLoop warmup', () => {
  it('warmup ramps the default Adam linearly over that fraction of the planned steps', async () => {
    // loss = w: every Adam step moves w by lr_k / (1 + 1e-7), so the step sizes are the schedule.
    await expectNoLeaks(async () => {
      const w = tf.tidy(() => tf.variable(tf.scalar(0)));
      const seen: number[] = [];
      await trainLoop(
        {
          owner: 'test',
          variables: [w],
          numExamples: 10,
          batchLoss: () => {
            seen.push(w.dataSync()[0]!);
            return tf.mul(w, 1) as tf.Scalar;
          },
        },
        // 3 epochs x 4 steps; warmup 0.25: the first 3 steps at 1/3, 2/3 and 3/3 of 0.1.
        { epochs: 3, batchSize: 3, learningRate: 0.1, warmup: 0.25, seed: 0, emaMomentum: 0 },
      );
      seen.push(w.dataSync()[0]!);
      w.dispose();
      const steps = seen.slice(1).map((v, k) => seen[k]! - v).slice(1); // drop the scalar probe
      expect(steps.length).toBe(12);
      steps.forEach((s, k) => expect(s).toBeCloseTo(0.1 * Math.min(1, (k + 1) / 3), 5));
    });
  });

  it('refuses a warmup outside [0, 1), and one with a custom optimizer', () => {
    for (const bad of [1, -0.1, NaN, '0.1']) expect(() => resolveFitOptions('fit', { warmup: bad as never })).toThrow(/fit: warmup must be a fraction of the planned steps in \[0, 1\)/);
    const sgd = tf.train.sgd(0.1);
    expect(() => resolveFitOptions('fit', { warmup: 0.1, optimizer: sgd })).toThrow(/warmup schedules the default optimizer/);
    sgd.dispose();
  });
});

describe('trainLoop gradient clipping (clipNorm)', () => {
  // loss = 0.5 (w1^2 + w2^2) with w = (3, 4): the gradient is w itself, of norm |w|. Clipped to
  // norm c <= |w|, an SGD step of rate lr moves w along -w / |w| by exactly lr c, so after k
  // steps w = (3, 4) (5 - k lr c) / 5 while the norm stays above c.
  const run = async (opts: { clipNorm?: number }, steps: number): Promise<{ w: number[]; losses: number[] }> => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([3, 4])));
    const sgd = tf.train.sgd(0.1);
    const losses: number[] = [];
    try {
      await trainLoop(
        { owner: 'test', variables: [w], numExamples: 1, batchLoss: () => tf.mul(tf.sum(tf.square(w)), 0.5) as tf.Scalar },
        { epochs: steps, batchSize: 1, optimizer: sgd, seed: 0, emaMomentum: 0, ...opts, onEpochEnd: (_, logs) => void losses.push(logs.loss) },
      );
      return { w: Array.from(await w.data()), losses };
    } finally {
      sgd.dispose();
      w.dispose();
    }
  };

  it('scales the gradient to norm clipNorm before the step (hand computation)', async () => {
    await expectNoLeaks(async () => {
      const clipped = await run({ clipNorm: 1 }, 3);
      // Norms 5, 4.9, 4.8 before the steps: each step moves w by 0.1 along -w / |w|.
      await expectAllClose(clipped.w, [3 * (4.7 / 5), 4 * (4.7 / 5)], { atol: 1e-5 });
      await expectAllClose(clipped.losses, [12.5, 0.5 * 4.9 ** 2, 0.5 * 4.8 ** 2], { atol: 1e-4 });
    });
  });

  it('leaves a gradient whose norm is below clipNorm unchanged', async () => {
    await expectNoLeaks(async () => {
      // |g| = 5 <= 6: plain SGD, w <- 0.9 w per step.
      const loose = await run({ clipNorm: 6 }, 2);
      await expectAllClose(loose.w, [3 * 0.81, 4 * 0.81], { atol: 1e-5 });
      const plain = await run({}, 2);
      await expectAllClose(plain.w, [3 * 0.81, 4 * 0.81], { atol: 1e-5 });
    });
  });

  it('clips the global norm over all variables, not each one apart', async () => {
    await expectNoLeaks(async () => {
      // Two variables a = 3, b = 4 with loss 0.5 (a^2 + b^2): global norm 5; clipNorm 2.5 halves
      // both gradients, so one SGD step (0.1) gives a = 3 - 0.15, b = 4 - 0.2. Clipping each
      // gradient apart would give a = 3 - 0.25, b = 4 - 0.25.
      const a = tf.tidy(() => tf.variable(tf.scalar(3)));
      const b = tf.tidy(() => tf.variable(tf.scalar(4)));
      const sgd = tf.train.sgd(0.1);
      await trainLoop(
        { owner: 'test', variables: [a, b], numExamples: 1, batchLoss: () => tf.mul(tf.add(tf.square(a), tf.square(b)), 0.5) as tf.Scalar },
        { epochs: 1, batchSize: 1, optimizer: sgd, seed: 0, clipNorm: 2.5, emaMomentum: 0 },
      );
      await expectAllClose([(await a.data())[0]!, (await b.data())[0]!], [2.85, 3.8], { atol: 1e-6 });
      tf.dispose([a, b]);
      sgd.dispose();
    });
  });

  it('refuses a clipNorm that is not a finite number > 0', () => {
    for (const bad of [0, -1, NaN, Infinity, '1']) {
      expect(() => resolveFitOptions('fit', { clipNorm: bad as never })).toThrow(ArgumentError);
    }
    expect(() => resolveFitOptions('fit', { clipNorm: 0 })).toThrow('fit: clipNorm must be a finite number > 0 (leave it out for no clipping), received 0');
    expect(resolveFitOptions('fit', { clipNorm: 1e-3 }).clipNorm).toBe(1e-3);
  });
});

describe('trainLoop argument errors', () => {
  it('names the bad option', () => {
    expect(() => resolveFitOptions('fit', { epochs: 0 })).toThrow('fit: epochs must be a positive integer, received 0');
    expect(() => resolveFitOptions('fit', { batchSize: 2.5 })).toThrow(/fit: batchSize must be a positive integer, received 2.5/);
    expect(() => resolveFitOptions('fit', { learningRate: -1 })).toThrow(/learningRate must be a finite number > 0/);
    expect(() => resolveFitOptions('fit', { learningRate: NaN })).toThrow(/learningRate/);
    expect(() => resolveFitOptions('fit', { patience: -1 })).toThrow(/patience must be a non-negative integer/);
    expect(() => resolveFitOptions('fit', { seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => resolveFitOptions('fit', { shuffle: 'yes' as never })).toThrow(/shuffle must be a boolean/);
    expect(() => resolveFitOptions('fit', { onEpochEnd: 3 as never })).toThrow(/onEpochEnd must be a function/);
    expect(() => resolveFitOptions('fit', { signal: {} as never })).toThrow(/signal must be an AbortSignal/);
    expect(() => resolveFitOptions('fit', { optimizer: {} as never })).toThrow(/optimizer must be a tf.Optimizer/);
    expect(() => resolveFitOptions('fit', { finalLearningRate: 0 })).toThrow('fit: finalLearningRate must be a finite number > 0, received 0');
    const opt = tf.train.sgd(0.1);
    expect(() => resolveFitOptions('MDN.fit', { optimizer: opt, learningRate: 0.1 })).toThrow(
      /MDN.fit: give either learningRate or optimizer/,
    );
    expect(() => resolveFitOptions('fit', { optimizer: opt, finalLearningRate: 1e-4 })).toThrow(
      /fit: finalLearningRate schedules the default optimizer/,
    );
    opt.dispose();
  });

  it('rejects bad specs and non-scalar losses without leaking', async () => {
    const w = tf.variable(tf.zeros([2]));
    const ok = { owner: 'fit', variables: [w], numExamples: 4, batchLoss: () => tf.sum(w) as tf.Scalar };
    await expect(trainLoop({ ...ok, variables: [] }, {})).rejects.toThrow(/fit: variables must be a non-empty array/);
    await expect(trainLoop({ ...ok, numExamples: 0 }, {})).rejects.toThrow(/fit: the number of examples must be a positive integer/);
    await expectNoLeaks(async () => {
      await expect(trainLoop({ ...ok, batchLoss: () => tf.mul(w, 2) as never }, { epochs: 1 })).rejects.toThrow(
        /fit: the batch loss must be a scalar tensor, received a float32 tensor of shape \[2\]/,
      );
    });
    await expectNoLeaks(async () => {
      await expect(
        trainLoop({ ...ok, validationLoss: () => tf.scalar(NaN) }, { epochs: 3 }),
      ).rejects.toThrow(/fit: validation loss became NaN at epoch 0/);
    });
    w.dispose();
  });
});

describe('trainLoop keeps the best state', () => {
  const flat = async (vs: tf.Variable[]) => (await Promise.all(vs.map((v) => v.data()))).flatMap((d) => Array.from(d));

  it('stops a diverging run with a NumericalError and restores the starting weights and state', async () => {
    const { xs, ys } = makeProblem(64, 2);
    const m = linearModel(xs, ys);
    m.w.assign(tf.tensor2d([[0.5], [0.25]]));
    const stat = tf.variable(tf.scalar(7), false);
    const start = await flat([m.w, m.b, stat]);
    let err: unknown;
    await expectNoLeaks(async () => {
      try {
        // SGD with a step far beyond 2 / curvature: the loss grows geometrically but stays finite.
        const sgd = tf.train.sgd(50);
        await trainLoop(
          {
            owner: 'fit',
            variables: m.variables,
            numExamples: 64,
            state: [stat],
            minBatchSize: 1,
            batchLoss: (idx) => {
              stat.assign(tf.add(stat, 1));
              return m.batchLoss(idx);
            },
          },
          { epochs: 50, batchSize: 16, optimizer: sgd, seed: 0, divergenceFactor: 100 },
        ).finally(() => sgd.dispose());
      } catch (e) {
        err = e;
      }
    });
    expect(err).toBeInstanceOf(NumericalError);
    const e = err as NumericalError;
    expect(e.message).toMatch(/fit: training diverged at epoch 0: .*restored to their values before training/);
    expect(e.epoch).toBe(0);
    expect(e.restoredEpoch).toBe(-1);
    expect(e.loss!).toBeGreaterThan(100);
    expect(await flat([m.w, m.b, stat])).toEqual(start);
    stat.dispose();
    m.dispose();
  });

  it('restores the best epoch, not the last, when the loss diverges later', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    let epochsDone = 0;
    const lr = tf.variable(tf.scalar(0.05));
    const atEnd: number[][] = [];
    const sgdLike = tf.train.sgd(0.05);
    let err: unknown;
    try {
      await trainLoop(
        { owner: 'fit', variables: m.variables, numExamples: 32, batchLoss: (idx) => tf.mul(m.batchLoss(idx), tf.scalar(epochsDone >= 3 ? 1e6 : 1)) as tf.Scalar },
        {
          epochs: 20, batchSize: 32, optimizer: sgdLike, seed: 1,
          onEpochEnd: async () => {
            epochsDone++;
            atEnd.push(await flat(m.variables));
          },
        },
      );
    } catch (e) {
      err = e;
    }
    sgdLike.dispose();
    lr.dispose();
    expect(err).toBeInstanceOf(NumericalError);
    expect((err as NumericalError).epoch).toBe(3);
    expect((err as NumericalError).restoredEpoch).toBe(2);
    expect(await flat(m.variables)).toEqual(atEnd[2]);
    m.dispose();
  });

  it('names the epoch it restored (epoch 0 included) and leaves a custom optimizer its own learning rate', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    let epochsDone = 0;
    const adam = tf.train.adam(0.05);
    const err = await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 32, batchLoss: (idx) => tf.mul(m.batchLoss(idx), tf.scalar(epochsDone >= 1 ? 1e6 : 1)) as tf.Scalar },
      { epochs: 5, batchSize: 32, optimizer: adam, seed: 1, onEpochEnd: () => void epochsDone++ },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NumericalError);
    expect((err as NumericalError).restoredEpoch).toBe(0);
    expect((err as Error).message).toMatch(/\. The variables were restored to those of epoch 0 \(monitored loss [\d.e-]+\)\. Try a lower learningRate/);
    expect(adam.getConfig().learningRate).toBe(0.05);
    adam.dispose();
    m.dispose();
  });

  it('rolls back when the validation loss fails', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    const start = await flat(m.variables);
    const err = await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss, validationLoss: () => tf.scalar(NaN) },
      { epochs: 3, learningRate: 0.1 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NumericalError);
    expect((err as NumericalError).restoredEpoch).toBe(-1);
    expect(await flat(m.variables)).toEqual(start);
    m.dispose();
  });

  it('merges a last batch too small for batch statistics into the one before', async () => {
    const { xs, ys } = makeProblem(257, 4);
    const m = linearModel(xs, ys);
    const stat = tf.variable(tf.scalar(0), false);
    const sizes: number[] = [];
    await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 257, batchLoss: m.batchLoss, state: [stat] },
      { epochs: 2, batchSize: 128, onBatchEnd: (l) => void sizes.push(l.size) },
    );
    expect(sizes).toEqual([128, 129, 128, 129]);
    sizes.length = 0;
    await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 257, batchLoss: m.batchLoss },
      { epochs: 1, batchSize: 128, onBatchEnd: (l) => void sizes.push(l.size) },
    );
    expect(sizes).toEqual([128, 128, 1]);
    stat.dispose();
    m.dispose();
  });

  it('refuses a second concurrent run on the same variables, and the first one is unharmed', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    const spec = { owner: 'fit', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss };
    const first = trainLoop(spec, { epochs: 5, learningRate: 0.01 });
    await expect(trainLoop(spec, { epochs: 5 })).rejects.toThrow(StateError);
    await expect(trainLoop(spec, { epochs: 5 })).rejects.toThrow(/fit: the model is already training/);
    const res = await first;
    expect(res.history.loss).toHaveLength(5);
    await trainLoop(spec, { epochs: 1 }); // free again
    m.dispose();
  });

  it('stops with a StateError when an input is disposed mid-training, restored, leaking nothing', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    const kept = tf.ones([2]);
    const extra = tf.ones([32]);
    let err: unknown;
    await expectNoLeaks(async () => {
      err = await trainLoop(
        { owner: 'fit', variables: m.variables, numExamples: 32, batchLoss: m.batchLoss, inputs: [kept, extra] },
        { epochs: 10, batchSize: 8, learningRate: 0.01, onBatchEnd: ({ epoch, step }) => (epoch === 1 && step === 1 ? extra.dispose() : undefined) },
      ).catch((e: unknown) => e);
    }, { expectedNew: -1 }); // the disposed input
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/^fit: an input tensor \(inputs\[1\]\) was disposed during training, before epoch 1, step 2\. The variables were restored to those of epoch 0 /);
    kept.dispose();
    m.dispose();
  });

  it('wraps a raw error thrown inside a step, frees what tfjs kept for the gradient, and restores', async () => {
    const { xs, ys } = makeProblem(32, 4);
    const m = linearModel(xs, ys);
    const start = await flat(m.variables);
    let calls = 0;
    let err: unknown;
    await expectNoLeaks(async () => {
      err = await trainLoop(
        {
          owner: 'fit',
          variables: m.variables,
          numExamples: 32,
          batchLoss: (idx) => {
            const loss = m.batchLoss(idx);
            if (++calls === 3) throw new Error('boom');
            return loss;
          },
        },
        { epochs: 3, batchSize: 16, learningRate: 0.01, divergenceFactor: Infinity },
      ).catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/fit: training stopped by an error in a step: boom\. The variables were restored to their values before training/);
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(await flat(m.variables)).toEqual(start);
    m.dispose();
  });

  it('wraps a raw error of the probe (the first forward pass), but passes a callback\'s own error through', async () => {
    const { xs, ys } = makeProblem(16, 4);
    const m = linearModel(xs, ys);
    const probeError = await trainLoop(
      {
        owner: 'fit',
        variables: m.variables,
        numExamples: 16,
        batchLoss: () => {
          throw new Error('bad forward pass');
        },
      },
      { epochs: 2 },
    ).catch((e: unknown) => e);
    expect(probeError).toBeInstanceOf(StateError);
    expect((probeError as Error).message).toBe(
      'fit: training stopped by an error in a step: bad forward pass. The variables were restored to their values before training.',
    );
    const own = new Error('stop here');
    const callbackError = await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 16, batchLoss: m.batchLoss },
      {
        epochs: 2,
        onEpochEnd: () => {
          throw own;
        },
      },
    ).catch((e: unknown) => e);
    expect(callbackError).toBe(own);
    m.dispose();
  });

  it('puts the state back after the probe, so the first step starts from the initial state', async () => {
    const { xs, ys } = makeProblem(16, 4);
    const m = linearModel(xs, ys);
    // A statistic every forward pass updates, as BatchNorm's running mean, after another one.
    const other = tf.variable(tf.scalar(-3), false);
    const calls = tf.variable(tf.scalar(5), false);
    const seen: number[] = [];
    await trainLoop(
      {
        owner: 'fit',
        variables: m.variables,
        state: [other, calls],
        numExamples: 16,
        batchLoss: (idx) => {
          seen.push(calls.dataSync()[0]!);
          calls.assign(tf.add(calls, 1));
          return m.batchLoss(idx);
        },
      },
      { epochs: 2, batchSize: 16, learningRate: 0.01 },
    );
    // The probe, then one full-batch step per epoch.
    expect(seen).toEqual([5, 5, 6]);
    expect((await other.data())[0]).toBe(-3);
    tf.dispose([other, calls]);
    m.dispose();
  });

  it('calls onBatchEnd after every step with its position and loss', async () => {
    const { xs, ys } = makeProblem(20, 4);
    const m = linearModel(xs, ys);
    const seen: string[] = [];
    let yielded = 0;
    await trainLoop(
      { owner: 'fit', variables: m.variables, numExamples: 20, batchLoss: m.batchLoss },
      {
        epochs: 2, batchSize: 8, yieldEvery: 0,
        onBatchEnd: async ({ epoch, step, stepsPerEpoch, size, loss }) => {
          expect(loss.rank).toBe(0);
          seen.push(`${epoch}.${step}/${stepsPerEpoch}:${size}`);
          yielded++;
        },
      },
    );
    expect(seen).toEqual(['0.0/3:8', '0.1/3:8', '0.2/3:4', '1.0/3:8', '1.1/3:8', '1.2/3:4']);
    expect(yielded).toBe(6);
    m.dispose();
  });
});

describe('trainLoop refuses before changing anything', () => {
  it('refuses unknown and tfjs-style option keys with a suggestion', () => {
    expect(() => resolveFitOptions('fit', { epoch: 1 } as never)).toThrow(/fit: unknown option "epoch" in options \(did you mean "epochs"\?\)/);
    expect(() => resolveFitOptions('fit', { batchsize: 1 } as never)).toThrow(/did you mean "batchSize"/);
    expect(resolveFitOptions('fit', { verbose: 1 }).verbose).toBe(1);
    expect(() => resolveFitOptions('fit', { verbose: 3 } as never)).toThrow(/verbose must be 0 \(silent\), 1 .* or 2/);
    expect(() => resolveFitOptions('fit', { verbose: true } as never)).toThrow(ArgumentError);
    expect(() => resolveFitOptions('fit', { callbacks: {} } as never)).toThrow(/pass onEpochEnd and onBatchEnd directly/);
    expect(() => resolveFitOptions('fit', { validationSplit: 0.1 } as never)).toThrow(/validationData/);
    expect(() => resolveFitOptions('fit', { context: 1 } as never, ['context'])).not.toThrow();
    expect(() => resolveFitOptions('fit', { seed: NaN })).toThrow(ArgumentError);
    expect(resolveFitOptions('fit', { seed: 0 }).seed).toBe(0);
    expect(() => resolveFitOptions('fit', { yieldEvery: 'often' as never })).toThrow(/yieldEvery must be a number of milliseconds/);
    expect(() => resolveFitOptions('fit', { divergenceFactor: 0 })).toThrow(/divergenceFactor must be a number > 0/);
  });

  it('leaves variables and state untouched when it refuses a call', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const s = tf.variable(tf.scalar(3), false);
    const loss = () => {
      s.assign(tf.add(s, 1));
      return tf.sum(tf.square(w)) as tf.Scalar;
    };
    const bad: [Parameters<typeof trainLoop>[0], Parameters<typeof trainLoop>[1]][] = [
      [{ owner: 'fit', variables: [w], state: [s], numExamples: 4, batchLoss: loss }, { epochs: 0 }],
      [{ owner: 'fit', variables: [w], state: [s], numExamples: 4, batchLoss: loss }, { epoch: 3 } as never],
      [{ owner: 'fit', variables: [w], state: [s], numExamples: 4, batchLoss: () => tf.mul(w, 1) as never }, { epochs: 2 }],
      [{ owner: 'fit', variables: [w], state: [s], numExamples: 4, batchLoss: loss, inputs: [1 as never] }, {}],
    ];
    for (const [spec, opts] of bad) {
      await expectNoLeaks(async () => {
        await expect(trainLoop(spec, opts)).rejects.toThrow(ArgumentError);
      });
      expect(Array.from(await w.data())).toEqual([1, 2]);
      expect((await s.data())[0]).toBe(3);
    }
    tf.dispose([w, s]);
  });
});

describe('trainLoop shuffling', () => {
  it('shuffles by Fisher-Yates on the mulberry32 stream of the seed, each epoch from the last epoch\'s order', async () => {
    const seen = await batchesSeen({ epochs: 3, batchSize: 4, seed: 7 });
    // The reference: Durstenfeld's loop, i from n - 1 down to 1, j uniform in 0..i.
    const random = mulberry32(7);
    const order = Array.from({ length: 10 }, (_, i) => i);
    const expected: number[][] = [[0, 1]]; // the probe, before any shuffle
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      expected.push(order.slice(0, 4), order.slice(4, 8), order.slice(8));
    }
    expect(seen).toEqual(expected);
  });

  it('reshuffles by a uniform permutation each epoch (chi-squared over the 24 of 4 examples, false-alarm rate 1e-6)', async () => {
    const { xs, ys } = makeProblem(4);
    const m = linearModel(xs, ys);
    const orders: number[] = [];
    let current: number[] = [];
    // The order is reshuffled in place from the previous epoch's, so the orders themselves tend
    // to uniform even under a biased shuffle: test the permutation applied in each epoch,
    // new[i] = previous[pi(i)].
    let previous: number[] | undefined;
    const epochs = 2400;
    await trainLoop(
      {
        owner: 'test',
        variables: m.variables,
        numExamples: 4,
        batchLoss: (idx) => {
          current = Array.from(idx.dataSync());
          return m.batchLoss(idx);
        },
      },
      {
        epochs,
        batchSize: 4,
        learningRate: 1e-4,
        seed: 3,
        onEpochEnd: () => {
          if (previous) {
            const pi = current.map((v) => previous!.indexOf(v));
            // pi as a number in 0..23 (Lehmer code).
            const rest = [0, 1, 2, 3];
            let code = 0;
            for (const v of pi) {
              const k = rest.indexOf(v);
              code = code * rest.length + k;
              rest.splice(k, 1);
            }
            orders.push(code);
          }
          previous = current;
        },
      },
    );
    m.dispose();
    expect(orders).toHaveLength(epochs - 1);
    const r = chiSquaredTest(orders, (k) => (k >= 0 && k < 24 ? 1 / 24 : 0), 1e-6);
    expect(r.degreesOfFreedom).toBe(23);
    expect(r.statistic, `chi-squared of the per-epoch permutations (critical ${r.critical.toFixed(1)})`).toBeLessThan(r.critical);
  });
});
