// @densityjs/datasets: seeded toy data and the MAF tabular benchmarks, without tfjs.
// Every generator returns {data: Float32Array, shape: [n, d]} (row-major), plus labels where
// they exist; pass `data` to tf.tensor2d(data, shape) to train.

export type { Dataset, DatasetSplits, LabeledDataset } from './types.js';
export { ArgumentError, FormatError, MAX_ROWS, StateError } from './errors.js';
export { createRng, type Rng } from './rng.js';
export { split, type SplitOptions } from './split.js';

export { twoMoons, type TwoMoonsOptions } from './two-moons.js';
export { siggraph, type SiggraphOptions } from './siggraph.js';
export { inverseSine, type InverseSineDataset, type InverseSineOptions } from './inverse-sine.js';
export { eightGaussians, type EightGaussiansOptions } from './eight-gaussians.js';
export { checkerboard, type CheckerboardOptions } from './checkerboard.js';
export { pinwheel, type PinwheelOptions } from './pinwheel.js';
export { circles, type CirclesOptions } from './circles.js';
export { swissRoll, type SwissRollDataset, type SwissRollOptions } from './swiss-roll.js';
export { rings, type RingsOptions } from './rings.js';

export { readNpy, writeNpy, type NpyArray, type NpyDtype } from './npy.js';
export { power, preprocessPower, type PowerOptions } from './tabular/power.js';
export { gas, preprocessGas } from './tabular/gas.js';
export { hepmass, preprocessHepmass, type HepmassTables } from './tabular/hepmass.js';
export { miniboone, preprocessMiniboone } from './tabular/miniboone.js';
export { bsds300, preprocessBsds300 } from './tabular/bsds300.js';
