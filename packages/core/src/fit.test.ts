import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { argumentErrorOfAsync, describeEachBackend, expectAllClose, expectGradientsMatchFiniteDifferences, expectNoLeaks } from '@densityjs/testing';
import { StateError } from './errors.js';
import { FIT_DEFAULTS, fit, negativeMean } from './fit.js';
import { mulberry32 } from './mulberry32.js';
import type { TrainableDensity, TrainingData, TrainingObjective } from './trainable-density.js';

describeEachBackend('negativeMean (the custom-gradient loss of fit)', () => {
  it('is -mean(v), and its gradient -dy / n equals central finite differences', async () => {
    const v = tf.tensor1d([0.3, -1.2, 2.5, 4, -0.7]);
    const loss = negativeMean(v);
    await expectAllClose(loss, -(0.3 - 1.2 + 2.5 + 4 - 0.7) / 5, { atol: 1e-6, rtol: 1e-6 });
    loss.dispose();
    // Through a nonlinearity, so the upstream gradient dy is not 1.
    await expectGradientsMatchFiniteDifferences((x) => tf.square(negativeMean(tf.sin(x))), [v], { label: 'negativeMean', directions: 3 });
    v.dispose();
  });
});

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The smallest trainable density: a diagonal Gaussian N(loc + context W, diag(exp(logScale))^2).
 * It records the `training` flag each logProb call sees.
 */
class DiagonalGaussian implements TrainableDensity {
  readonly loc: tf.Variable;
  readonly logScale: tf.Variable;
  readonly weights: tf.Variable | undefined;
  readonly eventShape: number[];
  contextSize: number | undefined;
  training?: boolean;
  readonly modes: (boolean | undefined)[] = [];

  constructor(eventSize: number, opts: { contextSize?: number; training?: boolean; loc?: number[]; logScale?: number[] } = {}) {
    this.eventShape = [eventSize];
    this.contextSize = opts.contextSize ?? 0;
    // tf.variable keeps its initial tensor alive: tidy frees it (variables survive a tidy).
    this.loc = tf.tidy(() => tf.variable(tf.tensor1d(opts.loc ?? new Array<number>(eventSize).fill(0))));
    this.logScale = tf.tidy(() => tf.variable(tf.tensor1d(opts.logScale ?? new Array<number>(eventSize).fill(0))));
    this.weights = opts.contextSize ? tf.tidy(() => tf.variable(tf.zeros([opts.contextSize!, eventSize]))) : undefined;
    if (opts.training !== undefined) this.training = opts.training;
  }

  get trainableVariables(): tf.Variable[] {
    return this.weights ? [this.loc, this.logScale, this.weights] : [this.loc, this.logScale];
  }

  logProb(x: tf.Tensor, opts: { context?: tf.Tensor } = {}): tf.Tensor {
    this.modes.push(this.training);
    return tf.tidy(() => {
      const mean = opts.context ? tf.add(this.loc, tf.matMul(opts.context as tf.Tensor2D, this.weights!)) : this.loc;
      const z = tf.mul(tf.sub(x, mean), tf.exp(tf.neg(this.logScale)));
      const perDim = tf.sub(tf.mul(tf.square(z), -0.5), tf.add(this.logScale, 0.5 * LOG_2PI));
      return tf.sum(perDim, 1);
    });
  }

  dispose(): void {
    tf.dispose(this.trainableVariables);
  }
}

/** Mean NLL of `rows` under N(loc + c W, diag(exp(logScale))^2), in float64. */
function meanNll(rows: number[][], loc: number[], logScale: number[], context?: number[][], weights?: number[][]): number {
  let total = 0;
  rows.forEach((row, i) => {
    row.forEach((x, j) => {
      const shift = context ? context[i]!.reduce((acc, c, k) => acc + c * weights![k]![j]!, 0) : 0;
      const z = (x - loc[j]! - shift) / Math.exp(logScale[j]!);
      total += 0.5 * z * z + logScale[j]! + 0.5 * LOG_2PI;
    });
  });
  return total / rows.length;
}

/** Seeded normal rows (Box-Muller on mulberry32): n x size, column j ~ N(means[j], scales[j]^2). */
function normalRows(n: number, means: number[], scales: number[], seed: number): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () =>
    means.map((m, j) => m + scales[j]! * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())),
  );
}

