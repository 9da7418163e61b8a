export {
  createDegrees,
  createMasks,
  type CreateDegreesOptions,
  type HiddenDegrees,
  type InputOrder,
  type MadeDegrees,
} from './degrees.js';
export { MaskedDense, type MaskedDenseOptions } from './masked-dense.js';
export { MADE, type MADEConfig, type MADEOptions } from './made.js';
