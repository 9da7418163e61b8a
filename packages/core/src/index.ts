export { argumentError, describeValue, raw, shapeText } from './errors.js';
export {
  broadcastShapes,
  checkValues,
  checkValuesAsync,
  deriveSeed,
  normalizeSampleShape,
  toFloatTensor,
  tryReadSync,
  type TensorLike,
} from './tensor-utils.js';
export { gradientConfigs, registerGradients } from './register-gradients.js';
export { matMulFast } from './gradients/matmul-gradient.js';
export { betainc, digamma, erfc, igamma, igammaGradA, lbeta, logIgamma, lgamma, logErfc, logNdtr, ndtr } from './special-functions.js';
export { matrixDiagPart, triangularSolveLower } from './linear-algebra.js';
export { cosineDecay } from './cosine-decay.js';
export { mulberry32 } from './mulberry32.js';
export { trainLoop, resolveFitOptions, type FitOptions, type FitResult, type TrainLoopSpec } from './train-loop.js';
export { DENSE_ACTIVATIONS, LEAKY_RELU_ALPHA, fusedDense, fusedMlp, type DenseActivation, type FusedLayer, type FusedMlpOptions } from './fused-dense.js';
export { FusedAdam, fusedAdam, type FusedAdamOptions } from './fused-adam.js';
