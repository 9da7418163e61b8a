import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, type TensorLike } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link Scale}. */
export interface ScaleOptions extends ElementwiseOptions {
  /** Nonzero multiplier, broadcast against x. */
  scale?: TensorLike | tf.Variable;
  /** Alternative to `scale`: `scale = exp(logScale)`, positive by construction (trainable). */
  logScale?: TensorLike | tf.Variable;
  /**
   * Train the given `scale` or `logScale`: it becomes a variable this bijector owns (disposed
   * with it), initialized from the value given. Default false.
   */
  trainable?: boolean;
}

/**
 * `y = scale * x`, `log|det J| = log|scale|` per element. `scale` must be nonzero (a zero scale
 * is not invertible); give `logScale` instead for a scale that stays positive while training.
 */
export class Scale extends ElementwiseBijector {
  private readonly params = new ParameterSet();
  private readonly scaleParam: tf.Tensor | undefined;
  private readonly logScaleParam: tf.Tensor | undefined;

  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: ScaleOptions) {
    super(opts, 'Scale', false, ['scale', 'logScale', 'trainable']);
    const hasScale = opts?.scale !== undefined;
    const hasLog = opts?.logScale !== undefined;
    if (hasScale === hasLog) {
      throw argumentError(this.name, 'scale / logScale', 'exactly one of them', raw(hasScale ? 'both' : 'neither'));
    }
    if (hasScale) {
      this.scaleParam = this.trainable(this.params.tensor(opts.scale!, this.name, 'scale'), opts.trainable);
      this.parameterShapes.scale = this.scaleParam.shape;
      this.params.check(this.scaleParam, (v) => v !== 0, this.name, 'scale', 'nonzero and finite');
    } else {
      this.logScaleParam = this.trainable(this.params.tensor(opts.logScale!, this.name, 'logScale'), opts.trainable);
      this.parameterShapes.logScale = this.logScaleParam.shape;
    }
  }
  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
  }
  override dispose(): void {
    this.params.dispose();
  }
  /** `value` itself, or (when `trainable`) a new owned variable holding a copy of it. */
  private trainable(value: tf.Tensor, trainable: boolean | undefined): tf.Tensor {
    if (trainable === undefined || trainable === false) return value;
    if (trainable !== true) {
      this.params.dispose();
      throw argumentError(this.name, 'trainable', 'a boolean', trainable);
    }
    return this.params.variable(tf.clone(value));
  }
  /** The scale as a tensor (the caller disposes it). */
  get scale(): tf.Tensor {
    return this.scaleParam ? tf.clone(this.scaleParam) : tf.exp(this.logScaleParam!);
  }
  private logAbsScale(): tf.Tensor {
    return this.scaleParam ? tf.log(tf.abs(this.scaleParam)) : this.logScaleParam!;
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const s = this.scaleParam ?? tf.exp(this.logScaleParam!);
    return [tf.mul(x, s), this.logAbsScale()];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const x = this.scaleParam ? tf.div(y, this.scaleParam) : tf.mul(y, tf.exp(tf.neg(this.logScaleParam!)));
    return [x, tf.neg(this.logAbsScale())];
  }
}

