// Loose access to the libraries: they are written in parallel with the bench, so each task
// imports its package lazily and a missing export becomes a clear "not available" line for
// that task instead of breaking the whole run.
import * as tf from '@tensorflow/tfjs-core';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

const packages: Record<string, () => Promise<Record<string, unknown>>> = {
  '@densityjs/flows': () => import('@densityjs/flows'),
  '@densityjs/made': () => import('@densityjs/made'),
  '@densityjs/mdn': () => import('@densityjs/mdn'),
  '@densityjs/distributions': () => import('@densityjs/distributions'),
  '@densityjs/bijectors': () => import('@densityjs/bijectors'),
  '@densityjs/datasets': () => import('@densityjs/datasets'),
  '@densityjs/core': () => import('@densityjs/core'),
};

export class Unavailable extends Error {}

/** The export `name` of package `pkg`, or an Unavailable error saying what is missing. */
export async function need(pkg: keyof typeof packages | string, name: string): Promise<Loose> {
  const load = packages[pkg];
  if (!load) throw new Unavailable(`unknown package ${pkg}`);
  let mod: Record<string, unknown>;
  try {
    mod = await load();
  } catch (error) {
    throw new Unavailable(`${pkg} failed to load: ${(error as Error).message.split('\n')[0]}`);
  }
  const value = mod[name];
  if (value === undefined) throw new Unavailable(`${pkg} does not export ${name} yet`);
  return value;
}

/** Optional export: undefined when the package or the export is missing. */
export async function maybe(pkg: string, name: string): Promise<Loose | undefined> {
  try {
    return await need(pkg, name);
  } catch {
    return undefined;
  }
}

/** Deterministic standard-normal data (the values do not change the cost of a step). */
export function normalData(rows: number, cols: number, seed: number): tf.Tensor2D {
  return tf.randomNormal([rows, cols], 0, 1, 'float32', seed) as tf.Tensor2D;
}

/** Sum of the sizes of variables (parameter count). */
export function parameterCount(vars: readonly tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}

/**
 * The optimizer `fit` uses by default: @densityjs/core's FusedAdam (tf.train.adam's update
 * fused over all variables) when exported, else tf.train.adam.
 */
export async function defaultAdam(learningRate = 1e-3): Promise<{ optimizer: tf.Optimizer; name: string }> {
  const FusedAdam = await maybe('@densityjs/core', 'FusedAdam');
  if (FusedAdam) return { optimizer: new FusedAdam({ learningRate }) as tf.Optimizer, name: 'core FusedAdam' };
  return { optimizer: tf.train.adam(learningRate), name: 'tf.train.adam' };
}

/** One Adam step on the mean negative log-likelihood of `x` under `flow`, returning the loss. */
export function flowTrainStep(flow: Loose, x: tf.Tensor, optimizer: tf.Optimizer, context?: tf.Tensor) {
  const vars = flow.trainableVariables as tf.Variable[];
  return () =>
    optimizer.minimize(
      () => tf.neg(tf.mean(context ? flow.logProb(x, { context }) : flow.logProb(x))) as tf.Scalar,
      true,
      vars,
    )!;
}
