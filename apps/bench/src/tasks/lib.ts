// Helpers shared by the speed tasks.
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from '@densityjs/core';
import type { Flow } from '@densityjs/flows';

/** A task that cannot run here (a backend or peer missing): reported as a line, not a crash. */
export class Unavailable extends Error {}

/** Deterministic standard-normal data (the values do not change the cost of a step). */
export function normalData(rows: number, cols: number, seed: number): tf.Tensor2D {
  return tf.randomNormal([rows, cols], 0, 1, 'float32', seed) as tf.Tensor2D;
}

/** Sum of the sizes of variables (parameter count). */
export function parameterCount(vars: readonly tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}

/** The optimizer `fit` uses by default: @densityjs/core's FusedAdam (tf.train.adam's update, one kernel). */
export function defaultAdam(learningRate = 1e-3): { optimizer: tf.Optimizer; name: string } {
  return { optimizer: new FusedAdam({ learningRate }), name: 'core FusedAdam' };
}

/** One Adam step on the mean negative log-likelihood of `x` under `flow`, returning the loss. */
export function flowTrainStep(flow: Flow, x: tf.Tensor, optimizer: tf.Optimizer, context?: tf.Tensor) {
  const vars = flow.trainableVariables;
  return () =>
    optimizer.minimize(
      () => tf.neg(tf.mean(context ? flow.logProb(x, { context }) : flow.logProb(x))) as tf.Scalar,
      true,
      vars,
    )!;
}
