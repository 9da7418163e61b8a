import type * as tf from '@tensorflow/tfjs-core';

/** Options every bijector method accepts; `context` conditions conditional bijectors. */
export interface BijectorCallOptions {
  /** Conditioning input of shape batch + [contextSize] for a conditional bijector; ignored by others. */
  context?: tf.Tensor;
}

/**
 * The structural bijector contract: what @densityjs/distributions' TransformedDistribution, the
 * training loop and the test utilities need from a bijector, so none of them depends on
 * @densityjs/bijectors (whose `Bijector` class implements it). forward is the sampling
 * direction. Log-dets are summed over the bijector's `eventNdims` trailing dims.
 */
export interface BijectorLike {
  /** [y, log|det dy/dx|] */
  forwardAndLogDet(x: tf.Tensor, opts?: BijectorCallOptions): [tf.Tensor, tf.Tensor];
  /** [x, log|det dx/dy|] */
  inverseAndLogDet(y: tf.Tensor, opts?: BijectorCallOptions): [tf.Tensor, tf.Tensor];
  /** y = f(x), the sampling direction. */
  forward(x: tf.Tensor, opts?: BijectorCallOptions): tf.Tensor;
  /** x = f⁻¹(y), the density-evaluation direction. */
  inverse(y: tf.Tensor, opts?: BijectorCallOptions): tf.Tensor;
  /** Minimum event rank the bijector acts on (0 elementwise, 1 for vectors). */
  readonly eventNdims: number;
  /** Event shape of y for an x of event shape `shape`, when the bijector changes it. */
  forwardEventShape?(shape: number[]): number[];
  /** Event shape of x for a y of event shape `shape`, when the bijector changes it. */
  inverseEventShape?(shape: number[]): number[];
  /** True when the map is affine, f(x) = A x + b: means and modes map through it exactly. */
  readonly affine?: boolean;
  /** Variables an optimizer updates. */
  readonly trainableVariables?: tf.Variable[];
  /** State saved and restored with the weights but not optimized (BatchNorm statistics). */
  readonly nonTrainableVariables?: tf.Variable[];
  /** Training mode (batch statistics in BatchNormalization); set by `fit` while it trains. */
  training?: boolean;
  /** Frees the bijector's variables and the tensors it owns. */
  dispose?(): void;
}
