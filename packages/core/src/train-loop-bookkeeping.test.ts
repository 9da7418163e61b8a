import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@densityjs/testing';
import { NumericalError } from './errors.js';
import { trainLoop, type FitOptions, type FitResult } from './train-loop.js';

// The loop's bookkeeping on scripted losses: each step's loss is read from a script (the
// weights do not change it), so the divergence threshold, the step numbers in errors, early
// stopping on plateaus and the callbacks' arguments can be checked exactly.

/**
 * Runs trainLoop on `numExamples` rows in batches of `batchSize` (no shuffling) whose k-th step
 * (0-based, over the whole run) has loss `script(k)`; the one-off probe before the first step
 * gets 0. Resolves to the result or the error, with the weights' variable disposed.
 */
async function scripted(
  script: (step: number) => number,
  opts: FitOptions & { numExamples?: number; validation?: (epoch: number) => number },
): Promise<FitResult | Error> {
  const { numExamples = 2, validation, ...loopOpts } = opts;
  const w = tf.tidy(() => tf.variable(tf.zeros([1])));
  let calls = 0;
  let epochsDone = 0;
  const batchLoss = (): tf.Scalar => {
    const k = calls++ - 1;
    return tf.add(tf.mul(tf.sum(w), 0), k < 0 ? 0 : script(k)) as tf.Scalar;
  };
  try {
    return await trainLoop(
      {
        owner: 'fit',
        variables: [w],
        numExamples,
        batchLoss,
        ...(validation ? { validationLoss: () => tf.scalar(validation(epochsDone++)) } : {}),
      },
      { batchSize: 1, shuffle: false, learningRate: 0.01, seed: 1, ...loopOpts },
    );
  } catch (e) {
    return e as Error;
  } finally {
    w.dispose();
  }
}

describe('trainLoop divergence guard', () => {
  it('trips when an epoch mean passes B + divergenceFactor (1 + |B|), B the best loss so far, naming the first step above it', async () => {
    // Two steps per epoch, factor 2. Epoch 0: [1, 1], B = 1, threshold 5. Epoch 1: [0.5, 9.5]
    // has mean 5, not above (a step below B inside an epoch does not lower B). Epoch 2:
    // [5.2, 5.3] has mean 5.25: diverged, its first step above 5 is step 0.
    const losses = [1, 1, 0.5, 9.5, 5.2, 5.3, 1, 1];
    const error = await scripted((k) => losses[k]!, { epochs: 4, divergenceFactor: 2 });
    expect(error).toBeInstanceOf(NumericalError);
    const e = error as NumericalError;
    expect([e.epoch, e.step, e.restoredEpoch, e.restoredLoss]).toEqual([2, 0, 0, 1]);
    expect(e.loss).toBeCloseTo(5.25, 6);
    // Epoch 2 as [5, 5.2]: the first step above 5 is step 1.
    const later = (await scripted((k) => [1, 1, 0.5, 9.5, 5, 5.2][k]!, { epochs: 3, divergenceFactor: 2 })) as NumericalError;
    expect([later.epoch, later.step]).toEqual([2, 1]);
    expect(e.message).toBe(
      `fit: training diverged at epoch 2: its mean loss ${e.loss} is far above the best 1 (more than divergenceFactor 2 x (1 + |best|)). ` +
        'The variables were restored to those of epoch 0 (monitored loss 1). Try a lower learningRate or standardized data.',
    );
  });

  it('takes the first step of the run as the best loss before any epoch ends', async () => {
    // The first step's 1 sets B (threshold 5); the second step's 8 is above it, but only an
    // epoch's mean counts: epoch 0's 4.5 passes.
    const ok = await scripted((k) => [1, 8, 1, 1][k]!, { epochs: 2, divergenceFactor: 2 });
    expect((ok as FitResult).history.loss).toEqual([4.5, 1]);
    // Only the first step counts: epoch 0 [5, 1] leaves B = min(5, mean 3) = 3 (threshold 11),
    // and epoch 1's 8.5 passes.
    const first = await scripted((k) => [5, 1, 8.5, 8.5][k]!, { epochs: 2, divergenceFactor: 2 });
    expect((first as FitResult).history.loss).toEqual([3, 8.5]);
    // Epoch 0 [1, 10] has mean 5.5 > 5: diverged at once, restored to the starting values.
    const error = (await scripted((k) => [1, 10][k]!, { epochs: 2, divergenceFactor: 2 })) as NumericalError;
    expect([error.epoch, error.step, error.restoredEpoch]).toEqual([0, 1, -1]);
  });

  it('numbers steps across the reads of long epochs (every 256 steps) and after an empty read at the epoch end', async () => {
    // 512 steps per epoch: the pending losses are read at steps 255 and 511, the epoch's end
    // finds none left. A NaN at step 300 of epoch 1 is named as such.
    await expectNoLeaks(async () => {
      const error = (await scripted((k) => (k === 512 + 300 ? NaN : 1), { epochs: 3, numExamples: 512 })) as NumericalError;
      expect(error).toBeInstanceOf(NumericalError);
      expect([error.epoch, error.step, error.restoredEpoch]).toEqual([1, 300, 0]);
      expect(error.message).toBe(
        'fit: loss became NaN at epoch 1, step 300 (counting from 0; 512 steps per epoch). The variables were restored to those of epoch 0 (monitored loss 1). ' +
          'Try a lower learningRate, standardized data or a larger batchSize.',
      );
    });
  });

  it('names the epoch and the last step when the validation loss is not finite', async () => {
    const error = (await scripted(() => 1, { epochs: 3, numExamples: 3, validation: (epoch) => (epoch === 1 ? Infinity : 2) })) as NumericalError;
    expect([error.epoch, error.step, error.restoredEpoch, error.restoredLoss]).toEqual([1, 2, 0, 2]);
    expect(error.message).toBe(
      'fit: validation loss became +Infinity at epoch 1 while the training loss is 1; check the validation data (NaN, or values far outside the training data). ' +
        'The variables were restored to those of epoch 0 (monitored loss 2).',
    );
  });
});

