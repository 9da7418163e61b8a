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
  /** Wall-clock ms per epoch: the fastest of 10 blocks (robust on a shared machine) and the median. */
  msPerEpochMin: number;
  msPerEpochMedian: number;
  /** Process CPU ms per epoch over all blocks. */
  cpuMsPerEpoch: number;
  /** Kernel launches per steady-state epoch. */
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

let launchCount = 0;
const counted = new Set<string>();

/**
 * Wraps every kernel of `backend` with a launch counter (after the timings, so they are not
 * affected). Counts real launches, also across the awaits inside fit, which tf.profile misses.
 */
function installCounters(backend: string): void {
  if (counted.has(backend)) return;
  counted.add(backend);
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({ ...config, kernelFunc: (args) => (launchCount++, inner(args)) });
  }
}

async function countLaunches(fn: () => Promise<unknown>): Promise<number> {
  const before = launchCount;
  await fn();
  return launchCount - before;
}

/** Runs `block` (which does `perBlock` epochs) 10 times; per-epoch min / median wall time and CPU time. */
async function timeBlocks(block: () => Promise<void>, perBlock: number): Promise<{ min: number; median: number; cpu: number }> {
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let b = 0; b < 10; b++) {
    const t0 = performance.now();
    await block();
    times.push((performance.now() - t0) / perBlock);
  }
  const c = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  return { min: times[0]!, median: (times[4]! + times[5]!) / 2, cpu: (c.user + c.system) / 1000 / (10 * perBlock) };
}

/** Times full-batch epochs (`epochs` in all), as bare optimizer steps and through mdn.fit. */
export async function benchEpoch(backend: string, fused: boolean, epochs: number): Promise<EpochTiming[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const data = inverseSineData(1000, 1);
  const x = tf.tensor2d(data.x, [1000, 1]);
  const y = tf.tensor2d(data.y, [1000, 1]);
  const path = fused ? 'fused' : 'composed';
  const perBlock = Math.max(1, Math.round(epochs / 10));
  const results: EpochTiming[] = [];

  // Bare steps: what the training math costs, without the loop's bookkeeping.
  {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0, fused });
    const optimizer = tf.train.adam(1e-3);
    const step = () => tf.dispose(optimizer.minimize(() => mdn.loss(x, y), true, mdn.trainableVariables) ?? []);
    for (let i = 0; i < 20; i++) step();
    const info = await tf.profile(() => step());
    const t = await timeBlocks(async () => {
      for (let i = 0; i < perBlock; i++) step();
      await mdn.params.data();
    }, perBlock);
    results.push({ backend, path, mode: 'step', msPerEpochMin: t.min, msPerEpochMedian: t.median, cpuMsPerEpoch: t.cpu, kernelsPerEpoch: launches(info) });
    optimizer.dispose();
    mdn.dispose();
  }
  // Through mdn.fit (trainLoop: per-epoch loss read, NaN guard, event-loop yield).
  {
    const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0, fused });
    await mdn.fit(x, y, { epochs: 20, batchSize: 1000, seed: 0 });
    const t = await timeBlocks(async () => {
      await mdn.fit(x, y, { epochs: perBlock, batchSize: 1000, seed: 0 });
    }, perBlock);
    results.push({
      backend,
      path,
      mode: 'fit',
      msPerEpochMin: t.min,
      msPerEpochMedian: t.median,
      cpuMsPerEpoch: t.cpu,
      kernelsPerEpoch: 0,
    });
    // Steady state: launches of a 3-epoch fit minus a 2-epoch fit (drops per-fit setup).
    installCounters(backend);
    const two = await countLaunches(() => mdn.fit(x, y, { epochs: 2, batchSize: 1000, seed: 0 }));
    const three = await countLaunches(() => mdn.fit(x, y, { epochs: 3, batchSize: 1000, seed: 0 }));
    results[results.length - 1]!.kernelsPerEpoch = three - two;
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
      'ms/epoch (min of 10 blocks)': r.msPerEpochMin.toFixed(3),
      'ms/epoch (median)': r.msPerEpochMedian.toFixed(3),
      'cpu ms/epoch': r.cpuMsPerEpoch.toFixed(3),
      'kernels/epoch': r.kernelsPerEpoch,
    })),
  );
}
