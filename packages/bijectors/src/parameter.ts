// Parameters given as number | array | Tensor | Variable, with ownership tracking, so that
// dispose() frees what the bijector created and never what the caller still owns.
import * as tf from '@tensorflow/tfjs-core';
import { checkValues, toFloatTensor, type TensorLike } from '@densityjs/core';

export class ParameterSet {
  private readonly owned: tf.Tensor[] = [];
  private readonly trainable: tf.Variable[] = [];
  private disposed = false;

  /**
   * A float32 tensor for `value`. A `tf.Variable` is used as is (and reported as trainable when
   * it is); numbers and arrays become tensors the set owns; tensors are borrowed. Every value
   * must be finite (checked synchronously, skipped where the backend cannot read
   * synchronously). On any failure the set frees what it owns, so a constructor that throws
   * leaks nothing.
   */
  tensor(value: TensorLike | tf.Variable, owner: string, argument: string): tf.Tensor {
    let t: tf.Tensor;
    try {
      if (value instanceof tf.Variable && value.isDisposed) {
        toFloatTensor(value, owner, argument); // throws the disposed-tensor ArgumentError
      }
      t = value instanceof tf.Variable ? value : toFloatTensor(value, owner, argument);
    } catch (e) {
      this.dispose();
      throw e;
    }
    if (t !== value) this.owned.push(tf.keep(t));
    this.check(t, Number.isFinite, owner, argument, 'finite (no NaN or Infinity)');
    if (value instanceof tf.Variable && value.trainable) this.trainable.push(value);
    return t;
  }

  /** `checkValues`, freeing what the set owns before it throws. */
  check(t: tf.Tensor, ok: (v: number) => boolean, owner: string, argument: string, expected: string): void {
    try {
      checkValues(t, ok, owner, argument, expected);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** A new trainable variable the set owns; takes ownership of (disposes) `initial`. */
  variable(initial: tf.Tensor, name?: string): tf.Variable {
    const v = tf.variable(initial, true, name ? uniqueName(name) : undefined);
    initial.dispose();
    this.owned.push(v);
    this.trainable.push(v);
    return v;
  }

  /** A new non-trainable variable the set owns (running statistics); disposes `initial`. */
  state(initial: tf.Tensor, name?: string): tf.Variable {
    const v = tf.variable(initial, false, name ? uniqueName(name) : undefined);
    initial.dispose();
    this.owned.push(v);
    return v;
  }

  /** A constant the set owns. */
  constant(t: tf.Tensor): tf.Tensor {
    this.owned.push(tf.keep(t));
    return t;
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.trainable];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.owned) if (!t.isDisposed) t.dispose();
  }
}

let counter = 0;
/** tfjs variable names are global; suffix a counter so two layers never collide. */
function uniqueName(name: string): string {
  counter += 1;
  return `${name}_${counter}`;
}