describe('trainLoop early stopping', () => {
  it('a plateau is no improvement: patience p stops after max(p, 1) epochs without one (as Keras)', async () => {
    const flat = () => 2;
    for (const patience of [0, 1]) {
      const res = (await scripted(flat, { epochs: 5, patience })) as FitResult;
      expect(res).toStrictEqual({ history: { loss: [2, 2] }, stoppedEarly: true, aborted: false, bestEpoch: 0 });
    }
    const two = (await scripted(flat, { epochs: 5, patience: 2 })) as FitResult;
    expect([two.history.loss, two.stoppedEarly]).toEqual([[2, 2, 2], true]);
    // Stopping at the planned last epoch is not stopping early.
    const last = (await scripted(flat, { epochs: 3, patience: 2 })) as FitResult;
    expect([last.history.loss.length, last.stoppedEarly, last.bestEpoch]).toEqual([3, false, 0]);
  });

  it('without patience every epoch runs, however the loss moves, and no best epoch is reported', async () => {
    const losses = [3, 3, 2, 2, 4, 4, 4, 4];
    const res = (await scripted((k) => losses[k]!, { epochs: 4 })) as FitResult;
    expect(res).toStrictEqual({ history: { loss: [3, 2, 4, 4] }, stoppedEarly: false, aborted: false });
    // With validation data the best epoch is reported (by the validation loss), patience or not.
    const validated = (await scripted(() => 1, { epochs: 3, validation: (epoch) => [5, 3, 4][epoch]! })) as FitResult;
    expect(validated.bestEpoch).toBe(1);
    expect(validated.history.valLoss).toEqual([5, 3, 4]);
  });

  it('with patience and no validation data, monitors the training loss and reports its best epoch', async () => {
    const losses = [3, 3, 1, 1, 2, 2, 2, 2, 2, 2];
    const res = (await scripted((k) => losses[k]!, { epochs: 5, patience: 2 })) as FitResult;
    expect(res).toStrictEqual({ history: { loss: [3, 1, 2, 2] }, stoppedEarly: true, aborted: false, bestEpoch: 1 });
  });
});

