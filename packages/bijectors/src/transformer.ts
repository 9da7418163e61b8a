import type * as tf from '@tensorflow/tfjs-core';
import { argumentError } from '@densityjs/core';
import { additive } from './additive-transformer.js';
import { affine } from './affine-transformer.js';
import { deepSigmoid, type DeepSigmoidOptions } from './deep-sigmoid-transformer.js';
import { rationalQuadratic } from './rational-quadratic-transformer.js';
import type { SplineSettings } from './rational-quadratic-spline.js';

/** The JSON form of a transformer: its kind and its options (what `transformerFromJSON` reads). */
export interface TransformerJSON {
  /** Which transformer. */
  kind: 'affine' | 'additive' | 'rationalQuadratic' | 'deepSigmoid';
  [option: string]: unknown;
}

/**
 * The elementwise, monotone map `tau(v; theta)` a coupling or autoregressive layer applies to
 * each transformed unit, given the conditioner's parameters `theta` for that unit. Structure
 * (which units condition which) is the layer's business; the transformer knows only the map:
 *
 *     forward:  [tau(v; theta),      sum_i log|d tau/d v_i|]
 *     inverse:  [tau^{-1}(v; theta), sum_i log|d tau^{-1}/d v_i|]
 *
 * with the log-derivatives summed over the last axis (the units). `params` has shape
 * batch + [n, paramsPerUnit] for n units (a MADE's layout); transformers with one parameter per
 * unit also take batch + [n], and `affine` takes batch + [2n] (n shifts, then n log-scales).
 */
export interface Transformer {
  /** Which transformer (its name in JSON). */
  readonly kind: TransformerJSON['kind'];
  /** Conditioner outputs per transformed unit. */
  readonly paramsPerUnit: number;
  /** True when log|d tau/d v| is identically 0 (the layer then reports volumePreserving). */
  readonly volumePreserving: boolean;
  /** `[tau(v; params), sum_i log|d tau/d v_i|]`; `owner` names the layer in shape errors. */
  forward(v: tf.Tensor, params: tf.Tensor, owner: string): [tf.Tensor, tf.Tensor];
  /** `[tau⁻¹(v; params), sum_i log|d tau⁻¹/d v_i|]`; `owner` names the layer in shape errors. */
  inverse(v: tf.Tensor, params: tf.Tensor, owner: string): [tf.Tensor, tf.Tensor];
  /** Its kind and options, as `transformerFromJSON` reads them back. */
  toJSON(): TransformerJSON;
}

/** True when `t` has a Transformer's shape (forward, inverse, an integer paramsPerUnit, toJSON). */
export function isTransformer(t: unknown): t is Transformer {
  const c = t as Transformer;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.forward === 'function' &&
    typeof c.inverse === 'function' &&
    Number.isInteger(c.paramsPerUnit) &&
    typeof c.toJSON === 'function'
  );
}

/** Rebuilds a transformer from `transformer.toJSON()`. */
export function transformerFromJSON(json: TransformerJSON): Transformer {
  const { kind, ...options } = json ?? ({} as TransformerJSON);
  if (kind === 'affine') {
    const clamp = options.logScaleClamp;
    return affine({ logScaleClamp: clamp === null ? Infinity : (clamp as number | undefined) });
  }
  if (kind === 'additive') return additive();
  if (kind === 'rationalQuadratic') return rationalQuadratic(options as SplineSettings);
  if (kind === 'deepSigmoid') return deepSigmoid(options as DeepSigmoidOptions);
  throw argumentError('transformerFromJSON', 'kind', "'affine', 'additive', 'rationalQuadratic' or 'deepSigmoid'", kind);
}
