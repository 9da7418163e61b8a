import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, logBesselI0e, nonDifferentiable } from '@densityjs/core';
import { BaseDistribution, broadcastTo, type BaseOptions, type ParamLike, type SampleOptions } from './distribution.js';
import { uniform } from './random.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

export interface VonMisesOptions extends BaseOptions {
  /** Circular mean μ. */
  loc: ParamLike;
  /** Concentration κ >= 0 (0 is the uniform distribution on the circle). */
  concentration: ParamLike;
}

/** Best–Fisher proposals per draw (each accepted with probability > 0.65 at any κ). */
const ROUNDS = 20;

/**
 * Best & Fisher's rejection sampler ("Efficient simulation of the von Mises distribution", 1979)
 * for the angle θ - μ in [-π, π], vectorized over ROUNDS proposals. Written with 1 - ρ,
 * s - 1 = (1 - ρ)²/(2ρ) and 1 - w = (s - 1)(1 - z)/(s + z) so that large concentrations (1e4
 * and beyond) keep their digits: the angle is 2 asin(√((1 - w)/2)), not acos(w).
 */
function drawAngle(kappa: tf.Tensor, shape: number[], seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const k = tf.maximum(broadcastTo(kappa, shape), tf.scalar(1e-6));
    const root = tf.sqrt(tf.add(tf.scalar(1), tf.mul(tf.scalar(4), tf.square(k))));
    const r = tf.add(tf.scalar(1), root);
    // 1 - ρ = (√(2r) - 1 - 1/(√(1 + 4κ²) + 2κ)) / (2κ), without 2κ - r cancelling.
    const oneMinusRho = tf.div(
      tf.sub(tf.sub(tf.sqrt(tf.mul(tf.scalar(2), r)), tf.scalar(1)), tf.reciprocal(tf.add(root, tf.mul(tf.scalar(2), k)))),
      tf.mul(tf.scalar(2), k),
    );
    const rho = tf.sub(tf.scalar(1), oneMinusRho);
    const sMinus1 = tf.div(tf.square(oneMinusRho), tf.mul(tf.scalar(2), rho));
    const s = tf.add(tf.scalar(1), sMinus1);
    const u1 = uniform([ROUNDS, ...shape], 0, 1, deriveSeed(seed, 0));
    const u2 = tf.clipByValue(uniform([ROUNDS, ...shape], 0, 1, deriveSeed(seed, 1)), 1e-38, 1);
    const halfAngle = tf.mul(tf.scalar(Math.PI / 2), u1);
    const z = tf.cos(tf.mul(tf.scalar(2), halfAngle));
    const oneMinusZ = tf.mul(tf.scalar(2), tf.square(tf.sin(halfAngle)));
    const oneMinusW = tf.div(tf.mul(sMinus1, oneMinusZ), tf.add(s, z));
    const y = tf.mul(k, tf.add(sMinus1, oneMinusW));
    const accept = tf.logicalOr(
      tf.greater(tf.sub(tf.mul(y, tf.sub(tf.scalar(2), y)), u2), tf.scalar(0)),
      tf.greaterEqual(tf.add(tf.sub(tf.log(tf.div(y, u2)), y), tf.scalar(1)), tf.scalar(0)),
    );
    const angle = tf.mul(tf.scalar(2), tf.asin(tf.sqrt(tf.clipByValue(tf.mul(oneMinusW, tf.scalar(0.5)), 0, 1))));
    const acceptRounds = tf.unstack(accept);
    const angleRounds = tf.unstack(angle);
    let result: tf.Tensor = tf.zeros(shape);
    for (let i = ROUNDS - 1; i >= 0; i--) result = tf.where(acceptRounds[i]!, angleRounds[i]!, result);
    const sign = tf.sign(tf.sub(uniform(shape, 0, 1, deriveSeed(seed, 2)), tf.scalar(0.5)));
    return tf.mul(sign, result);
  });
}

/**
 * Von Mises distribution on the circle: p(x) = exp(κ cos(x - μ)) / (2π I0(κ)).
 *
 * log p(x) = κ cos(x - μ) - log 2π - log I0(κ), evaluated as -2κ sin²((x - μ)/2) - log 2π -
 * log(e^{-κ} I0(κ)) (core's logBesselI0e) so it stays exact at large κ; like TFP
 * the density is periodic and defined for every real x. Mean and mode μ. Samples lie in
 * [μ - π, μ + π] wrapped to [-π, π) (Best & Fisher's sampler, see drawAngle); reparameterized in
 * loc (the draw is loc plus an angle), not in concentration.
 */
export class VonMises extends BaseDistribution {
  override readonly reparameterized = true;
  readonly loc: tf.Tensor;
  readonly concentration: tf.Tensor;

  constructor({ loc, concentration, validateArgs, ...unknown }: VonMisesOptions = {} as VonMisesOptions) {
    super('VonMises', validateArgs, unknown, ['loc', 'concentration']);
    this.loc = this.param(loc, 'loc');
    this.check(this.loc, Number.isFinite, 'loc', 'finite');
    this.concentration = this.param(concentration, 'concentration');
    this.check(this.concentration, Number.isFinite, 'concentration', 'finite');
    this.check(this.concentration, (v) => v >= 0, 'concentration', '>= 0');
    this._batchShape = this.batchOf({ loc: this.loc, concentration: this.concentration });
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    // κ cos θ - log I0(κ) = -2κ sin²(θ/2) - log(e^{-κ} I0(κ)): no cancellation at large κ.
    const k = this.concentration;
    const half = tf.sin(tf.mul(tf.sub(x, this.loc), tf.scalar(0.5)));
    return tf.sub(tf.mul(tf.scalar(-2), tf.mul(k, tf.square(half))), tf.add(tf.scalar(LOG_TWO_PI), logBesselI0e(k)));
  }

  protected _sample(sampleShape: number[], { seed }: SampleOptions): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const angle = nonDifferentiable((k) => drawAngle(k, shape, seed), this.concentration);
    const x = tf.add(angle, this.loc);
    // Wrapped to [-π, π); the wrap is piecewise constant, so the gradient to loc stays 1.
    const turns = nonDifferentiable((v) => tf.floor(tf.div(tf.add(v, tf.scalar(Math.PI)), tf.scalar(2 * Math.PI))), x);
    return tf.sub(x, tf.mul(turns, tf.scalar(2 * Math.PI)));
  }

  protected override _mean(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
  protected override _mode(): tf.Tensor {
    return tf.clone(broadcastTo(this.loc, this._batchShape));
  }
}
