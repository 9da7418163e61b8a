// The layers the presets stack. Each factory returns a Bijector (@densityjs/bijectors' base
// class, so Chain/Invert/TransformedDistribution treat them like any other bijector).
//
// Why local classes: the flow-specific layers are tuned for the training hot path (fewest
// kernels per step: one conditioner pass, one split, fused elementwise math), and the presets
// need exactly these parameterizations (soft-clamped log-scales, identity-at-init conditioners,
// sequential sampling that reuses the last MADE pass for the log-det). They share
// @densityjs/bijectors' Bijector contract and spline function.
import * as tf from '@tensorflow/tfjs-core';
import {
  affineTransform,
  BatchNormalization,
  Bijector,
  ConditionedBijector,
  Invert,
  rationalQuadraticSpline,
  type BijectorCallOptions,
} from '@densityjs/bijectors';

/** Log-scales are soft-clamped to (-LOG_SCALE_BOUND, LOG_SCALE_BOUND): no inf/NaN in training. */
const LOG_SCALE_BOUND = 5;

/** Anything with `call(x, {context}) -> batch + [units, params]` and variables (MADE, DenseNetwork). */
export interface ConditionerNet {
  call(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
  readonly trainableVariables: tf.Variable[];
  dispose(): void;
}

function contextOpts(opts: BijectorCallOptions): { context?: tf.Tensor } {
  return opts.context === undefined ? {} : { context: opts.context };
}

/** The conditioner's parameters for `x` (with the context when the flow is conditional). */
function callNet(net: ConditionerNet, x: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
  return net.call(x, contextOpts(opts));
}

/** A layer whose parameters come from `net` (owned: disposed with the layer). */
abstract class ConditionedLayer extends ConditionedBijector {
  constructor(name: string, eventSize: number, net: ConditionerNet) {
    super({ eventNdims: 1, eventSize, name }, net, {});
  }
  protected get net(): ConditionerNet {
    return this.conditioner as ConditionerNet;
  }
}

/**
 * Elementwise transform of an autoregressive layer, given the conditioner output for the
 * units: returns [output, log|det|] summed over the last axis.
 */
export interface UnitTransform {
  /** Conditioner outputs per unit. */
  readonly params: number;
  forward(x: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor];
  inverse(y: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor];
}

/** Shift and soft-clamped log-scale, one fused op each way (@densityjs/bijectors' affineTransform). */
export const affine: UnitTransform = {
  params: 2,
  forward: (x, p) => affineTransform(x, p, LOG_SCALE_BOUND, false, 'affine layer'),
  inverse: (y, p) => affineTransform(y, p, LOG_SCALE_BOUND, true, 'affine layer'),
};

const additiveTransform: UnitTransform = {
  params: 1,
  forward(x, p) {
    return [tf.add(x, p), tf.zeros(x.shape.slice(0, -1))];
  },
  inverse(y, p) {
    return [tf.sub(y, p), tf.zeros(y.shape.slice(0, -1))];
  },
};

function splineTransform(bins: number, bound: number): UnitTransform {
  return {
    params: 3 * bins - 1,
    forward(x, p) {
      const [y, ld] = rationalQuadraticSpline(x, p, { numBins: bins, bound });
      return [y, tf.sum(ld, -1)];
    },
    inverse(y, p) {
      const [x, ld] = rationalQuadraticSpline(y, p, { numBins: bins, bound, inverse: true });
      return [x, tf.sum(ld, -1)];
    },
  };
}

/**
 * Autoregressive layer y_i = τ(x_i; θ_i(y_<i)) with θ = MADE(y) (MAF direction: forward =
 * sampling). Inverse (density): x = τ^{-1}(y; θ(y)), one MADE pass. Forward (sampling): D
 * passes, y^{(k+1)} = τ(x; θ(y^{(k)})); after D passes every θ_i sees its final inputs, and the
 * last pass's θ also gives the log-det (no extra pass).
 */
export class AutoregressiveLayer extends ConditionedLayer {
  readonly transform: UnitTransform;

  constructor(made: ConditionerNet & { eventSize: number }, transform: UnitTransform, name: string) {
    super(name, made.eventSize, made);
    this.transform = transform;
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.transform.inverse(y, callNet(this.net, y, opts));
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const d = this.eventSize!;
    let y = tf.zerosLike(x);
    let logDet: tf.Tensor = tf.zeros(x.shape.slice(0, -1));
    for (let k = 0; k < d; k++) {
      [y, logDet] = this.transform.forward(x, callNet(this.net, y, opts));
    }
    return [y, logDet];
  }
}

/**
 * Coupling layer: y_{1:d} = x_{1:d}, y_{d+1:D} = τ(x_{d+1:D}; θ(x_{1:d})), θ from a dense
 * network of the pass-through units (and the context). One network pass in both directions.
 */
export class CouplingLayer extends ConditionedLayer {
  readonly numMasked: number;
  private readonly transform: UnitTransform;

  constructor(eventSize: number, numMasked: number, net: ConditionerNet, transform: UnitTransform, name: string) {
    super(name, eventSize, net);
    this.numMasked = numMasked;
    this.transform = transform;
  }

