import type * as tf from '@tensorflow/tfjs-core';

/** The tensors `fit` hands to a model's own training objective, validated and float32. */
export interface TrainingData {
  /** Training rows [n, eventSize]. */
  x: tf.Tensor2D;
  /** Context rows [n, contextSize] of a conditional density. */
  context?: tf.Tensor2D;
  /** Held-out rows, when given. */
  validationX?: tf.Tensor2D;
  /** Context rows of the held-out rows, for a conditional density. */
  validationContext?: tf.Tensor2D;
  /** Resolved minibatch size (>= n means full batch). */
  batchSize: number;
}

/** A model's own training objective, for models with a faster path than `-mean logProb`. */
export interface TrainingObjective {
  /** Mean NLL over the rows `indices` of the training data. */
  batchLoss(indices: tf.Tensor1D): tf.Scalar;
  /** Mean NLL of the validation rows (when there are some). */
  validationLoss?(): tf.Scalar;
  /**
   * Called once when training ends: frees what the objective made, and when `failed` (the call
   * was rejected or training threw) undoes whatever it changed in the model.
   */
  finish(failed: boolean): void;
}

/**
 * What `fit` trains by maximum likelihood: a density p(x), or p(x | context) when
 * `contextSize > 0`. Flows (`Flow`), any TransformedDistribution whose bijector or base has
 * variables, and mixture density networks (`MDN`) implement it.
 */
export interface TrainableDensity {
  /** log p(x | context) per row. */
  logProb(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
  /** What the optimizer updates. */
  readonly trainableVariables: tf.Variable[];
  /** Saved, snapshotted and restored with the weights, not optimized (BatchNorm statistics). */
  readonly nonTrainableVariables?: tf.Variable[];
  /** Switched on while `fit` runs its steps and off for validation, when present. */
  training?: boolean;
  /** [eventSize]: `fit` trains on rows of this size. */
  readonly eventShape: number[];
  /** Size of the context rows; 0 for an unconditional density, undefined when unknown. */
  readonly contextSize?: number;
  /** A faster objective than `-mean logProb` (fused kernels, a data normalizer), when the model has one. */
  trainingObjective?(data: TrainingData): Promise<TrainingObjective>;
}
