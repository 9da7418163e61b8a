// TEMPORARY: registers tfjs' own gradients until @densityjs/core's registerGradients covers
// every kernel the packages differentiate. Remove this import once it does, so the tests prove
// that training works with tfjs-core alone (as in plain Node ESM, where this import fails).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll } from 'vitest';

// Tests outside describeEachBackend run on cpu, whatever backend registered last.
beforeAll(async () => {
  await tf.setBackend('cpu');
});
