import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@densityjs/testing';
import { it } from 'vitest';
import { maf } from './index.js';
it('shapes', async () => {
  await useBackend('webgpu');
  const f = maf({ eventSize: 2, numLayers: 5, hiddenUnits: [16, 16], seed: 1 });
  const data = tf.tensor2d(Array.from({length: 1024}, (_, i) => Math.sin(i)), [512, 2]);
  const lp = f.logProb(data); console.log('logProb shape', lp.shape);
  const loss = tf.neg(tf.mean(lp)); console.log('loss shape', loss.shape);
  const opt = tf.train.adam(0.01);
  const cost = opt.minimize(() => tf.neg(tf.mean(f.logProb(data))) as tf.Scalar, true, f.trainableVariables);
  console.log('cost shape', cost!.shape);
  const { value } = tf.variableGrads(() => tf.neg(tf.mean(f.logProb(data))) as tf.Scalar, f.trainableVariables);
  console.log('variableGrads value shape', value.shape);
}, 200000);