  private run(v: tf.Tensor, opts: BijectorCallOptions, inverse: boolean): [tf.Tensor, tf.Tensor] {
    const d = this.numMasked;
    const [a, b] = tf.split(v, [d, this.eventSize! - d], -1) as [tf.Tensor, tf.Tensor];
    const p = callNet(this.net, a, opts);
    const [out, logDet] = inverse ? this.transform.inverse(b, p) : this.transform.forward(b, p);
    return [tf.concat([a, out], -1), logDet];
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(x, opts, false);
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return this.run(y, opts, true);
  }
}

/**
 * Trainable diagonal scaling y = x exp(s) (NICE's final layer, Dinh et al. 2015, sec. 3.3):
 * log|det ∂y/∂x| = Σ_i s_i. Starts at the identity (s = 0).
 */
export class DiagonalScaleLayer extends Bijector {
  private readonly logScale: tf.Variable;

  constructor(eventSize: number) {
    super({ eventNdims: 1, eventSize, name: 'DiagonalScale' });
    this.logScale = tf.tidy(() => tf.variable(tf.zeros([eventSize]), true));
  }

  override get trainableVariables(): tf.Variable[] {
    return [this.logScale];
  }

  override dispose(): void {
    this.logScale.dispose();
  }

  protected _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [tf.mul(x, tf.exp(this.logScale)), tf.add(tf.zeros(x.shape.slice(0, -1)), tf.sum(this.logScale))];
  }

  protected _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    return [tf.mul(y, tf.exp(tf.neg(this.logScale))), tf.sub(tf.zeros(y.shape.slice(0, -1)), tf.sum(this.logScale))];
  }
}

export function diagonalScale(eventSize: number): Bijector {
  return new DiagonalScaleLayer(eventSize);
}

export function affineAutoregressive(made: ConditionerNet & { eventSize: number }): Bijector {
  return new AutoregressiveLayer(made, affine, 'MaskedAutoregressiveFlow');
}

export function splineAutoregressive(made: ConditionerNet & { eventSize: number }, bins: number, bound: number): Bijector {
  return new AutoregressiveLayer(made, splineTransform(bins, bound), 'MaskedAutoregressiveSpline');
}

export function affineCoupling(numMasked: number, net: ConditionerNet & { inputSize: number; outputShape: number[] }): Bijector {
  return new CouplingLayer(numMasked + net.outputShape[0]!, numMasked, net, affine, 'RealNVP');
}

export function additiveCoupling(numMasked: number, net: ConditionerNet & { inputSize: number; outputShape: number[] }): Bijector {
  return new CouplingLayer(numMasked + net.outputShape[0]!, numMasked, net, additiveTransform, 'NICE');
}

export function splineCoupling(
  numMasked: number,
  net: ConditionerNet & { inputSize: number; outputShape: number[] },
  bins: number,
  bound: number,
): Bijector {
  return new CouplingLayer(numMasked + net.outputShape[0]!, numMasked, net, splineTransform(bins, bound), 'SplineCoupling');
}

/**
 * @densityjs/bijectors' BatchNormalization (the second seed's BatchNorm bijector: batch
 * statistics and EMA updates in the density direction while training, running statistics
 * otherwise), starting in evaluation mode; `fit` switches it to training.
 */
export function batchNorm(eventSize: number): Bijector {
  return new BatchNormalization({ eventSize, training: false });
}

export function invert(b: Bijector): Bijector {
  return new Invert(b);
}

/**
 * Data-dependent initialization (as Glow's ActNorm): sets the output biases of the data-side
 * layer of an affine autoregressive flow so that, with the other layers near the identity, the
 * flow's samples have per-dimension mean `mean` and standard deviation `std`. Supports a MAF
 * layer (y = x e^α + μ: α = log std, μ = mean) and an IAF layer (y = (u - μ) e^-α: α = -log std,
 * μ = -mean/std). Returns false (and changes nothing) for other layer types.
 */
export function matchOutputMoments(chain: Bijector, mean: number[], std: number[]): boolean {
  const members = (chain as unknown as { bijectors?: Bijector[] }).bijectors ?? [chain];
  const first = members[0];
  const inverted = first instanceof Invert;
  const layer = inverted ? (first as Invert).bijector : first;
  if (!(layer instanceof AutoregressiveLayer) || layer.transform !== affine) return false;
  const vars = layer.trainableVariables;
  const bias = vars[vars.length - 1]!;
  const d = mean.length;
  if (bias.rank !== 1 || bias.shape[0] !== 2 * d) return false;
  const values = new Float32Array(2 * d);
  const B = LOG_SCALE_BOUND * 0.999;
  for (let i = 0; i < d; i++) {
    const sd = Math.max(std[i]!, 1e-6);
    const logScale = Math.min(B, Math.max(-B, inverted ? -Math.log(sd) : Math.log(sd)));
    values[2 * i] = inverted ? -mean[i]! / sd : mean[i]!;
    values[2 * i + 1] = LOG_SCALE_BOUND * Math.atanh(logScale / LOG_SCALE_BOUND); // raw, before the soft clamp
  }
  tf.tidy(() => bias.assign(tf.tensor1d(values)));
  return true;
}
