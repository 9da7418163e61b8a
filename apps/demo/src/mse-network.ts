// The MDN tutorial's plain regression network, 1 -> 20 tanh -> 1 trained on mean squared error,
// written directly in tfjs-core: the baseline whose failure on the inverse problem motivates
// the mixture density network.
import { glorotUniformBound } from '@densityjs/core';
import { tf } from './tf-setup.js';

/** Glorot-uniform initial weights from a seed, as PyTorch/Keras layers start. */
function glorot(shape: [number, number], seed: number): tf.Variable {
  const limit = glorotUniformBound(shape[0], shape[1]);
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed));
}

export class MseNetwork {
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;

  constructor(hiddenUnits: number, seed: number) {
    this.w1 = glorot([1, hiddenUnits], seed);
    this.b1 = tf.variable(tf.zeros([hiddenUnits]));
    this.w2 = glorot([hiddenUnits, 1], seed + 1);
    this.b2 = tf.variable(tf.zeros([1]));
  }

  get variables(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.b2];
  }

  /** f(x) = tanh(x W1 + b1) W2 + b2 for x of shape [n, 1]. */
  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, this.w1), this.b1)), this.w2), this.b2) as tf.Tensor2D);
  }

  /**
   * Full-batch Adam on the mean squared error, as the seed trains it. Yields to the event loop
   * every `reportEvery` steps (reading the loss back) so progress can be shown and `signal` heard.
   */
  async fit(
    x: tf.Tensor2D,
    y: tf.Tensor2D,
    opts: { epochs: number; learningRate: number; signal?: AbortSignal; onProgress?: (epoch: number, loss: number) => void | Promise<void>; reportEvery?: number },
  ): Promise<number[]> {
    const optimizer = tf.train.adam(opts.learningRate);
    const reportEvery = opts.reportEvery ?? 25;
    const history: number[] = [];
    try {
      for (let epoch = 0; epoch < opts.epochs; epoch++) {
        if (opts.signal?.aborted) break;
        const report = epoch % reportEvery === 0 || epoch === opts.epochs - 1;
        const cost = optimizer.minimize(() => tf.mean(tf.square(tf.sub(this.predict(x), y))) as tf.Scalar, report, this.variables);
        if (cost) {
          const loss = (await cost.data())[0]!;
          cost.dispose();
          if (!Number.isFinite(loss)) {
            throw new Error(`The MSE network's loss became ${loss} at epoch ${epoch}; lower the learning rate and run again.`);
          }
          history.push(loss);
          await opts.onProgress?.(epoch, loss);
        }
      }
    } finally {
      optimizer.dispose();
    }
    return history;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
