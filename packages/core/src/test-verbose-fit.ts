// Child process of training-log.test.ts: `fit` with `verbose: 1` whose stdout is a pipe. It
// prints the run's history as JSON on stderr, so the test can compare the lines with it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fit } from './fit.js';

await tf.setBackend('cpu');
const loc = tf.variable(tf.tensor1d([0.5]));
// A unit-variance Gaussian with a trainable mean, up to a constant: log p(x) = -(x - loc)^2 / 2.
const model = {
  eventShape: [1],
  trainableVariables: [loc],
  logProb: (x: tf.Tensor) => tf.mul(tf.sum(tf.square(tf.sub(x, loc)), 1), -0.5),
};
const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [(i % 8) / 4]), [64, 1]);
const xVal = tf.tensor2d(Array.from({ length: 16 }, (_, i) => [(i % 4) / 2]), [16, 1]);
const { history } = await fit(model, x, { epochs: 3, batchSize: 16, learningRate: 0.05, validationData: xVal, seed: 0, verbose: 1 });
process.stderr.write(`\nHISTORY ${JSON.stringify(history)}\n`);
