// Every test runs with densityjs' own gradients (@densityjs/core registerGradients), not tfjs'
// register_all_gradients: the suites thereby prove that training works with tfjs-core alone, as
// in plain Node ESM where tfjs' gradient module cannot be imported.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@densityjs/core';
import { beforeAll } from 'vitest';

registerGradients();

// Tests outside describeEachBackend run on cpu, whatever backend registered last.
beforeAll(async () => {
  await tf.setBackend('cpu');
});
