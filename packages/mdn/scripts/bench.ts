// Time one full-batch training epoch of the seed's configuration (1000 points, 1 -> 20 tanh ->
// 5 components, 1-D output, Adam) on the cpu and wasm backends, fused kernel vs composed ops,
// and count the kernels per epoch.
//
//   npx tsx --tsconfig packages/mdn/scripts/tsconfig.json packages/mdn/scripts/bench.ts [backends] [epochs]
//
// Reports wall-clock ms/epoch and process CPU ms/epoch (the latter is steadier on a loaded machine).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { MDN } from '@densityjs/mdn';
import { inverseSineData } from '../src/inverse-sine.js';

export interface EpochTiming {
  backend: string;
  path: 'fused' | 'composed';
  mode: 'step' | 'fit';
  msPerEpoch: number;
  cpuMsPerEpoch: number;
  kernelsPerEpoch: number;
}

/**
 * Kernel launches in a profile: entries that name a kernel registered for the backend (the
 * profiler also lists scopes such as tf.customGrad's 'unnamed scope' around the kernels).
 */
function launches(info: { kernels: { name: string }[] }): number {
  const backend = tf.getBackend();
  return info.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined).length;
}

async function kernelsPerStep(mdn: MDN, x: tf.Tensor2D, y: tf.Tensor2D, optimizer: tf.Optimizer): Promise<number> {
  const info = await tf.profile(() => {
    tf.dispose(optimizer.minimize(() => mdn.loss(x, y), true, mdn.trainableVariables) ?? []);
  });
  return launches(info);
}

/** Times `epochs` full-batch epochs, as bare optimizer steps and through mdn.fit. */
export async function benchEpoch(backend: string, fused: boolean, epochs: number): Promise<EpochTiming[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const data = inverseSineData(1000, 1);
  const x = tf.tensor2d(data.x, [1000, 1]);
  const y = tf.tensor2d(data.y, [1000, 1]);
  const path = fused ? 'fused' : 'composed';
  const results: EpochTiming[] = [];

  // Bare steps: what the training math costs, without the loop's bookkeeping.
  {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0, fused });
    const optimizer = tf.train.adam(1e-3);
    const step = () => tf.dispose(optimizer.minimize(() => mdn.loss(x, y), true, mdn.trainableVariables) ?? []);
    for (let i = 0; i < 20; i++) step();
    const kernels = await kernelsPerStep(mdn, x, y, optimizer);
    await mdn.params.data();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < epochs; i++) step();
    await mdn.params.data();
    const c = process.cpuUsage(c0);
    results.push({
      backend,
      path,
      mode: 'step',
      msPerEpoch: (performance.now() - t0) / epochs,
      cpuMsPerEpoch: (c.user + c.system) / 1000 / epochs,
      kernelsPerEpoch: kernels,
    });
    optimizer.dispose();
    mdn.dispose();
  }
  // Through mdn.fit (trainLoop: per-epoch loss read, NaN guard, event-loop yield).
  {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0, fused });
    await mdn.fit(x, y, { epochs: 20, batchSize: 1000, seed: 0 });
    let kernels = 0;
    const info = await tf.profile(async () => {
      await mdn.fit(x, y, { epochs: 1, batchSize: 1000, seed: 0 });
    });
    kernels = launches(info);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await mdn.fit(x, y, { epochs, batchSize: 1000, seed: 0 });
    const c = process.cpuUsage(c0);
    results.push({
      backend,
      path,
      mode: 'fit',
      msPerEpoch: (performance.now() - t0) / epochs,
      cpuMsPerEpoch: (c.user + c.system) / 1000 / epochs,
      kernelsPerEpoch: kernels,
    });
    mdn.dispose();
  }
  tf.dispose([x, y]);
  return results;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const backends = (process.argv[2] ?? 'wasm,cpu').split(',');
  const epochs = Number(process.argv[3] ?? 300);
  const rows: EpochTiming[] = [];
  for (const backend of backends) {
    for (const fused of [true, false]) rows.push(...(await benchEpoch(backend, fused, epochs)));
  }
  console.table(
    rows.map((r) => ({
      backend: r.backend,
      path: r.path,
      mode: r.mode,
      'ms/epoch': r.msPerEpoch.toFixed(3),
      'cpu ms/epoch': r.cpuMsPerEpoch.toFixed(3),
      'kernels/epoch': r.kernelsPerEpoch,
    })),
  );
}
