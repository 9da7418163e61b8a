export { Flow, type FlowActivation, type FlowConfig, type FlowInit, type FlowOptions, type FlowPresetName } from './flow.js';
export { maf, iaf, realNVP, nice, neuralSplineFlow, naf, type MadeFlowOptions, type NafOptions, type NeuralSplineFlowOptions } from './presets.js';
export { fitVariational, type FitVariationalOptions, type FitVariationalResult, type VariationalFlow, type VariationalTarget } from './fit-variational.js';
export { distill, type DistillOptions, type DistillResult, type DistillStudent, type DistillTeacher } from './distill.js';
export {
  FLOW_FORMAT,
  FLOW_FORMAT_VERSION,
  fileHandler,
  flowFromArtifacts,
  flowToArtifacts,
  flowToIOHandler,
  loadFlow,
  loadFlowFrom,
  saveFlow,
  saveFlowTo,
  type FlowJSON,
  type LoadFlowOptions,
  type SavedWeight,
} from './save-load.js';
export { DenseNetwork, type DenseNetworkOptions } from './dense-network.js';
// One training entry point for every trainable density, shared with @densityjs/mdn.
export { fit, type DensityFitOptions, type DensityFitOptions as FlowFitOptions, type FitOptions, type FitResult, type TrainableDensity } from '@densityjs/core';
