// Lists the kernels of one full-batch training step and one fit epoch (seed configuration).
//   npx tsx --tsconfig packages/mdn/scripts/tsconfig.json packages/mdn/scripts/kernels.ts [backend]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { MDN } from '@densityjs/mdn';
import { inverseSineData } from '../src/inverse-sine.js';

await tf.setBackend(process.argv[2] ?? 'wasm');
await tf.ready();
const d = inverseSineData(1000, 1);
const x = tf.tensor2d(d.x, [1000, 1]);
const y = tf.tensor2d(d.y, [1000, 1]);
const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0 });
await mdn.fit(x, y, { epochs: 2, batchSize: 1000 });
const info = await tf.profile(async () => {
  await mdn.fit(x, y, { epochs: 1, batchSize: 1000 });
});
const launched = info.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined);
console.log(`${tf.getBackend()}: ${launched.length} kernel launches in one fit epoch:`, launched.map((k) => k.name).join(' '));