async function weightsOf(model: TrainableDensity): Promise<number[][]> {
  return Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
}

describeEachBackend('fit trains any TrainableDensity by maximum likelihood', () => {
  it('full batch: reaches the maximum-likelihood Gaussian (sample mean and standard deviation, float64)', async () => {
    const rows = normalRows(200, [1.5, -0.5], [0.7, 2], 11);
    const mean = [0, 1].map((j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
    const std = [0, 1].map((j) => Math.sqrt(rows.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / rows.length));
    const model = new DiagonalGaussian(2);
    const x = tf.tensor2d(rows);
    const { history } = await fit(model, x, { epochs: 400, batchSize: 200, learningRate: 0.05, seed: 1 });
    await expectAllClose(model.loc, mean, { atol: 3e-3, rtol: 0 });
    await expectAllClose(model.logScale, std.map(Math.log), { atol: 3e-3, rtol: 0 });
    // At the optimum the mean NLL is sum_j 0.5 log(2 pi e s_j^2).
    const optimum = std.reduce((a, s) => a + 0.5 * Math.log(2 * Math.PI * Math.E * s * s), 0);
    expect(history.loss[history.loss.length - 1]).toBeCloseTo(optimum, 4);
    x.dispose();
    model.dispose();
  });

  it('minibatches score each row with its own context; validation is the mean NLL over all held-out rows', async () => {
    // Frozen weights (SGD at rate 0): each step's loss is its own rows' mean NLL (rows 16k to
    // 16k + 15 without shuffling), and the validation loss the held-out rows' one, over more rows
    // than one validation chunk (8192), with a context of two columns.
    const rows = normalRows(100, [0.5, -1], [1, 2], 3);
    const context = normalRows(100, [0, 0], [1, 1], 4);
    const heldOut = normalRows(9000, [0.5, -1], [1, 2], 5);
    const heldOutContext = normalRows(9000, [0, 0], [1, 1], 6);
    const weights = [
      [0.8, -1.5],
      [0.3, 0.6],
    ];
    const model = new DiagonalGaussian(2, { contextSize: 2, loc: [0.2, -0.4], logScale: [0.1, 0.5] });
    model.weights!.assign(tf.tensor2d(weights));
    const [x, c, vx, vc] = [rows, context, heldOut, heldOutContext].map((r) => tf.tensor2d(r));
    const sgd = tf.train.sgd(0);
    const nll = (from: number, to: number) => meanNll(rows.slice(from, to), [0.2, -0.4], [0.1, 0.5], context.slice(from, to), weights);
    const expectedVal = meanNll(heldOut, [0.2, -0.4], [0.1, 0.5], heldOutContext, weights);
    const stepLosses: number[] = [];
    const res = await fit(model, x!, {
      epochs: 2,
      batchSize: 16,
      shuffle: false,
      optimizer: sgd,
      context: c!,
      validationData: vx!,
      validationContext: vc!,
      onBatchEnd: async ({ loss }) => void stepLosses.push((await loss.data())[0]!),
    });
    const steps = Array.from({ length: 7 }, (_, k) => nll(16 * k, Math.min(100, 16 * k + 16)));
    expect(stepLosses).toHaveLength(14);
    stepLosses.forEach((loss, k) => expect(loss).toBeCloseTo(steps[k % 7]!, 4));
    for (const loss of res.history.loss) expect(loss).toBeCloseTo(nll(0, 100), 4);
    for (const loss of res.history.valLoss!) expect(loss).toBeCloseTo(expectedVal, 4);
    // Keras' pair form [context, x] is the same validation set.
    const pair = await fit(model, x!, { epochs: 1, batchSize: 16, optimizer: sgd, seed: 2, context: c!, validationData: [vc!, vx!] });
    expect(pair.history.valLoss![0]).toBeCloseTo(expectedVal, 4);
    sgd.dispose();
    tf.dispose([x!, c!, vx!, vc!]);
    model.dispose();
  });
});

describeEachBackend(
  'fit defaults',
  () => {
    // The weights after a seeded 10-epoch run from the same start (40 steps at batch size 16:
    // the warmup spans 2 of them).
    const weightsAfter = async (batchSize: number, opts: Record<string, unknown>, epochs = 10): Promise<number[][]> => {
      const model = new DiagonalGaussian(2, { loc: [0.3, -0.2], logScale: [0.2, -0.1] });
      const x = tf.tensor2d(normalRows(64, [1, -1], [0.5, 2], 9));
      await fit(model, x, { epochs, batchSize, seed: 5, ...opts });
      const w = await weightsOf(model);
      x.dispose();
      model.dispose();
      return w;
    };
    const plain = { learningRate: FIT_DEFAULTS.learningRate, warmup: 0, emaMomentum: 0 };

    it('full batch is plain Adam at 2e-3; minibatches add warmup 0.05 and weight averaging 0.98', async () => {
      expect(FIT_DEFAULTS).toEqual({ learningRate: 2e-3, warmup: 0.05, emaMomentum: 0.98 });
      await expectNoLeaks(async () => {
        // 40 full-batch steps: enough for a warmup (2 steps) and an average (momentum 0.75)
        // to show if they were applied.
        expect(await weightsAfter(64, {}, 40)).toEqual(await weightsAfter(64, plain, 40));
        expect(await weightsAfter(64, {}, 40)).not.toEqual(await weightsAfter(64, FIT_DEFAULTS, 40));
        expect(await weightsAfter(16, {})).toEqual(await weightsAfter(16, FIT_DEFAULTS));
        expect(await weightsAfter(16, {})).not.toEqual(await weightsAfter(16, plain));
        // Each default alone matters.
        expect(await weightsAfter(16, { warmup: 0 })).not.toEqual(await weightsAfter(16, {}));
        expect(await weightsAfter(16, { emaMomentum: 0 })).not.toEqual(await weightsAfter(16, {}));
        expect(await weightsAfter(16, { learningRate: 1e-3 })).not.toEqual(await weightsAfter(16, {}));
      });
    });

    it('a custom optimizer keeps its own rate and schedule; the weight average still applies to minibatches', async () => {
      const withSgd = async (batchSize: number, opts: Record<string, unknown>): Promise<number[][]> => {
        const sgd = tf.train.sgd(0.05);
        const w = await weightsAfter(batchSize, { optimizer: sgd, ...opts });
        sgd.dispose();
        return w;
      };
      expect(await withSgd(16, {})).toEqual(await withSgd(16, { emaMomentum: FIT_DEFAULTS.emaMomentum }));
      expect(await withSgd(16, {})).not.toEqual(await withSgd(16, { emaMomentum: 0 }));
      expect(await withSgd(64, {})).toEqual(await withSgd(64, { emaMomentum: 0 }));
    });
  },
  { webgpu: false },
);

/** A model with its own objective, recording what fit hands it and how training ended. */
class OwnObjectiveModel extends DiagonalGaussian {
  data: TrainingData | undefined;
  rows: number[][] | undefined;
  readonly finished: boolean[] = [];
  batches = 0;

  async trainingObjective(data: TrainingData): Promise<TrainingObjective> {
    this.data = data;
    this.rows = (await data.x.array()) as number[][];
    return {
      batchLoss: (idx) => {
        this.batches++;
        return negativeMean(this.logProb(tf.gather(data.x, idx)));
      },
      ...(data.validationX ? { validationLoss: () => negativeMean(this.logProb(data.validationX!)) } : {}),
      finish: (failed) => this.finished.push(failed),
    };
  }
}

describe('fit with a model of its own objective, its training flag and its state', () => {
  it('uses the model’s objective on float32 data, and tells it whether training failed', async () => {
    const model = new OwnObjectiveModel(2);
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]], undefined, 'int32');
    const vx = tf.tensor2d([[1, 1]]);
    await expectNoLeaks(async () => {
      const res = await fit(model, x, { epochs: 2, batchSize: 2, seed: 1, validationData: vx });
      expect(model.batches).toBe(1 + 2 * 2); // the probe, then 2 steps per epoch
      expect(model.data!.x.dtype).toBe('float32');
      expect(model.rows).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
      expect(model.data!.validationX).toBe(vx);
      expect(model.data!.batchSize).toBe(2);
      expect(model.finished).toEqual([false]);
      expect(res.history.valLoss).toHaveLength(2);
      // The float32 copy of the int32 data was freed.
      expect(model.data!.x.isDisposed).toBe(true);
      const failing = fit(model, x, {
        epochs: 2,
        onEpochEnd: () => {
          throw new Error('stop');
        },
      });
      await expect(failing).rejects.toThrow('stop');
      expect(model.finished).toEqual([false, true]);
    });
    tf.dispose([x, vx]);
    model.dispose();
  });

  it('steps in training mode, validates in evaluation mode, and restores the mode it found', async () => {
    const x = tf.tensor2d(normalRows(8, [0, 0], [1, 1], 1));
    for (const start of [false, true]) {
      const model = new DiagonalGaussian(2, { training: start });
      await fit(model, x, { epochs: 2, batchSize: 4, seed: 1, validationData: x });
      // The probe and each step in training mode, the validation after each epoch not.
      expect(model.modes).toEqual([true, true, true, false, true, true, false]);
      expect(model.training).toBe(start);
      model.dispose();
    }
    const failing = new DiagonalGaussian(2, { training: false });
    await expect(fit(failing, x, { epochs: 1, onEpochEnd: () => Promise.reject(new Error('stop')) })).rejects.toThrow('stop');
    expect(failing.training).toBe(false);
    failing.dispose();
    // A model without a mode gets none.
    const modeless = new DiagonalGaussian(2);
    await fit(modeless, x, { epochs: 1, seed: 1 });
    expect(modeless.training).toBeUndefined();
    expect(modeless.modes).toEqual([undefined, undefined]);
    modeless.dispose();
    x.dispose();
  });

  it('rewinds the non-trainable state with the weights of the best epoch', async () => {
    // `state` counts the steps; early stopping restores it with the best epoch's weights.
    class Counting extends DiagonalGaussian {
      readonly steps = tf.variable(tf.scalar(0), false);
      get nonTrainableVariables(): tf.Variable[] {
        return [this.steps];
      }
      override logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor {
        if (this.training) this.steps.assign(tf.tidy(() => tf.add(this.steps, 1)));
        return super.logProb(x, opts);
      }
    }
    const model = new Counting(1, { training: false });
    const x = tf.tensor2d([[0], [0.1], [-0.1], [0.05]]);
    // Validation far from the data: its loss rises as the model fits x, so epoch 0 is the best.
    const vx = tf.tensor2d([[30]]);
    const res = await fit(model, x, { epochs: 6, batchSize: 4, learningRate: 0.1, seed: 1, validationData: vx, patience: 1 });
    expect(res.bestEpoch).toBe(0);
    expect(res.stoppedEarly).toBe(true);
    expect((await model.steps.data())[0]).toBe(1);
    tf.dispose([x, vx, model.steps]);
    model.dispose();
  });
});

