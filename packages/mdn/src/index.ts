export { MDN, type MDNConfig, type MDNFitOptions, type MDNJSON, type MDNNormalizer, type MDNOptions } from './mdn.js';
export type { Activation } from './layout.js';
export { MDN_LOSS_KERNEL } from './fused-kernel.js';
