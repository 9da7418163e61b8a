// The base distribution of every flow: N(0, I_D) as a MultivariateNormalDiag with the
// parameter-free formulas (fewer kernels per training step than the general loc/scale ones).
import * as tf from '@tensorflow/tfjs-core';
import { tfjsSeed } from '@densityjs/core';
import { MultivariateNormalDiag, type SampleOptions } from '@densityjs/distributions';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** MultivariateNormalDiag({loc: 0, scaleDiag: 1}) of dimension D: log p(z) = -|z|²/2 - D log(2π)/2. */
export class StandardNormal extends MultivariateNormalDiag {
  constructor(eventSize: number) {
    super({ loc: new Array<number>(eventSize).fill(0), scaleDiag: new Array<number>(eventSize).fill(1), validateArgs: false });
  }

  /** One custom-gradient op (d/dz = -z dy): the hot tail of every training step. */
  protected override _logProb(x: tf.Tensor): tf.Tensor {
    const c = 0.5 * this.eventShape[0]! * LOG_TWO_PI;
    const op = tf.customGrad((...args: unknown[]) => {
      const z = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      save([z]);
      return {
        value: tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), c),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0]!, tf.neg(tf.expandDims(dy, -1)))],
      };
    });
    return op(x);
  }

  /** Same draws as MultivariateNormalDiag (the same seeded randomNormal), minus the affine map. */
  protected override _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    return tf.randomNormal(this.drawShape(sampleShape), 0, 1, 'float32', tfjsSeed(seed));
  }
}
