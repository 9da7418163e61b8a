// Plain Node ESM, as a user writes it after `npm i @densityjs/flows @densityjs/mdn
// @densityjs/datasets @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { twoMoons, inverseSine } from '@densityjs/datasets';
import { maf, fit } from '@densityjs/flows';
import { MDN } from '@densityjs/mdn';

await tf.setBackend('wasm');

const moons = twoMoons(2000, { noise: 0.1, seed: 1 });
const data = tf.tensor2d(moons.data, moons.shape);
const flow = maf({ eventSize: 2, numLayers: 3, hiddenUnits: [32, 32], seed: 1 });
const before = -(await tf.mean(flow.logProb(data)).data())[0];
await fit(flow, data, { epochs: 20, batchSize: 256, learningRate: 3e-3, seed: 1 });
const after = -(await tf.mean(flow.logProb(data)).data())[0];
console.log(`MAF on two moons: NLL ${before.toFixed(3)} -> ${after.toFixed(3)} nats`);

const sine = inverseSine(1000, { seed: 2, inverse: true });
const x = tf.tensor2d(sine.x, [sine.x.length, 1]);
const y = tf.tensor2d(sine.y, [sine.y.length, 1]);
const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: [20], seed: 3 });
await mdn.fit(x, y, { epochs: 300, batchSize: 1000, learningRate: 1e-2, seed: 3 });
const mdnNll = -(await tf.mean(mdn.logProb(x, y)).data())[0];
console.log(`MDN on the inverse sine problem: NLL ${mdnNll.toFixed(3)} nats`);

if (!(after < before - 0.3 && after < 2.0)) throw new Error(`MAF did not train: ${before} -> ${after}`);
if (!(mdnNll < 2.5)) throw new Error(`MDN did not train: NLL ${mdnNll}`);
console.log('packaging smoke test passed');
