import * as tf from '@tensorflow/tfjs-core';
import { conditionerShapeError } from './conditioner.js';
import { rationalQuadraticSpline, resolveSpline, splineParamCount, type SplineSettings } from './rational-quadratic-spline.js';
import type { Transformer } from './transformer.js';

/**
 * The monotone rational-quadratic spline transformer of neural spline flows (Durkan et al.
 * 2019): K bins on [-bound, bound], identity outside, from 3K - 1 unnormalized numbers per unit
 * (K widths, K heights, K - 1 interior derivatives; see `rationalQuadraticSpline`).
 */
export function rationalQuadratic(settings: SplineSettings = {}): Transformer {
  const resolved = resolveSpline('rationalQuadratic', settings);
  const P = splineParamCount(resolved.numBins);
  const run = (v: tf.Tensor, params: tf.Tensor, owner: string, inverse: boolean): [tf.Tensor, tf.Tensor] => {
    const expected = [...v.shape, P];
    if (params.shape.length !== expected.length || params.shape.some((d, i) => d !== expected[i])) {
      throw conditionerShapeError(owner, `a tensor of shape [${expected}] (3 * numBins - 1 per unit)`, params);
    }
    const [out, ld] = rationalQuadraticSpline(v, params, { ...resolved, inverse });
    return [out, tf.sum(ld, -1)];
  };
  return {
    kind: 'rationalQuadratic',
    paramsPerUnit: P,
    volumePreserving: false,
    forward: (v, params, owner) => run(v, params, owner, false),
    inverse: (v, params, owner) => run(v, params, owner, true),
    toJSON: () => ({ kind: 'rationalQuadratic', ...resolved }),
  };
}
