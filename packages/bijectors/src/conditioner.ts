import type * as tf from '@tensorflow/tfjs-core';
import { argumentError, raw, shapeText } from '@densityjs/core';

/** A conditioner as a plain function of the conditioning units and the optional context. */
export type ConditionerFunction = (x: tf.Tensor, context?: tf.Tensor) => tf.Tensor;

/**
 * A conditioner as an object, e.g. a `MADE` from @densityjs/made: `call(x, {context})`. Its
 * `trainableVariables` are exposed by the bijector using it, and its `dispose()` is called by
 * the bijector's `dispose()`.
 */
export interface ConditionerObject {
  /** The transformer's parameters for the conditioning units `x` (and the context, if any). */
  call(x: tf.Tensor, opts?: { context?: tf.Tensor }): tf.Tensor;
  /** Variables an optimizer updates through the bijector. */
  readonly trainableVariables?: tf.Variable[];
  /** Frees the network's variables; called by the bijector's `dispose()`. */
  dispose?(): void;
}

/**
 * Any network (or function) producing the parameters of a coupling or autoregressive layer.
 * It is passed in, not built in, so layers stay decoupled from how the network is made.
 */
export type Conditioner = ConditionerFunction | ConditionerObject;

export function isConditioner(c: unknown): c is Conditioner {
  return typeof c === 'function' || (typeof c === 'object' && c !== null && typeof (c as ConditionerObject).call === 'function');
}

export function callConditioner(c: Conditioner, x: tf.Tensor, context: tf.Tensor | undefined): tf.Tensor {
  if (typeof c === 'function') return c(x, context);
  return context === undefined ? c.call(x) : c.call(x, { context });
}

export function conditionerVariables(c: Conditioner): tf.Variable[] {
  return typeof c === 'function' ? [] : [...(c.trainableVariables ?? [])];
}

export function disposeConditioner(c: Conditioner): void {
  if (typeof c !== 'function') c.dispose?.();
}

export function checkContextSize(owner: string, contextSize: unknown): void {
  if (contextSize !== undefined && (!Number.isInteger(contextSize) || (contextSize as number) < 1)) {
    throw argumentError(owner, 'contextSize', 'a positive integer', contextSize);
  }
}

/** Error for a conditioner output of the wrong shape. */
export function conditionerShapeError(owner: string, expected: string, params: tf.Tensor): Error {
  return argumentError(owner, 'conditioner output', expected, raw(`a tensor of shape ${shapeText(params.shape)}`));
}

/**
 * The conditioner of an affine layer given as `conditioner` or by its TFP name
 * `shiftAndLogScale` (one of them, not both).
 */
export function affineConditioner(owner: string, opts: { conditioner?: Conditioner; shiftAndLogScale?: Conditioner }): Conditioner {
  if (opts?.conditioner !== undefined && opts.shiftAndLogScale !== undefined) {
    throw argumentError(owner, 'conditioner / shiftAndLogScale', 'one of them (shiftAndLogScale is another name for conditioner)', raw('both'));
  }
  return (opts?.conditioner ?? opts?.shiftAndLogScale) as Conditioner;
}
