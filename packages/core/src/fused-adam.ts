// Adam over all variables at once: the default optimizer of trainLoop.
//
// Why: tf.train.adam updates each variable separately, ~13 kernels per variable per step. A
// 5-layer flow has ~30 variables, so Adam alone launched ~400 kernels per step, more than the
// model's forward and backward passes together; at ~20 us per kernel on wasm that dominated
// small-batch training. Here the Adam moments live in two flat variables; on cpu and wasm the
// whole update is one kernel (kernels/adam-update-kernel.ts), elsewhere the gradients are
// concatenated into one flat vector and the update is ~12 elementwise kernels in total.
import * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw } from './errors.js';
import { directKernelsActive } from './kernels/direct-backend.js';
import { ADAM_UPDATE_KERNEL, registerAdamUpdateKernel } from './kernels/adam-update-kernel.js';

/**
 * tfjs' NamedTensor (not re-exported by tfjs-core's index).
 * @inline
 */
interface NamedTensor {
  /** Name of the variable or state entry. */
  name: string;
  /** Its value. */
  tensor: tf.Tensor;
}

/** Hyperparameters of {@link FusedAdam}, with tf.train.adam's defaults. */
export interface FusedAdamOptions {
  /** Step size lr, a finite number > 0. Default 1e-3. */
  learningRate?: number;
  /** Decay β1 of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay β2 of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** ε added to sqrt(v̂) in the denominator, > 0. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015) with tf.train.adam's exact update:
 *   m ← β1 m + (1 - β1) g,  v ← β2 v + (1 - β2) g²,
 *   θ ← θ - lr · m̂ / (sqrt(v̂) + ε),  m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t),
 * computed as θ - lr_t · m / (sqrt(v) + ε_t) with lr_t = lr sqrt(1 - β2^t) / (1 - β1^t) and
 * ε_t = ε sqrt(1 - β2^t) (the same number, with the bias corrections folded into two
 * scalars computed in JS). Variables whose gradient is missing in a step get a zero gradient.
 */
export class FusedAdam extends tf.Optimizer {
  /** The class name tfjs' serialization registry knows this optimizer by. */
  static get className(): string {
    return 'FusedAdam';
  }
  /** Read at every step, so a schedule may change it between steps. */
  learningRate: number;
  /** Decay β1 of the first-moment average. */
  readonly beta1: number;
  /** Decay β2 of the second-moment average. */
  readonly beta2: number;
  /** ε of the denominator sqrt(v̂) + ε. */
  readonly epsilon: number;
  private step = 0;
  private names: string[] = [];
  private m: tf.Variable | undefined;
  private v: tf.Variable | undefined;

