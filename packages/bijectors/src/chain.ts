import * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { sumRightmost } from './ops.js';

/**
 * Composition `f = f_0 ∘ f_1 ∘ ... ∘ f_{n-1}` of `new Chain([f_0, ..., f_{n-1}])`: as in TFP
 * the list is applied right to left, so `forward` runs `f_{n-1}` first and `inverse` runs
 * `f_0^{-1}` first. Log-dets add up (chain rule: `log|det J_f| = sum_i log|det J_{f_i}|` at the
 * intermediate points); each member's log-det is summed down to the chain's event rank, the
 * largest member event rank. Options (the context) are passed to every member.
 *
 * The chain owns its members: `dispose()` disposes them.
 */
export class Chain extends Bijector {
  /** The members, outermost first: forward applies the last one first. */
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: Bijector[], opts: BijectorBaseOptions = {}) {
    const name = opts.name ?? 'Chain';
    if (!Array.isArray(bijectors) || bijectors.some((b) => !(b instanceof Bijector))) {
      throw argumentError(name, 'bijectors', 'an array of Bijector instances', bijectors);
    }
    let eventSize: number | undefined;
    for (const b of bijectors) {
      if (b.eventSize === undefined) continue;
      if (eventSize !== undefined && eventSize !== b.eventSize) {
        throw argumentError(
          name,
          'bijectors',
          'members with one event size',
          `\u0000event sizes ${eventSize} and ${b.eventSize} (${b.name})`,
        );
      }
      eventSize = b.eventSize;
    }
    super({
      eventNdims: Math.max(0, ...bijectors.map((b) => b.eventNdims)),
      eventSize,
      volumePreserving: bijectors.every((b) => b.volumePreserving),
      name,
    });
    this.bijectors = [...bijectors];
  }

  override get members(): readonly Bijector[] {
    return this.bijectors;
  }

  protected _forwardAndLogDet(x: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    let value = x;
    let total: tf.Tensor | undefined;
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const b = this.bijectors[i]!;
      if (b.volumePreserving) {
        value = b.forward(value, opts); // log-det 0: skip its kernels
        continue;
      }
      const [next, ld] = b.forwardAndLogDet(value, opts);
      total = this.accumulate(total, ld, b.eventNdims);
      value = next;
    }
    return [value === x ? tf.clone(x) : value, total ?? tf.zeros(x.shape.slice(0, x.rank - this.eventNdims))];
  }

  protected _inverseAndLogDet(y: tf.Tensor, opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    let value = y;
    let total: tf.Tensor | undefined;
    for (const b of this.bijectors) {
      if (b.volumePreserving) {
        value = b.inverse(value, opts);
        continue;
      }
      const [next, ld] = b.inverseAndLogDet(value, opts);
      total = this.accumulate(total, ld, b.eventNdims);
      value = next;
    }
    return [value === y ? tf.clone(y) : value, total ?? tf.zeros(y.shape.slice(0, y.rank - this.eventNdims))];
  }

  protected override _forward(x: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    let value = x;
    for (let i = this.bijectors.length - 1; i >= 0; i--) value = this.bijectors[i]!.forward(value, opts);
    return value === x ? tf.clone(x) : value;
  }

  protected override _inverse(y: tf.Tensor, opts: BijectorCallOptions): tf.Tensor {
    let value = y;
    for (const b of this.bijectors) value = b.inverse(value, opts);
    return value === y ? tf.clone(y) : value;
  }

  /** Adds a member's log-det, first summing the event dims it treats as batch dims. */
  private accumulate(total: tf.Tensor | undefined, ld: tf.Tensor, memberNdims: number): tf.Tensor {
    const reduced = sumRightmost(ld, this.eventNdims - memberNdims);
    return total === undefined ? reduced : tf.add(total, reduced);
  }
}
