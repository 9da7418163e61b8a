export { argumentError, describeValue, raw, shapeText } from './errors.js';
export {
  broadcastShapes,
  checkValues,
  deriveSeed,
  normalizeSampleShape,
  toFloatTensor,
  tryReadSync,
  type TensorLike,
} from './tensor-utils.js';
export { registerGradients } from './register-gradients.js';
