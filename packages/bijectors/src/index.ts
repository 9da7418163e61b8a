export { Bijector, type BijectorBaseOptions, type BijectorCallOptions, type BijectorConfig } from './bijector.js';
export { ElementwiseBijector, type ElementwiseOptions } from './elementwise.js';
export { Identity } from './identity.js';
export { Shift, type ShiftOptions } from './shift.js';
export { Scale, type ScaleOptions } from './scale.js';
export { Exp } from './exp.js';
export { Softplus } from './softplus.js';
export { Sigmoid } from './sigmoid.js';
export { Tanh } from './tanh.js';
export { LeakyReLU, type LeakyReLUOptions } from './leaky-relu.js';
export { PReLU, type PReLUOptions } from './prelu.js';
export { Chain } from './chain.js';
export { Invert } from './invert.js';
export { Permute, type PermuteOptions } from './permute.js';
export { Reverse } from './reverse.js';
export {
  RationalQuadraticSpline,
  rationalQuadraticSpline,
  splineParamCount,
  SPLINE_DEFAULTS,
  type RationalQuadraticSplineOptions,
  type SplineSettings,
} from './rational-quadratic-spline.js';
export type { Conditioner, ConditionerFunction, ConditionerObject } from './conditioner.js';
export { ConditionedBijector, type ConditionedOptions } from './conditioned-bijector.js';
export { isTransformer, transformerFromJSON, type Transformer, type TransformerJSON } from './transformer.js';
export { affine, affineTransform, DEFAULT_LOG_SCALE_CLAMP, type AffineOptions } from './affine-transformer.js';
export { additive } from './additive-transformer.js';
export { rationalQuadratic } from './rational-quadratic-transformer.js';
export { deepSigmoid, type DeepSigmoidOptions } from './deep-sigmoid-transformer.js';
export { Coupling, type CouplingOptions } from './coupling.js';
export { RealNVP, type RealNVPOptions } from './real-nvp.js';
export { NICE, type NICEOptions } from './nice.js';
export { SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';
export { MaskedAutoregressive, type MaskedAutoregressiveOptions } from './masked-autoregressive.js';
export { MaskedAutoregressiveFlow, type MaskedAutoregressiveFlowOptions } from './masked-autoregressive-flow.js';
export { MaskedAutoregressiveSpline, type MaskedAutoregressiveSplineOptions } from './masked-autoregressive-spline.js';
export { BatchNormalization, type BatchNormalizationOptions } from './batch-normalization.js';
export { ActNorm, type ActNormOptions } from './act-norm.js';
export { ScaleMatvecLU, type ScaleMatvecLUOptions } from './scale-matvec-lu.js';
