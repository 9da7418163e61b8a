import * as tf from '@tensorflow/tfjs-core';
import { argumentError, checkOptionKeys, checkValues, nonDifferentiable, raw, shapeText } from '@densityjs/core';
import { Bijector, type BijectorBaseOptions, type BijectorCallOptions } from './bijector.js';
import { sumRightmost } from './ops.js';

/** Options of every elementwise (scalar) bijector. */
export interface ElementwiseOptions extends BijectorBaseOptions {
  /**
   * Number of trailing dims treated as the event (default 0: scalar events). With
   * `eventNdims: 1` the elementwise log-dets are summed over the last axis, as
   * `Independent` would do for a distribution.
   */
  eventNdims?: number;
  /**
   * Check synchronously that inverse inputs lie in the bijector's range and throw otherwise
   * (default false: such inputs map to a -Infinity log-det, so densities are 0 there).
   */
  validateArgs?: boolean;
}

/**
 * A bijector acting independently on every element: `y_i = f(x_i)`. The Jacobian is diagonal,
 * so `log|det J| = sum_i log|f'(x_i)|` over the event dims. Subclasses give the value and the
 * elementwise log-derivative in both directions.
 */
export abstract class ElementwiseBijector extends Bijector {
  /** Whether inverse inputs are checked against the bijector's range (the `validateArgs` option, default false). */
  protected readonly validateArgs: boolean;
  /**
   * Shapes of the parameters that broadcast against the input (name -> shape). The input must
   * contain them: same trailing dims or 1 in the parameter, so y keeps x's shape.
   */
  protected readonly parameterShapes: Record<string, number[]> = {};

  /**
   * `optionKeys`: the subclass's own option keys; when given, any other key (beyond name,
   * eventNdims and validateArgs) is refused with the closest valid one suggested.
   */
  constructor(opts: ElementwiseOptions, defaultName: string, volumePreserving = false, optionKeys?: readonly string[]) {
    const name = (opts as { name?: unknown } | null | undefined)?.name ?? defaultName;
    if (typeof name !== 'string') throw argumentError(defaultName, 'name', 'a string', name);
    if (optionKeys !== undefined) checkOptionKeys(name, opts, ['name', 'eventNdims', 'validateArgs', ...optionKeys]);
    else if (opts === null || typeof opts !== 'object') throw argumentError(name, 'options', 'an object', opts);
    const eventNdims = opts?.eventNdims ?? 0;
    if (!Number.isInteger(eventNdims) || eventNdims < 0) {
      throw argumentError(name, 'eventNdims', 'a non-negative integer', eventNdims);
    }
    super({ eventNdims, name, volumePreserving });
    this.validateArgs = opts?.validateArgs ?? false;
  }

  protected override checkInput(t: unknown, argument: string): void {
    super.checkInput(t, argument);
    const shape = (t as tf.Tensor).shape;
    for (const [name, ps] of Object.entries(this.parameterShapes)) {
      const ok = ps.length <= shape.length && ps.every((d, i) => d === 1 || d === shape[shape.length - ps.length + i]);
      if (!ok) {
        throw argumentError(
          this.name,
          argument,
          `a tensor whose trailing dims match ${name}'s shape ${shapeText(ps)} (or where ${name} has size 1)`,
          raw(`a tensor of shape ${shapeText(shape)}`),
        );
      }
    }
  }

  /** `[f(x), log|f'(x)|]` elementwise (the log-derivative may broadcast against f(x)). */
  protected abstract elementwiseForward(x: tf.Tensor): [tf.Tensor, tf.Tensor];
  /** `[f^{-1}(y), log|(f^{-1})'(y)|]` elementwise. */
  protected abstract elementwiseInverse(y: tf.Tensor): [tf.Tensor, tf.Tensor];

  protected override _forwardAndLogDet(x: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const [y, ld] = this.elementwiseForward(x);
    return [y, this.reduceLogDet(ld, y.shape)];
  }

  protected override _inverseAndLogDet(y: tf.Tensor, _opts: BijectorCallOptions): [tf.Tensor, tf.Tensor] {
    const [x, ld] = this.elementwiseInverse(y);
    return [x, this.reduceLogDet(ld, x.shape)];
  }

  protected override _forward(x: tf.Tensor, _opts: BijectorCallOptions): tf.Tensor {
    return this.elementwiseForward(x)[0];
  }

  protected override _inverse(y: tf.Tensor, _opts: BijectorCallOptions): tf.Tensor {
    return this.elementwiseInverse(y)[0];
  }

  private reduceLogDet(ld: tf.Tensor, shape: number[]): tf.Tensor {
    const full = ld.shape.length === shape.length && ld.shape.every((d, i) => d === shape[i]) ? ld : tf.broadcastTo(ld, shape);
    return sumRightmost(full, this.eventNdims);
  }

  /** With validateArgs: throws when some element of `y` is outside the range (sync read). */
  protected checkRange(y: tf.Tensor, ok: (v: number) => boolean, expected: string): void {
    if (this.validateArgs) checkValues(y, ok, this.name, 'y', expected);
  }
}

/**
 * Replaces value and log-det by the out-of-support answer where `inside` is false: the value by
 * `outsideValue(y)` (e.g. +-Infinity, the limit of the inverse) and the log-det by -Infinity, so
 * a transformed density is exactly 0 (log-density -Infinity) there instead of NaN.
 */
export function maskOutsideSupport(
  inside: tf.Tensor,
  value: tf.Tensor,
  logDet: tf.Tensor,
  outsideValue: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  return [tf.where(inside, value, outsideValue), tf.where(inside, logDet, tf.fill(logDet.shape, -Infinity))];
}

/** Boolean mask `lo < y < hi` without a gradient path. */
export function openInterval(y: tf.Tensor, lo: number, hi: number): tf.Tensor {
  return nonDifferentiable(
    (t) => {
      if (hi === Infinity) return tf.greater(t, lo);
      if (lo === -Infinity) return tf.less(t, hi);
      return tf.logicalAnd(tf.greater(t, lo), tf.less(t, hi));
    },
    y,
  );
}

/** -Infinity where `y <= threshold`, +Infinity elsewhere (the limits of an inverse at the ends). */
export function infiniteLimit(y: tf.Tensor, threshold: number): tf.Tensor {
  return nonDifferentiable(
    (t) => tf.where(tf.lessEqual(t, threshold), tf.fill(t.shape, -Infinity), tf.fill(t.shape, Infinity)),
    y,
  );
}
