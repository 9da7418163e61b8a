import * as tf from '@tensorflow/tfjs-core';
import type { TensorLike } from '@densityjs/core';
import { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
import { ParameterSet } from './parameter.js';

/** Options of {@link Shift}. */
export interface ShiftOptions extends ElementwiseOptions {
  /** Added to x, broadcast against it. A trainable `tf.Variable` is trained. */
  shift: TensorLike | tf.Variable;
}

/** `y = x + shift`, `log|det J| = 0`. */
export class Shift extends ElementwiseBijector {
  /** The shift b in y = x + b. */
  readonly shift: tf.Tensor;
  private readonly params = new ParameterSet();

  /** An affine map. */
  override get affine(): boolean {
    return true;
  }

  constructor(opts: ShiftOptions) {
    super(opts, 'Shift', true, ['shift']);
    this.shift = this.params.tensor(opts?.shift, this.name, 'shift');
    this.parameterShapes.shift = this.shift.shape;
  }
  override get trainableVariables(): tf.Variable[] {
    return this.params.trainableVariables;
  }
  override dispose(): void {
    this.params.dispose();
  }
  protected elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const y = tf.add(x, this.shift);
    return [y, tf.zerosLike(y)];
  }
  protected elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const x = tf.sub(y, this.shift);
    return [x, tf.zerosLike(x)];
  }
}
