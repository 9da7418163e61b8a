import * as tf from '@tensorflow/tfjs-core';
import { Coupling, conditionerShapeError, type CouplingOptions } from './coupling.js';

/**
 * Additive coupling of NICE (Dinh et al. 2015): `y1 = x1`, `y2 = x2 + t(x1, context)`,
 * volume-preserving (`log|det J| = 0`); inverse `x2 = y2 - t(y1)`. The conditioner returns the
 * shift, batch + [D-d] (or batch + [D-d, 1]).
 */
export class NICE extends Coupling {
  constructor(opts: CouplingOptions) {
    super(opts, 'NICE', true);
  }

  protected checkParams(params: tf.Tensor, x1: tf.Tensor, n: number): void {
    const batch = x1.shape.slice(0, -1);
    const s = params.shape;
    const ok =
      batch.every((d, i) => s[i] === d) &&
      ((s.length === batch.length + 1 && s[s.length - 1] === n) ||
        (s.length === batch.length + 2 && s[s.length - 2] === n && s[s.length - 1] === 1));
    if (!ok) throw conditionerShapeError(this.name, `a tensor of shape [${[...batch, n]}]`, params);
  }

  protected transform(x2: tf.Tensor, params: tf.Tensor, inverse: boolean): [tf.Tensor, tf.Tensor] {
    const shift = params.rank === x2.rank ? params : tf.reshape(params, x2.shape);
    const ld = tf.zeros(x2.shape.slice(0, -1));
    return [inverse ? tf.sub(x2, shift) : tf.add(x2, shift), ld];
  }
}
