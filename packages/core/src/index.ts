export {
  ArgumentError,
  DensityError,
  FormatError,
  MAX_ERROR_MESSAGE_LENGTH,
  NotImplementedError,
  NumericalError,
  StateError,
  argumentError,
  describeValue,
  raw,
  shapeText,
  type DensityErrorCode,
  type NumericalErrorDetails,
} from './errors.js';
export { checkOptionKeys, closestMatch, editDistance, type CheckOptionKeysConfig } from './option-keys.js';
export { checkSeed, deriveSeed, freshSeed, tfjsSeed } from './seed.js';
export {
  asFloat32,
  broadcastShapeOf,
  broadcastShapes,
  checkTensor,
  checkValues,
  checkValuesAsync,
  normalizeSampleShape,
  toFloatTensor,
  tryReadSync,
  type TensorCheck,
  type TensorLike,
} from './tensor-utils.js';
export { gradientConfigs, registerGradients } from './register-gradients.js';
export { matMulFast } from './gradients/matmul-gradient.js';
export {
  betainc,
  digamma,
  erfc,
  igamma,
  igammaGradA,
  igammac,
  lbeta,
  logBetainc,
  logBetaincPair,
  logIgamma,
  logIgammac,
  logIgammaPair,
  lgamma,
  logErfc,
  logNdtr,
  ndtr,
} from './special-functions.js';
export { igammaInv, igammacInv } from './inverse-incomplete-gamma.js';
export { betaincInv, betaincInvLogit } from './inverse-incomplete-beta.js';
export { ndtri } from './ndtri.js';
export { log1p } from './log1p.js';
export { logBesselI0, logBesselI0e } from './log-bessel-i0.js';
export { matrixDiagPart, triangularSolveLower } from './linear-algebra.js';
export { cholesky } from './cholesky.js';
export { cosineDecay, scheduledLearningRate } from './cosine-decay.js';
export { WeightAverage } from './weight-average.js';
export { mulberry32 } from './mulberry32.js';
export { glorotUniformBound, linearInit, linearInitValues, linearUniformBound, maskedFanIn, type LinearInitOptions } from './initializers.js';
export {
  FIT_OPTION_KEYS,
  MIN_STATISTICS_BATCH,
  trainLoop,
  resolveFitOptions,
  type BatchLogs,
  type FitOptions,
  type FitResult,
  type TrainLoopSpec,
} from './train-loop.js';
export { DENSE_ACTIVATIONS, LEAKY_RELU_ALPHA, fusedDense, fusedMlp, type DenseActivation, type FusedLayer, type FusedMlpOptions } from './fused-dense.js';
export { FusedAdam, fusedAdam, type FusedAdamOptions } from './fused-adam.js';
export { DirectBackend, directKernelsActive, recordingGradients, registerDirectKernel, setDirectKernelsEnabled, type DirectMatMulOptions } from './kernels/direct-backend.js';
export { mlpForward, type MlpForwardAttrs } from './kernels/mlp-forward-kernel.js';
export { mlpBackward } from './kernels/mlp-backward-kernel.js';
export type { MlpKernelConfig, MlpLayerSpec } from './kernels/mlp-kernel-config.js';
export type { BijectorCallOptions, BijectorLike } from './bijector-like.js';
export type { TrainableDensity, TrainingData, TrainingObjective } from './trainable-density.js';
export { fit, FIT_DEFAULTS, checkMatrix, negativeMean, type DensityFitOptions } from './fit.js';
export { formatEpochLine, formatProgressLine, type ProgressState, type ProgressStyle } from './progress-format.js';
export { TrainingLog, defaultProgressOutput, type ProgressOutput, type TrainingLogOptions, type Verbosity } from './training-log.js';
export { fusedAffineTransform, type FusedAffineOptions } from './fused-affine.js';
export { nonDifferentiable } from './non-differentiable.js';
export { checkContext, type CheckContextOptions } from './check-context.js';
export { fusedRationalQuadraticSpline, type FusedSplineOptions } from './fused-spline.js';