  constructor({ learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: FusedAdamOptions = {}) {
    super();
    const check = (name: string, value: number, ok: boolean, expected: string) => {
      if (!Number.isFinite(value) || !ok) throw argumentError('FusedAdam', name, expected, value);
    };
    check('learningRate', learningRate, learningRate > 0, 'a finite number > 0');
    check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
    check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
    check('epsilon', epsilon, epsilon > 0, 'a finite number > 0');
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const names = entries.map(([n]) => n);
    const registry = tf.engine().registeredVariables;
    const vars = names.map((n) => {
      const v = registry[n];
      if (!v) throw argumentError('FusedAdam.applyGradients', 'variableGradients', 'gradients keyed by the names of registered variables', raw(`a gradient for ${JSON.stringify(n)}`));
      return v;
    });
    const sizes = vars.map((v) => v.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    // Moments restored by setWeights belong to the variables of the first step after it.
    if (this.names.length === 0 && this.m?.size === total) this.names = names;
    if (names.join('\u0000') !== this.names.join('\u0000') || !this.m || !this.v) {
      // A new set of variables: fresh moments (as tf.train.adam's per-variable slots would be).
      tf.dispose([this.m, this.v]);
      this.names = names;
      this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
      this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
      this.step = 0;
    }
    this.step++;
    const t = this.step;
    const c2 = Math.sqrt(1 - this.beta2 ** t);
    const lrT = (this.learningRate * c2) / (1 - this.beta1 ** t);
    const epsT = this.epsilon * c2;
    const m = this.m;
    const v = this.v;
    if (directKernelsActive()) {
      registerAdamUpdateKernel();
      tf.tidy(() => {
        const inputs: tf.NamedTensorMap = { m, v };
        entries.forEach(([, grad], i) => {
          inputs[`p${i}`] = vars[i]!;
          if (grad) inputs[`g${i}`] = grad;
        });
        const attrs = { lrT, epsT, beta1: this.beta1, beta2: this.beta2, count: vars.length };
        const out = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
        m.assign(out[0]!);
        v.assign(out[1]!);
        vars.forEach((variable, i) => variable.assign(out[2 + i]!));
      });
      this.incrementIterations();
      return;
    }
    tf.tidy(() => {
      // Rank-1 tensors (biases) need no Reshape kernel.
      const flat1 = (x: tf.Tensor) => (x.rank === 1 ? x : tf.reshape(x, [-1]));
      const flat = (list: tf.Tensor[]) => (list.length === 1 ? flat1(list[0]!) : tf.concat(list.map(flat1)));
      const g = flat(entries.map(([, grad], i) => grad ?? tf.zeros(vars[i]!.shape)));
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      m.assign(newM);
      v.assign(newV);
      const update = tf.mul(tf.div(newM, tf.add(tf.sqrt(newV), epsT)), lrT);
      const theta = tf.sub(flat(vars), update);
      if (vars.length > 1 && tf.getBackend() === 'wasm') {
        // tfjs-backend-wasm's Slice (behind split) copies its whole input out of the wasm heap
        // for every part: O(variables x parameters) bytes per step, the largest cost of a big
        // MAF step. One read and one write per variable copy each parameter twice instead.
        const values = theta.dataSync() as Float32Array;
        let offset = 0;
        vars.forEach((variable, i) => {
          variable.assign(tf.tensor(values.subarray(offset, offset + sizes[i]!), variable.shape, 'float32'));
          offset += sizes[i]!;
        });
        return;
      }
      const parts = vars.length === 1 ? [theta] : tf.split(theta, sizes);
      vars.forEach((variable, i) => variable.assign(variable.rank === 1 ? parts[i]! : tf.reshape(parts[i]!, variable.shape)));
    });
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.m, this.v]);
    this.m = undefined;
    this.v = undefined;
  }

  /** The optimizer state: the step count and, after the first step, the flat moments m and v. */
  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    if (this.m && this.v) out.push({ name: 'fused_adam/m', tensor: this.m }, { name: 'fused_adam/v', tensor: this.v });
    return out;
  }

  /**
   * Restores a state read with `getWeights` (step count and moments), into this optimizer or a
   * new one: the next step continues it when its variables hold as many values as the moments.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const named = (name: string) => weightValues.find((w) => w.name === name);
    const [m, v] = [named('fused_adam/m'), named('fused_adam/v')];
    if ((m === undefined) !== (v === undefined) || (m && v && m.tensor.size !== v.tensor.size)) {
      const names = weightValues.map((w) => w.name).join(', ');
      const received = `[${names}]${m && v ? ' with moments of different sizes' : ''}`;
      const expected = 'a state from getWeights: both fused_adam/m and fused_adam/v, of one size, or neither';
      throw argumentError('FusedAdam.setWeights', 'weightValues', expected, raw(received));
    }
    await this.extractIterations(weightValues);
    this.step = this.iterations;
    if (m && v) {
      tf.dispose([this.m, this.v]);
      this.m = tf.tidy(() => tf.variable(tf.reshape(m.tensor, [-1]), false));
      this.v = tf.tidy(() => tf.variable(tf.reshape(v.tensor, [-1]), false));
      this.names = [];
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as never);
  }
}

/** `new FusedAdam({learningRate, ...})`, as `tf.train.adam(learningRate)` reads. */
export function fusedAdam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): FusedAdam {
  return new FusedAdam({ learningRate, beta1, beta2, epsilon });
}
