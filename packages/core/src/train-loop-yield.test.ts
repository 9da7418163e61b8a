import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { StateError } from './errors.js';
import { trainLoop, type FitOptions } from './train-loop.js';

// How trainLoop hands control back to the event loop (setImmediate in Node, a MessageChannel
// message in browsers and workers, setTimeout where there is neither) and when ('auto' is
// once per epoch in Node, a 50 ms budget in a browser or worker).

/** A four-row problem: the mean squared distance of w to the rows `idx`. */
function problem() {
  const rows = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
  const w = tf.variable(tf.zeros([2]));
  const batchLoss = (idx: tf.Tensor1D) => tf.mean(tf.sum(tf.square(tf.sub(tf.gather(rows, idx), w)), 1)) as tf.Scalar;
  return { w, batchLoss, dispose: () => tf.dispose([rows, w]) };
}

async function train(opts: FitOptions, withValidation = false): Promise<void> {
  const p = problem();
  try {
    await trainLoop(
      {
        owner: 'test',
        variables: [p.w],
        numExamples: 4,
        batchLoss: p.batchLoss,
        ...(withValidation ? { validationLoss: () => tf.sum(p.w) as tf.Scalar } : {}),
      },
      { learningRate: 0.01, seed: 1, ...opts },
    );
  } finally {
    p.dispose();
  }
}

type Globals = Record<string, unknown>;
const g = globalThis as Globals;
const saved = new Map<string, PropertyDescriptor | undefined>();

/** Replaces a global for one test (restored after it). */
function stubGlobal(name: string, value: unknown): void {
  if (!saved.has(name)) saved.set(name, Object.getOwnPropertyDescriptor(g, name));
  Object.defineProperty(g, name, { value, configurable: true, writable: true });
}

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(g, name, descriptor);
    else delete g[name];
  }
  saved.clear();
});

/** Counts the calls of the global setImmediate (still scheduling them). */
function countSetImmediate(): { calls: number } {
  const counter = { calls: 0 };
  const original = g.setImmediate as (cb: () => void) => unknown;
  stubGlobal('setImmediate', (cb: () => void) => {
    counter.calls++;
    return original(cb);
  });
  return counter;
}

describe('trainLoop yields to the event loop', () => {
  it('lets other tasks run between epochs (a task that reschedules itself runs between every two epochs)', async () => {
    let ticks = 0;
    const seen: number[] = [];
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await train({ epochs: 4, batchSize: 4, onEpochEnd: () => void seen.push(ticks) });
    ticking = false;
    // Each epoch's end awaits a yield, so the ticker advances between every two epochs.
    expect(seen).toHaveLength(4);
    for (let k = 1; k < 4; k++) expect(seen[k]!).toBeGreaterThan(seen[k - 1]!);
  });

  it("'auto' in Node yields once per epoch, through setImmediate", async () => {
    const counter = countSetImmediate();
    await train({ epochs: 3, batchSize: 2 });
    expect(counter.calls).toBe(3);
  });

  it("'auto' in a browser page or a worker keeps a 50 ms budget: it also yields before the probe, the first step and each validation", async () => {
    for (const [name, value] of [
      ['document', {}],
      ['importScripts', () => undefined],
    ] as const) {
      stubGlobal(name, value);
      const counter = countSetImmediate();
      // 2 epochs of 4 fast steps: the probe, the first step, then per epoch the validation (after
      // its last step) and its end.
      await train({ epochs: 2, batchSize: 1 }, true);
      expect(counter.calls, name).toBe(2 + 2 * 2);
      delete g[name];
    }
  });

  it('a budget of 0 ms yields after every step; a budget longer than the run only per epoch and around the probe; \'epoch\' once per epoch, validation or not', async () => {
    let counter = countSetImmediate();
    await train({ epochs: 2, batchSize: 2, yieldEvery: 0 });
    // Probe and first step, 2 x 2 steps, 2 epoch ends.
    expect(counter.calls).toBe(2 + 4 + 2);
    counter = countSetImmediate();
    await train({ epochs: 2, batchSize: 2, yieldEvery: 60_000 });
    expect(counter.calls).toBe(2 + 2);
    counter = countSetImmediate();
    await train({ epochs: 2, batchSize: 2, yieldEvery: 'epoch' }, true);
    expect(counter.calls).toBe(2);
  });

  it('without setImmediate it posts a MessageChannel message; without either it uses setTimeout', async () => {
    const RealChannel = g.MessageChannel as typeof MessageChannel;
    let channels = 0;
    stubGlobal('setImmediate', undefined);
    stubGlobal(
      'MessageChannel',
      class extends RealChannel {
        constructor() {
          super();
          channels++;
        }
      },
    );
    await train({ epochs: 3, batchSize: 4 });
    expect(channels).toBe(3);
    stubGlobal('MessageChannel', undefined);
    let timeouts = 0;
    const realSetTimeout = g.setTimeout as (cb: () => void, ms?: number) => unknown;
    stubGlobal('setTimeout', (cb: () => void, ms?: number) => {
      timeouts++;
      return realSetTimeout(cb, ms);
    });
    await train({ epochs: 3, batchSize: 4 });
    expect(timeouts).toBe(3);
  });
});

describe('trainLoop after an error outside the gradient tape', () => {
  it('an optimizer that fails after the gradients are computed is wrapped with its own message, leaking nothing', async () => {
    class FailingOptimizer extends tf.SGDOptimizer {
      override applyGradients(): void {
        throw new Error('cannot apply');
      }
    }
    const optimizer = new FailingOptimizer(0.1);
    const p = problem();
    const before = tf.memory().numTensors;
    const err = await trainLoop({ owner: 'fit', variables: [p.w], numExamples: 4, batchLoss: p.batchLoss }, { epochs: 1, optimizer }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toBe('fit: training stopped by an error in a step: cannot apply. The variables were restored to their values before training.');
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(await p.w.data())).toEqual([0, 0]);
    optimizer.dispose();
    p.dispose();
  });
});