describe('trainLoop final weights', () => {
  /** Runs 3 epochs whose monitored losses are `losses`, setting w to the epoch number after each. */
  async function finalWeight(losses: number[], opts: FitOptions): Promise<number> {
    const w = tf.tidy(() => tf.variable(tf.scalar(-1)));
    const sgd = tf.train.sgd(0);
    let epoch = 0;
    let calls = 0;
    try {
      await trainLoop(
        {
          owner: 'fit',
          variables: [w],
          numExamples: 1,
          batchLoss: () => tf.add(tf.mul(w, 0), calls++ === 0 ? 0 : losses[epoch]!) as tf.Scalar,
        },
        { epochs: losses.length, optimizer: sgd, seed: 1, onEpochEnd: () => void w.assign(tf.scalar(epoch++)), ...opts },
      );
      return (await w.data())[0]!;
    } finally {
      w.dispose();
      sgd.dispose();
    }
  }

  it('keep the last epoch without patience; with patience, the best epoch (the weights it ended with)', async () => {
    // Epoch 1 is the best; the weights an epoch ends with are those before its onEpochEnd.
    expect(await finalWeight([2, 1, 3], {})).toBe(2);
    expect(await finalWeight([2, 1, 3], { patience: 5 })).toBe(0);
    // Aborted before any epoch ended: nothing to restore, the weights stay as they are.
    const controller = new AbortController();
    const w = tf.tidy(() => tf.variable(tf.scalar(0)));
    await trainLoop(
      { owner: 'fit', variables: [w], numExamples: 4, batchLoss: () => tf.square(tf.sub(w, 1)) as tf.Scalar },
      { epochs: 3, batchSize: 1, learningRate: 0.1, patience: 2, signal: controller.signal, onBatchEnd: ({ step }) => (step === 1 ? controller.abort() : undefined) },
    );
    expect((await w.data())[0]).toBeGreaterThan(0.05);
    w.dispose();
  });
});

describe('trainLoop callbacks', () => {
  it('onEpochEnd gets { loss } without validation data and { loss, valLoss } with it', async () => {
    const plain: unknown[] = [];
    await scripted(() => 1.5, { epochs: 2, onEpochEnd: (epoch, logs) => void plain.push([epoch, logs]) });
    expect(plain).toStrictEqual([
      [0, { loss: 1.5 }],
      [1, { loss: 1.5 }],
    ]);
    const validated: unknown[] = [];
    await scripted(() => 1.5, { epochs: 2, validation: () => 0.25, onEpochEnd: (epoch, logs) => void validated.push([epoch, logs]) });
    expect(validated).toStrictEqual([
      [0, { loss: 1.5, valLoss: 0.25 }],
      [1, { loss: 1.5, valLoss: 0.25 }],
    ]);
  });

  it('awaits a promise onBatchEnd returns before the next step', async () => {
    const events: string[] = [];
    const w = tf.variable(tf.zeros([1]));
    await trainLoop(
      {
        owner: 'fit',
        variables: [w],
        numExamples: 3,
        batchLoss: () => {
          events.push('step');
          return tf.sum(tf.square(w)) as tf.Scalar;
        },
      },
      {
        epochs: 1,
        batchSize: 1,
        onBatchEnd: async ({ step }) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          events.push(`callback ${step}`);
        },
      },
    );
    w.dispose();
    // The probe, then each step followed by its callback.
    expect(events).toEqual(['step', 'step', 'callback 0', 'step', 'callback 1', 'step', 'callback 2']);
  });

  it('full batch without shuffling reuses one index tensor over the run, freed at the end', async () => {
    const seen: number[][] = [];
    const w = tf.variable(tf.zeros([1]));
    await expectNoLeaks(async () => {
      await trainLoop(
        {
          owner: 'fit',
          variables: [w],
          numExamples: 3,
          batchLoss: (idx) => {
            seen.push(Array.from(idx.dataSync()));
            return tf.sum(tf.square(w)) as tf.Scalar;
          },
        },
        { epochs: 3, batchSize: 8, shuffle: false },
      );
    });
    w.dispose();
    expect(seen).toEqual([[0, 1], [0, 1, 2], [0, 1, 2], [0, 1, 2]]);
  });
});