describe('fit when training cannot go on', () => {
  it('stops with a StateError when the data is disposed during training, naming it', async () => {
    const model = new DiagonalGaussian(2);
    const x = tf.tensor2d(normalRows(8, [0, 0], [1, 1], 2));
    const error = await fit(model, x, { epochs: 3, batchSize: 4, onEpochEnd: () => x.dispose() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(/^fit: an input tensor \(inputs\[0\]\) was disposed during training, before epoch 1, step 0\./);
    model.dispose();
  });

  it('passes on the error of a model objective that cannot be built, leaking nothing', async () => {
    class Broken extends DiagonalGaussian {
      async trainingObjective(): Promise<TrainingObjective> {
        throw new Error('no objective');
      }
    }
    const model = new Broken(2, { training: false });
    const x = tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32');
    await expectNoLeaks(async () => {
      await expect(fit(model, x, { epochs: 1 })).rejects.toThrow(/^no objective$/);
    });
    expect(model.training).toBe(false);
    x.dispose();
    model.dispose();
  });
});

describe('fit refuses bad calls before touching the model', () => {
  const x = () => tf.tensor2d([[1, 2], [3, 4], [5, 6]]);

  it('names the model, the options and the validation pair', async () => {
    const data = x();
    const model = new DiagonalGaussian(2);
    const noLogProb = { trainableVariables: [], eventShape: [2] };
    const badModels: unknown[] = [
      null,
      {},
      noLogProb,
      { ...noLogProb, logProb: () => null, trainableVariables: 'w' },
      { ...noLogProb, logProb: () => null, eventShape: 2 },
      { ...noLogProb, logProb: () => null, eventShape: [2, 1] },
    ];
    for (const bad of badModels) {
      await argumentErrorOfAsync(() => fit(bad as TrainableDensity, data), {
        argument: 'model',
        message: /^fit: model must be a trainable density \(a Flow, a TransformedDistribution with variables, or an MDN\), received /,
      });
    }
    await argumentErrorOfAsync(() => fit({ logProb: () => data, trainableVariables: [], eventShape: [2] }, data), {
      argument: 'model',
      message: 'fit: model must be a model with trainable variables, received a model without any (a fixed distribution has nothing to fit)',
    });
    await argumentErrorOfAsync(() => fit(model, data, null as never), { argument: 'options', message: 'fit: options must be an object, received null' });
    await argumentErrorOfAsync(() => fit(model, data, 5 as never), { argument: 'options', message: 'fit: options must be an object, received 5' });
    const narrow = tf.zeros([3, 1]);
    await argumentErrorOfAsync(() => fit(model, data, { validationData: narrow }), {
      argument: 'validationData',
      message: 'fit: validationData must be a 2-D tensor of shape [n, 2] (eventSize 2), received a float32 tensor of shape [3, 1]',
    });
    await argumentErrorOfAsync(() => fit(model, data, { validationData: [data, data, data] as never }), {
      argument: 'validationData',
      message: 'fit: validationData must be a tensor, or an array [context, x] of two tensors without validationContext, received an array of 3 items',
    });
    await argumentErrorOfAsync(() => fit(model, data, { validationData: [data, data], validationContext: data }), {
      argument: 'validationData',
      message: 'fit: validationData must be a tensor, or an array [context, x] of two tensors without validationContext, received an array of 2 items',
    });
    await argumentErrorOfAsync(() => fit(model, data, { epochs: 0 }), { argument: 'epochs', message: 'fit: epochs must be a positive integer, received 0' });
    await argumentErrorOfAsync(() => fit(model, data, { contxt: data } as never), {
      message: /^fit: unknown option "contxt" in options \(did you mean "context"\?\); valid options: epochs, .*, context, validationData, validationContext$/,
    });
    expect(await weightsOf(model)).toEqual([[0, 0], [0, 0]]);
    tf.dispose([data, narrow]);
    model.dispose();
  });

  it('checks the data: rank, width, rows, liveness and finite values (naming the first bad row)', async () => {
    const model = new DiagonalGaussian(2, { training: false });
    const refuse = (data: unknown, message: string) => argumentErrorOfAsync(() => fit(model, data as tf.Tensor), { argument: 'data', message });
    const expected = 'fit: data must be a 2-D tensor of shape [n, 2] (eventSize 2), received';
    await refuse(tf.zeros([3]), `${expected} a float32 tensor of shape [3]`);
    await refuse(tf.zeros([3, 3]), `${expected} a float32 tensor of shape [3, 3]`);
    await refuse(tf.zeros([3, 2, 2]), `${expected} a float32 tensor of shape [3, 2, 2]`);
    await refuse([[1, 2]], `${expected} [[1, 2]]`);
    const disposed = x();
    disposed.dispose();
    await refuse(disposed, `${expected} a disposed tensor`);
    await refuse(tf.zeros([0, 2]), 'fit: data must be a tensor with at least one row, received a float32 tensor of shape [0, 2]');
    await refuse(
      tf.tensor2d([[1, 2], [3, 4], [5, NaN], [Infinity, 1]]),
      'fit: data must be finite values (no NaN or Infinity), received a non-finite value in row 2 of a tensor of shape [4, 2]',
    );
    await refuse(
      tf.tensor2d([[Infinity, 2]]),
      'fit: data must be finite values (no NaN or Infinity), received a non-finite value in row 0 of a tensor of shape [1, 2]',
    );
    // A variable's values can change after a successful check: it is checked again every time.
    const variable = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    await fit(model, variable, { epochs: 1, learningRate: 1e-9 });
    variable.assign(tf.tensor2d([[1, 2], [3, NaN]]));
    await refuse(variable, 'fit: data must be finite values (no NaN or Infinity), received a non-finite value in row 1 of a tensor of shape [2, 2]');
    expect(model.training).toBe(false);
    variable.dispose();
    model.dispose();
  });

  it('checks the context against the model: required when conditional, refused when not, one row per example', async () => {
    const data = x();
    const c = tf.zeros([3, 1]);
    const c2 = tf.zeros([2, 1]);
    const unconditional = new DiagonalGaussian(2);
    const conditional = new DiagonalGaussian(2, { contextSize: 1 });
    await argumentErrorOfAsync(() => fit(unconditional, data, { context: c }), {
      argument: 'context',
      message: 'fit: context must be undefined (this model is unconditional: build it with contextSize to condition it), received a float32 tensor of shape [3, 1]',
    });
    await argumentErrorOfAsync(() => fit(conditional, data), {
      argument: 'context',
      message: 'fit: context must be a 2-D tensor of shape [3, 1] (the model is conditional), received undefined',
    });
    await argumentErrorOfAsync(() => fit(conditional, data, { context: c2 }), {
      argument: 'context',
      message: 'fit: context must be a 2-D tensor of shape [3, 1] (contextSize 1, one row per example), received a float32 tensor of shape [2, 1]',
    });
    await argumentErrorOfAsync(() => fit(conditional, data, { context: c, validationData: data }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be a 2-D tensor of shape [3, 1] (the model is conditional), received undefined',
    });
    await argumentErrorOfAsync(() => fit(conditional, data, { context: c, validationData: data, validationContext: c2 }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be a 2-D tensor of shape [3, 1] (contextSize 1, one row per example), received a float32 tensor of shape [2, 1]',
    });
    // In the pair form the messages name the pair's items.
    await argumentErrorOfAsync(() => fit(conditional, data, { context: c, validationData: [c2, data] }), {
      argument: 'validationData[0]',
      message: 'fit: validationData[0] must be a 2-D tensor of shape [3, 1] (contextSize 1, one row per example), received a float32 tensor of shape [2, 1]',
    });
    await argumentErrorOfAsync(() => fit(conditional, data, { context: c, validationData: [c, c] }), {
      argument: 'validationData[1]',
      message: 'fit: validationData[1] must be a 2-D tensor of shape [n, 2] (eventSize 2), received a float32 tensor of shape [3, 1]',
    });
    await argumentErrorOfAsync(() => fit(unconditional, data, { validationData: data, validationContext: c }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be undefined (the model is unconditional), received a float32 tensor of shape [3, 1]',
    });
    await argumentErrorOfAsync(() => fit(unconditional, data, { validationContext: c }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be undefined when there is no validationData, received a float32 tensor of shape [3, 1]',
    });
    expect(await weightsOf(conditional)).toEqual([[0, 0], [0, 0], [0, 0]]);
    tf.dispose([data, c, c2]);
    unconditional.dispose();
    conditional.dispose();
  });

  it('a model of unknown context size is conditional exactly when a context is given, of any width', async () => {
    const model = new DiagonalGaussian(2, { contextSize: 2 });
    model.contextSize = undefined;
    const data = x();
    const c = tf.zeros([3, 2]);
    const c2 = tf.zeros([2, 2]);
    const narrow = tf.zeros([3, 1]);
    await argumentErrorOfAsync(() => fit(model, data, { context: c2 }), {
      argument: 'context',
      message: 'fit: context must be a 2-D tensor of shape [3, k] (contextSize k, one row per example), received a float32 tensor of shape [2, 2]',
    });
    await argumentErrorOfAsync(() => fit(model, data, { context: c, validationData: data }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be a 2-D tensor of shape [3, 2] (the model is conditional), received undefined',
    });
    await argumentErrorOfAsync(() => fit(model, data, { context: c, validationData: data, validationContext: narrow }), {
      argument: 'validationContext',
      message: 'fit: validationContext must be a 2-D tensor of shape [3, 2] (contextSize k, one row per example), received a float32 tensor of shape [3, 1]',
    });
    const res = await fit(model, data, { epochs: 1, context: c, validationData: data, validationContext: c });
    expect(res.history.valLoss).toHaveLength(1);
    // Without a context it trains unconditionally.
    expect((await fit(model, data, { epochs: 1 })).history.loss).toHaveLength(1);
    tf.dispose([data, c, c2, narrow]);
    model.dispose();
  });
});
